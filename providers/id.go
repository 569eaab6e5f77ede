package providers

import (
	"fmt"
	"regexp"
	"unicode"

	"github.com/keyctl/keyctl/internal/sanitize"
)

// IDError says why an id was refused before anything was sent.
type IDError struct {
	ID     string
	Reason string
}

func (e *IDError) Error() string { return fmt.Sprintf("invalid key id %q: %s", e.ID, e.Reason) }

// ValidateID refuses ids that cannot be sent as one path segment: the
// escaping in NewRequest handles '/', '?', '#', '%' and spaces, but "." and
// ".." would be normalised away by servers and proxies, and control
// characters are never part of a real id, nor are invisible ones.
func ValidateID(id string) error {
	switch id {
	case "":
		return &IDError{ID: id, Reason: "empty"}
	case ".", "..":
		return &IDError{ID: id, Reason: "a dot segment cannot name a key"}
	}
	for _, r := range id {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return &IDError{ID: id, Reason: "contains a control character or invalid UTF-8"}
		}
	}
	// Results and the audit log show ids through the sanitizer, which drops
	// invisible and formatting characters: "sk_a<zero-width space>b" would be
	// recorded as revoked under its look-alike "sk_ab", and --resume would
	// then skip that live key. No real id holds such a character.
	if !sanitize.Safe(id) {
		return &IDError{ID: id, Reason: "contains an invisible or formatting character (zero-width, bidi control); check for a copy-paste artefact"}
	}
	return nil
}

// MatchID checks an id against a provider's documented pattern.
func MatchID(t Target, id string, pattern *regexp.Regexp, example string) error {
	if t.SkipIDCheck || pattern.MatchString(id) {
		return nil
	}
	if example == "" {
		return &IDError{ID: id, Reason: fmt.Sprintf("expected the form %s; pass --skip-id-check to send it anyway", pattern)}
	}
	return &IDError{ID: id, Reason: fmt.Sprintf("expected the form %s (e.g. %s); pass --skip-id-check to send it anyway", pattern, example)}
}
