// Package revoke is the engine: it runs every (provider, id) job through an
// attempt loop with retries, Retry-After gates shared per provider, bounded
// concurrency and cancellation, and reports exactly one Result per job. It
// never knows a provider's name or reads a provider's JSON.
package revoke

import (
	"time"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// Result is what happened to one key. Its JSON form is the -o json line and
// the audit record, a public contract.
type Result struct {
	Provider   string          `json:"provider"`
	ID         string          `json:"id"`
	Outcome    providers.State `json:"outcome"`
	HTTPStatus int             `json:"http_status"`
	ExitCode   exit.Code       `json:"exit_code"`
	Attempts   int             `json:"attempts"`
	Message    string          `json:"message"`
	DurationMS int64           `json:"duration_ms"`
	RetryAfter *time.Time      `json:"retry_after,omitempty"` // when the provider said to try again
	RequestID  string          `json:"request_id,omitempty"`  // the provider's id of the last request, for its support
	Line       int             `json:"line,omitempty"`        // input line, for --from
	Finding    int             `json:"finding,omitempty"`     // 1-based position in a scanner report
	Request    *Preview        `json:"request,omitempty"`     // the request a dry run would send
	// Method is how a leaked secret was handled (revoke_by_secret,
	// lookup+revoke, id_from_secret+revoke, verify); "" for a key id.
	Method string `json:"method,omitempty"`
	// KeyID is the key id a secret's lookup found or its format carried.
	KeyID string `json:"key_id,omitempty"`
	// Location is where a scanner found the secret, for ticking it off.
	Location *Location `json:"location,omitempty"`

	// Place is where the key was sent, without a credential; the audit log
	// records it for --resume.
	Place providers.Place `json:"-"`

	// Seq is the job's position in the input, for showing results in input
	// order after they finished in any order.
	Seq int `json:"-"`
}

// OK reports whether the key ended as the user wanted.
func (r Result) OK() bool { return r.ExitCode == exit.OK }

// Preview is a request shown by --dry-run, credentials masked.
type Preview struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

// Location is where a scanner found a secret.
type Location struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Commit string `json:"commit,omitempty"`
	URL    string `json:"url,omitempty"`
	Rule   string `json:"rule,omitempty"` // the scanner's rule or detector
}

// Job is one key to revoke.
type Job struct {
	Provider providers.Provider
	Target   providers.Target
	ID       string
	Line     int
	// Reject, when set, reports the job as failed without sending anything:
	// a malformed input line, a duplicate, a key already revoked per --resume.
	Reject *Rejection
	// Flow, when set, drives the job's requests instead of one
	// Provider.Request: a leaked secret looked up, revoked, verified. ID is
	// then the secret's fingerprint and Secret the secret, which the
	// engine masks in everything it reports.
	Flow     providers.Flow
	Secret   string
	Location *Location
	Finding  int // 1-based position in a scanner report, 0 otherwise
	// Group, with Call, is a batch: one request for many secrets of one
	// provider, each member reported as its own result.
	Group []Job
	Call  *providers.Call
	// Unverified, on a batch sent with --verify, is why its secrets cannot
	// be verified: a revocation then says so with exit 15.
	Unverified string

	seq int
}

// Rejection is a job's result decided before sending.
type Rejection struct {
	ProviderName string // for jobs whose provider could not be resolved
	State        providers.State
	Code         exit.Code
	Message      string
}
