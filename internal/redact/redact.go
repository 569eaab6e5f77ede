// Package redact is the one place that masks credentials. Header values are
// masked by name; free text (error bodies, messages) is scrubbed of every
// secret keyctl knows, because a hostile or buggy server may echo a token.
package redact

import (
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/keyctl/keyctl/internal/sanitize"
)

// Mask replaces a secret value.
const Mask = "[REDACTED]"

// sensitive lists header names (canonical form) whose values are secrets.
var sensitive = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"X-Api-Key":           true,
	"X-Auth-Token":        true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// extra are header names provider definitions send credentials in.
var extra sync.Map

// MarkSensitive adds a header whose value is a secret: a provider
// definition that sends its credential in a header of its own naming.
func MarkSensitive(name string) {
	extra.Store(http.CanonicalHeaderKey(name), true)
}

// IsSensitiveHeader reports whether a header's value must never be shown.
func IsSensitiveHeader(name string) bool {
	canon := http.CanonicalHeaderKey(name)
	if sensitive[canon] {
		return true
	}
	_, ok := extra.Load(canon)
	return ok
}

// HeaderValue masks the value of a sensitive header. For Authorization it
// keeps the scheme ("Bearer [REDACTED]") because the scheme is what a reader
// needs to debug auth problems and is not secret.
func HeaderValue(name, value string) string {
	if !IsSensitiveHeader(name) {
		return value
	}
	canon := http.CanonicalHeaderKey(name)
	if canon == "Authorization" || canon == "Proxy-Authorization" {
		if scheme, _, ok := strings.Cut(value, " "); ok && scheme != "" {
			return scheme + " " + Mask
		}
	}
	return Mask
}

// Header returns a copy of h with every sensitive value masked.
func Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		masked := make([]string, len(vs))
		for i, v := range vs {
			masked[i] = HeaderValue(k, v)
		}
		out[k] = masked
	}
	return out
}

// Secrets scrubs known secret values out of free text. It is safe for
// concurrent use; secrets can be added as credentials are resolved.
type Secrets struct {
	mu      sync.RWMutex
	values  []string // longest first
	longest int
}

// minSecretLen keeps tiny values (test tokens like "x") from shredding every
// message; anything a provider issues as a credential is far longer.
const minSecretLen = 4

// Add registers secrets to scrub.
func (s *Secrets) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Copy on write: String works on a snapshot of the slice without the
	// lock, so the slice it may be reading is never changed.
	s.values = slices.Clone(s.values)
	for _, v := range values {
		// Text is sanitized before it is scrubbed, so a secret holding runs of
		// spaces or invisible characters is looked for in that form too.
		for _, form := range []string{v, sanitize.Line(v, 0)} {
			if len(form) >= minSecretLen && !slices.Contains(s.values, form) {
				s.values = append(s.values, form)
				s.longest = max(s.longest, len(form))
			}
		}
	}
	// Longest first: when one credential is a prefix of another, the longer
	// one must be masked whole, not its head with the rest left showing.
	slices.SortStableFunc(s.values, func(a, b string) int { return len(b) - len(a) })
}

