package revoke

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
		r.Provider = e.Secrets.Field(r.Provider, maxProvider)
		r.ID = e.Secrets.Field(r.ID, maxID)
		r.Message = e.Secrets.Field(r.Message, maxMessage)
		r.RequestID = e.Secrets.Field(r.RequestID, maxRequestID)
		if p := r.Request; p != nil {
			safe := &Preview{Method: e.Secrets.Field(p.Method, maxProvider), URL: e.Secrets.Field(p.URL, maxURL), Headers: make(map[string]string, len(p.Headers))}
			for k, v := range p.Headers {
				safe.Headers[e.Secrets.Field(k, maxProvider)] = e.Secrets.Field(v, maxURL)
			}
			r.Request = safe
		}
	}
}
