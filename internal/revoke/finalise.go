package revoke

import "github.com/keyctl/keyctl/internal/sanitize"

// Bounds on what a result carries from outside keyctl: a server's message,
// request id or Location, an input line's provider or id. A hostile answer
// (a 2 MiB Location header) must not become a 2 MB result line or audit
// record. Messages are long enough for the provider's own text (already cut
// to a few hundred bytes) plus keyctl's notes.
const (
	maxMessage   = 2048
	maxID        = 1024
	maxProvider  = 128
	maxRequestID = 256
	maxURL       = 4096
)

// finalise is the choke point every result passes before the sink (audit
// log, output): each string in it is sanitized, scrubbed of every known
// credential and bounded, whichever path built it (an answer, a transport
// error, a rejected input line, a dry run).
func (e *Engine) finalise(batch []Result) {
	for i := range batch {
		r := &batch[i]
		r.Provider = e.field(r.Provider, maxProvider)
		r.ID = e.field(r.ID, maxID)
		r.Message = e.field(r.Message, maxMessage)
		r.RequestID = e.field(r.RequestID, maxRequestID)
		if p := r.Request; p != nil {
			safe := &Preview{Method: e.field(p.Method, maxProvider), URL: e.field(p.URL, maxURL), Headers: make(map[string]string, len(p.Headers))}
			for k, v := range p.Headers {
				safe.Headers[e.field(k, maxProvider)] = e.field(v, maxURL)
			}
			r.Request = safe
		}
	}
}

// field passes one string through the scrubber. Text that is already short
// and printable is only scrubbed, so an id is reported exactly as given
// (spaces included) and the common case costs no copy.
func (e *Engine) field(s string, max int) string {
	if len(s) <= max && sanitize.Safe(s) {
		return e.Secrets.String(s)
	}
	return e.Secrets.Field(s, max)
}
