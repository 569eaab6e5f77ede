package revoke

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// flow runs a job of several requests: a leaked secret looked up, revoked
// and verified. Each request gets the attempt loop of a single revocation.
// Once the secret is revoked, nothing that follows (a failed verification,
// Ctrl-C) can hide it: the result keeps the revocation and says what is
// left unknown.
func (e *Engine) flow(ctx context.Context, j Job, l *lane, global chan struct{}, res *Result, finish finisher) Result {
	res.Method = j.Flow.Method()
	res.Location = j.Location
	revokedStatus := 0
	end := func(state providers.State, code exit.Code, msg string) Result {
		res.KeyID = j.Flow.KeyID()
		if revokedStatus != 0 {
			res.HTTPStatus = revokedStatus // the answer that revoked it, not the verification's
		}
		r := finish(state, code, msg)
		return maskSecret(r, j)
	}
	var (
		prev    *providers.Outcome
		revoked *providers.Outcome // the revocation, once the provider took it
	)
	for {
		call, final := j.Flow.Next(prev)
		if final != nil {
			return end(final.State, final.Code, final.Message)
		}
		if e.DryRun {
			res.Request = preview(call.Request)
			msg := "would send " + res.Request.String()
			if plan := j.Flow.Plan(); plan != "" {
				msg += ", then " + plan
			}
			return end(providers.DryRun, exit.OK, msg)
		}
		stopped := func(why string) Result {
			if revoked != nil {
				return end(revoked.State, exit.Interrupted, revoked.Message+"; not verified: "+why)
			}
			return maskSecret(e.interrupted(j, finish, res.Attempts > 0), j)
		}
		if ctx.Err() != nil {
			if revoked == nil && res.Attempts == 0 {
				return skipped(j)
			}
			return stopped("interrupted")
		}
		if call.Delay > 0 {
			if err := e.Clock.Sleep(ctx, call.Delay); err != nil {
				return stopped("interrupted while waiting for the revocation to propagate")
			}
		}
		out, stop := e.exchange(ctx, j, l, global, res, finish, call.Request, call.Classify)
		if stop != nil {
			if revoked != nil {
				if ctx.Err() != nil {
					return stopped("interrupted")
				}
				return end(revoked.State, exit.Unverified, revoked.Message+"; not verified: "+stop.Message)
			}
			r := *stop
			if call.Step == providers.OpLookup {
				r.Message = "looking up the key id: " + r.Message
			}
			res.KeyID = j.Flow.KeyID()
			r.KeyID = res.KeyID
			return maskSecret(r, j)
		}
		if out.State == providers.NotFound && e.IgnoreMissing {
			out.Code = exit.OK
		}
		if call.Step == providers.OpLookup && out.State != providers.Found && out.State != providers.Dead {
			out.Message = "looking up the key id: " + out.Message
		}
		if (call.Step == providers.OpRevoke || call.Step == providers.OpRevokeBySecret) &&
			(out.State == providers.Revoked || out.State == providers.Submitted || out.State == providers.AlreadyRevoked) {
			r := out
			revoked = &r
			revokedStatus = res.HTTPStatus
		}
		prev = &out
	}
}

// maskSecret removes the job's secret, in every spelling a request or an
// echoing server could give it, from what the job reports; the provider's
// documented secret shapes are masked too, so a server echoing another
// secret of the batch does not leak it either.
func maskSecret(r Result, j Job) Result {
	if j.Secret == "" {
		return r
	}
	mask := func(s string) string {
		if s == "" {
			return s
		}
		for _, v := range spellings(j.Secret) {
			if v != "" && strings.Contains(s, v) {
				s = strings.ReplaceAll(s, v, "<secret>")
			}
		}
		if m, ok := j.Provider.(interface{ MaskSecrets(string) string }); ok {
			s = m.MaskSecrets(s)
		}
		return s
	}
	r.Message = mask(r.Message)
	r.RequestID = mask(r.RequestID)
	r.KeyID = mask(r.KeyID)
	if p := r.Request; p != nil {
		safe := &Preview{Method: p.Method, URL: mask(p.URL), Headers: make(map[string]string, len(p.Headers))}
		for k, v := range p.Headers {
			safe.Headers[k] = mask(v)
		}
		r.Request = safe
	}
	return r
}