func (s *Secrets) snapshot() (values []string, longest int) {
	if s == nil {
		return nil, 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.values, s.longest
}

// String returns text with every registered secret replaced by Mask. Every
// occurrence of every secret is found, overlapping ones included, and each
// run of text covered by any of them becomes one Mask, so no part of a
// secret survives next to another (a prefix of it, or one that overlaps it).
func (s *Secrets) String(text string) string {
	values, _ := s.snapshot()
	if len(values) == 0 || text == "" {
		return text
	}
	type span struct{ start, end int }
	var spans []span
	for _, v := range values {
		for from := 0; from+len(v) <= len(text); {
			i := strings.Index(text[from:], v)
			if i < 0 {
				break
			}
			spans = append(spans, span{from + i, from + i + len(v)})
			from += i + 1
		}
	}
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	b.Grow(len(text))
	at := 0 // text before at is written
	for i := 0; i < len(spans); {
		start, end := spans[i].start, spans[i].end
		for i++; i < len(spans) && spans[i].start <= end; i++ {
			end = max(end, spans[i].end)
		}
		b.WriteString(text[at:start])
		b.WriteString(Mask)
		at = end
	}
	b.WriteString(text[at:])
	return b.String()
}

// Field is the one treatment of every string from outside that reaches the
// output, the audit log, a message or the debug trace: sanitized to one
// printable line (see sanitize.Line), scrubbed of every known secret, and
// bounded to max bytes. A nil Secrets only sanitizes and bounds.
//
// The text is sanitized only up to max plus the longest secret before it is
// scrubbed, so a 2 MiB header costs no more than a short one, yet a secret
// that starts within the kept part is always seen whole; what could be the
// head of a secret at the very end of that prefix is cut away with the rest.
func (s *Secrets) Field(text string, max int) string {
	_, longest := s.snapshot()
	clean, cut := sanitize.Prefix(text, max+longest)
	scrubbed := s.String(clean)
	if cut {
		return sanitize.Truncate(scrubbed, min(max, len(scrubbed)-longest)) + trailingEllipsis(scrubbed, max, longest)
	}
	return sanitize.Truncate(scrubbed, max)
}

// trailingEllipsis adds the mark of a cut when Truncate did not (the kept
// prefix happened to fit exactly).
func trailingEllipsis(s string, max, longest int) string {
	if len(s) <= min(max, len(s)-longest) {
		return sanitize.Ellipsis
	}
	return ""
}

// Lines is Field for multi-line text (an error message, a debug trace
// block): each line is sanitized, scrubbed and bounded to maxLine bytes.
func (s *Secrets) Lines(text string, maxLine int) string {
	if !strings.ContainsRune(text, '\n') {
		return s.Field(text, maxLine)
	}
	parts := strings.Split(text, "\n")
	for i, p := range parts {
		parts[i] = s.Field(p, maxLine)
	}
	return strings.Join(parts, "\n")
}

// URL is a URL given as text, parsed or not, as it may be shown: its user
// info masked, so a password in a base URL is never printed, not even in
// the error that says the URL is malformed ("https://user:pw@host/x" becomes
// "https://[REDACTED]@host/x"), and sanitized like all text from outside.
func URL(raw string) string {
	return sanitize.Line(maskUserInfo(raw), 0)
}

func maskUserInfo(raw string) string {
	head, rest := authority(raw)
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		// A password typed with an unescaped '/', '?' or '#' ends the
		// authority early ("https://u:pa/ss@host"): what is left before it
		// is then no host[:port], yet an '@' follows. Mask up to that '@'.
		next := strings.Index(rest[end:], "@")
		if next < 0 || validHostPort(rest[:end]) {
			return raw
		}
		at = end + next
	}
	return head + Mask + rest[at:]
}

// authority splits raw before where its authority (user info, host, port)
// starts: after "scheme://", a leading "//", or a mistyped "scheme:/".
func authority(raw string) (head, rest string) {
	if i := strings.Index(raw, "://"); i >= 0 {
		return raw[:i+3], raw[i+3:]
	}
	if strings.HasPrefix(raw, "//") {
		return "//", raw[2:]
	}
	if i := strings.Index(raw, ":/"); i > 0 && !strings.ContainsAny(raw[:i], "/?#@") {
		return raw[:i+2], raw[i+2:]
	}
	return "", raw // "user:pw@host" without a scheme still names a password
}

// validHostPort reports whether s could be host or host:port, so a colon
// in it is not the one between a user name and a password.
func validHostPort(s string) bool {
	i := strings.LastIndex(s, ":")
	if i < 0 || strings.HasSuffix(s, "]") {
		return true
	}
	for _, r := range s[i+1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
