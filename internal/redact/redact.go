// Package redact is the one place that masks credentials. Header values are
// masked by name; free text (error bodies, messages) is scrubbed of every
// secret keyctl knows, because a hostile or buggy server may echo a token.
package redact

import (
	"net/http"
	"strings"
	"sync"
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
	mu       sync.RWMutex
	values   []string
	replacer *strings.Replacer
}

// minSecretLen keeps tiny values (test tokens like "x") from shredding every
// message; anything a provider issues as a credential is far longer.
const minSecretLen = 4

// Add registers secrets to scrub.
func (s *Secrets) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) >= minSecretLen {
			s.values = append(s.values, v)
		}
	}
	pairs := make([]string, 0, 2*len(s.values))
	for _, v := range s.values {
		pairs = append(pairs, v, Mask)
	}
	s.replacer = strings.NewReplacer(pairs...)
}

// String returns text with every registered secret replaced by Mask.
func (s *Secrets) String(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	r := s.replacer
	s.mu.RUnlock()
	if r == nil {
		return text
	}
	return r.Replace(text)
}
