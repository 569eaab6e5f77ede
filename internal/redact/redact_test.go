package redact

import (
	"net/http"
	"strings"
	"testing"
)

func TestHeaderValue(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"Authorization", "Bearer sk-secret", "Bearer [REDACTED]"},
		{"authorization", "sk-secret", "[REDACTED]"},
		{"X-API-KEY", "la-secret", "[REDACTED]"},
		{"Cookie", "la_session=abc", "[REDACTED]"},
		{"Set-Cookie", "sid=abc; Path=/", "[REDACTED]"},
		{"X-Auth-Token", "sk-lw-abc", "[REDACTED]"},
		{"Accept", "application/json", "application/json"},
	}
	for _, c := range cases {
		if got := HeaderValue(c.name, c.value); got != c.want {
			t.Errorf("HeaderValue(%q, %q) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestHeaderCopiesAndMasks(t *testing.T) {
	h := http.Header{"Authorization": {"Bearer tok-123"}, "Accept": {"application/json"}}
	m := Header(h)
	if m.Get("Authorization") != "Bearer [REDACTED]" || m.Get("Accept") != "application/json" {
		t.Fatalf("masked header = %v", m)
	}
	if h.Get("Authorization") != "Bearer tok-123" {
		t.Fatal("Header modified its input")
	}
}

func TestSecretsScrubsEveryOccurrence(t *testing.T) {
	var s Secrets
	s.Add("tok-123456", "x")
	got := s.String("bad token tok-123456 (tok-123456) x")
	if got != "bad token [REDACTED] ([REDACTED]) x" {
		t.Fatalf("got %q", got)
	}
	var nilSecrets *Secrets
	if nilSecrets.String("a") != "a" {
		t.Fatal("nil Secrets must pass text through")
	}
}

func TestSecretsMasksALongerSecretWholeWhenAnotherIsItsPrefix(t *testing.T) {
	for _, order := range [][]string{{"tok-1234", "tok-1234-EXTRA-tail"}, {"tok-1234-EXTRA-tail", "tok-1234"}} {
		var s Secrets
		s.Add(order...)
		got := s.String("a tok-1234-EXTRA-tail b tok-1234 c")
		if got != "a [REDACTED] b [REDACTED] c" {
			t.Fatalf("Add(%q): got %q", order, got)
		}
	}
}

func TestSecretsMasksOverlappingSecretsAsOne(t *testing.T) {
	var s Secrets
	s.Add("AAAA-BBBB", "BBBB-CCCC")
	if got := s.String("x AAAA-BBBB-CCCC y"); got != "x [REDACTED] y" {
		t.Fatalf("got %q", got)
	}
}

func TestFieldSanitizesScrubsAndBounds(t *testing.T) {
	var s Secrets
	secret := "sk-live-SECRET-0123456789"
	s.Add(secret)
	// An escape-split or invisible-split echo is still caught: sanitizing
	// comes first.
	got := s.Field("id \x1b]52;c;x\x07"+secret+"\u200b\r\n", 100)
	if strings.Contains(got, secret) || strings.ContainsAny(got, "\x1b\x07\r\n\u200b") {
		t.Fatalf("Field = %q", got)
	}
	// A huge value is bounded, and a secret straddling the bound never
	// shows even in part.
	for pad := 0; pad < 60; pad++ {
		text := strings.Repeat("x", 80+pad) + secret + strings.Repeat("y", 2<<20)
		got := s.Field(text, 100)
		if len(got) > 100+len("…") {
			t.Fatalf("pad %d: %d bytes", pad, len(got))
		}
		if strings.Contains(got, secret[:6]) {
			t.Fatalf("pad %d: part of the secret shows: %q", pad, got)
		}
	}
	var none *Secrets
	if got := none.Field("a\x1bb", 10); got != "a b" {
		t.Fatalf("nil Secrets: %q", got)
	}
}

func TestURLMasksUserInfo(t *testing.T) {
	cases := map[string]string{
		"https://user:pa55@host.example/v1": "https://[REDACTED]@host.example/v1",
		"https://tok@host.example":          "https://[REDACTED]@host.example",
		"https://u:p@host:badport/x?q@y":    "https://[REDACTED]@host:badport/x?q@y",
		"u:p@host":                          "[REDACTED]@host",
		"https://host.example/a@b":          "https://host.example/a@b",
		"https://api.lava.so/v1":            "https://api.lava.so/v1",
	}
	for in, want := range cases {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecretsConcurrentAddAndScrub(t *testing.T) {
	var s Secrets
	s.Add("zzzz-first", "yyyyy-second")
	stop := make(chan struct{})
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		close(started)
		for {
			select {
			case <-stop:
				return
			default:
				_ = s.Field("a kkkk-secret b", 100)
			}
		}
	}()
	<-started
	for i := range 500 {
		s.Add(strings.Repeat("k", 4+i) + "-secret") // each the longest: sorted to the front
	}
	close(stop)
	<-done
}

// A password is masked however the URL around it is mistyped: a scheme
// with one slash or none, a scheme-relative URL, or a password holding an
// unescaped '/', '?' or '#' that makes the URL parser end the host early.
func TestURLMasksUserInfoInMistypedURLs(t *testing.T) {
	cases := map[string]string{
		"https:/u:pa55w0rd@host/x":   "https:/[REDACTED]@host/x",
		"//u:pa55w0rd@host/":         "//[REDACTED]@host/",
		"https://u:pa55/w0rd@host":   "https://[REDACTED]@host",
		"https://u:pa55?w0rd@host":   "https://[REDACTED]@host",
		"https://u:pa55#w0rd@host/x": "https://[REDACTED]@host/x",
		"https://host:8443/a@b":      "https://host:8443/a@b",
		"https://[::1]:8443/a@b":     "https://[::1]:8443/a@b",
	}
	for in, want := range cases {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}