// spellings are the forms a secret takes in a URL, a JSON body or an
// Authorization header.
func spellings(secret string) []string {
	q := strconv.Quote(secret)
	return []string{
		secret,
		url.PathEscape(secret),
		url.QueryEscape(secret),
		q[1 : len(q)-1],
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)),
	}
}

// batch sends one request for a group of secrets and reports each member
// with the answer they share.
func (e *Engine) batch(ctx context.Context, j Job, l *lane, global chan struct{}) []Result {
	start := e.Clock.Now()
	res := Result{Provider: j.Provider.Info().Name, Seq: j.seq, Place: j.Target.Place(), Method: providers.OpRevokeBySecret}
	finish := func(state providers.State, code exit.Code, msg string) Result {
		res.Outcome, res.ExitCode = state, code
		res.Message = e.Secrets.String(msg)
		res.DurationMS = e.Clock.Now().Sub(start).Milliseconds()
		return res
	}
	var shared Result
	switch {
	case e.DryRun:
		res.Request = preview(j.Call.Request)
		shared = finish(providers.DryRun, exit.OK, fmt.Sprintf("would send %s (one request for %d secrets)", res.Request.String(), len(j.Group)))
	case ctx.Err() != nil:
		return skippedAll(j)
	default:
		out, end := e.exchange(ctx, j, l, global, &res, finish, j.Call.Request, j.Call.Classify)
		if end != nil {
			shared = *end
		} else {
			shared = finish(out.State, out.Code, out.Message)
		}
		if len(j.Group) > 1 {
			shared.Message += fmt.Sprintf(" (one request for %d secrets)", len(j.Group))
		}
		if j.Unverified != "" && (shared.Outcome == providers.Revoked || shared.Outcome == providers.Submitted || shared.Outcome == providers.AlreadyRevoked) {
			shared.ExitCode = exit.Unverified
			shared.Message += "; not verified: " + j.Unverified
		}
	}
	for _, m := range j.Group { // the answer is shared: mask every member's secret once
		shared = maskSecret(shared, m)
	}
	out := make([]Result, len(j.Group))
	for i, m := range j.Group {
		r := shared
		r.ID, r.Line, r.Finding, r.Location, r.Seq = m.ID, m.Line, m.Finding, m.Location, j.seq
		out[i] = r
	}
	return out
}

// skippedAll is the result of every key of a job never sent.
func skippedAll(j Job) []Result {
	if len(j.Group) == 0 {
		return []Result{skipped(j)}
	}
	out := make([]Result, len(j.Group))
	for i, m := range j.Group {
		m.seq = j.seq
		out[i] = skipped(m)
	}
	return out
}

// guarded handles one job, turning a panic (a defect in keyctl or an
// adapter) into a failed result for each of its keys, so that the run goes
// on and every key is still reported once. The panic's value is not shown:
// it may hold a secret.
func (e *Engine) guarded(ctx context.Context, j Job, l *lane, global chan struct{}) (out []Result) {
	defer func() {
		if recover() == nil {
			return
		}
		members := j.Group
		if len(members) == 0 {
			members = []Job{j}
		}
		out = out[:0]
		for _, m := range members {
			r := skipped(m)
			r.Seq = j.seq
			r.Outcome, r.ExitCode = providers.Failed, exit.Unexpected
			r.Message = "keyctl failed internally while handling this key (a defect: please report it, without the key); the key may NOT be revoked: check it with " + j.Provider.Info().Title
			out = append(out, r)
		}
	}()
	if len(j.Group) > 0 {
		return e.batch(ctx, j, l, global)
	}
	return []Result{e.process(ctx, j, l, global)}
}

// safeClassify reads an answer, turning a panic in the reading into a
// failed outcome: the request's slot is then released as for any answer.
func safeClassify(classify func(int, http.Header, []byte) providers.Outcome, status int, header http.Header, body []byte) (out providers.Outcome) {
	defer func() {
		if recover() != nil {
			out = providers.Outcome{State: providers.Failed, Code: exit.Unexpected,
				Message: "keyctl failed internally while reading the answer (a defect: please report it, without the key); the key may NOT be revoked"}
		}
	}()
	return classify(status, header, body)
}
