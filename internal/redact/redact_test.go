package redact

import (
	"net/http"
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
