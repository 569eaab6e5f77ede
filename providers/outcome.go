package providers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/sanitize"
)

// State is what happened to a key.
type State string

// The states a result can end in. Submitted is a documented answer that
// accepts the revocation request but confirms nothing (GitHub's and Hugging
// Face's 202, JFrog's 204 for any id): it exits 0 like Revoked, but the key
// may still work, so --resume sends it again.
const (
	Revoked        State = "revoked"
	Submitted      State = "submitted"
	AlreadyRevoked State = "already_revoked"
	NotFound       State = "not_found"
	Failed         State = "failed"
	DryRun         State = "dry_run"
	Skipped        State = "skipped"
	Duplicate      State = "duplicate"
	// Confirmed is a revocation the provider then confirmed by refusing
	// the secret (revoke --verify).
	Confirmed State = "confirmed"
	// Live and Dead are what keyctl verify learnt: the provider accepts the
	// secret, or refuses it. Unverified is a secret keyctl could not check.
	Live       State = "live"
	Dead       State = "dead"
	Unverified State = "unverified"
	// Found is a lookup that read the key id; never a final result.
	Found State = "found"
)

// Outcome is an adapter's reading of one response.
type Outcome struct {
	State   State
	Code    exit.Code
	Message string
	// KeyOnly says a 429's Retry-After concerns this key alone (Lava's
	// cooldown after a key is created), not the provider: other keys go on
	// instead of pausing with it.
	KeyOnly bool
	// ID is the key id a lookup found.
	ID string
	// Throttled says the provider refused for load in a status other than
	// 429 (AWS's Throttling, a 400): the engine retries it with backoff and
	// slows down, as it does a 429.
	Throttled bool
}

// FromStatus is the generic reading of a status code. Adapters start from it
// and add what their provider's document tells them; message is the
// provider's own explanation decoded from the body ("" when there is none).
// A 2xx is never a revocation here: only the provider's documented success
// is, which Success.Confirm checks.
func FromStatus(status int, header http.Header, message string) Outcome {
	o := Outcome{State: Failed, Message: message}
	switch {
	case status >= 200 && status < 300:
		o.Code = exit.Unexpected
		o.Message = StatusText(status) + " is not the provider's documented confirmation of revocation; the key may NOT be revoked: verify it in the provider's dashboard"
		return o
	case status >= 300 && status < 400:
		o.Code = exit.Unexpected
		loc := header.Get("Location")
		if loc == "" {
			loc = "(no Location header)"
		}
		// Redirects are never followed: a credential must reach no other host.
		o.Message = fmt.Sprintf("unexpected redirect to %s, not followed; check the base URL", loc)
		return o
	case status == http.StatusUnauthorized:
		o.Code = exit.Auth
	case status == http.StatusForbidden:
		o.Code = exit.Permission
	case status == http.StatusNotFound:
		o.State, o.Code = NotFound, exit.NotFound
	case status == http.StatusBadRequest || status == http.StatusConflict:
		o.Code = exit.Conflict
	case status == http.StatusTooManyRequests:
		o.Code = exit.RateLimited
	case status >= 400 && status < 500:
		o.Code = exit.Invalid
	case status >= 500 && status < 600:
		o.Code = exit.Server
	default:
		o.Code = exit.Unexpected
	}
	if o.Message == "" {
		o.Message = StatusText(status)
	}
	return o
}

// StatusText is "404 Not Found", or "599" for a code Go does not name.
func StatusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return strconv.Itoa(status)
}

// WithHint appends advice to a message.
func WithHint(message, hint string) string {
	if message == "" {
		return hint
	}
	return message + ": " + hint
}

// maxMessage bounds a message taken from a body so a hostile server cannot
// flood the screen or the audit log.
const maxMessage = 300

// Clean makes provider text safe to print: one line, printable, bounded. It
// is the shared sanitizer (internal/sanitize) with the bound of a message
// taken from a body.
func Clean(s string) string {
	return sanitize.Line(s, maxMessage)
}
