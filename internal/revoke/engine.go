package revoke

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/httpclient"
	"github.com/keyctl/keyctl/internal/pace"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/internal/retry"
	"github.com/keyctl/keyctl/providers"
)

// Engine revokes keys. The zero value is not usable; fill Client at least.
type Engine struct {
	Client        *resty.Client
	Policy        retry.Policy
	Timeout       time.Duration // one attempt; 0 means none
	Concurrency   int           // requests in flight across all providers
	PerProvider   int           // requests in flight to one provider
	DryRun        bool
	IgnoreMissing bool
	Secrets       *redact.Secrets      // scrubbed out of every message
	Debug         *httpclient.DebugLog // nil: no trace
	Clock         Clock
	// Waiting, when set, hears of every wait the provider asked for, so a
	// person at a terminal knows why nothing moves for 15 seconds.
	Waiting func(provider string, until time.Time)
	// WaitingFor, when set, hears of the same waits with the key and
	// whether the wait concerns that key alone, so the person can be told
	// which key waits and why.
	WaitingFor func(Wait)

	mu    sync.Mutex
	lanes []*lane // for Paces
}

// Wait is one wait a provider asked for.
type Wait struct {
	Provider string
	ID       string    // the key that is waiting
	KeyOnly  bool      // the provider's Retry-After concerns this key alone
	Status   int       // the status that asked for it; 0 for a provider-wide pause already set
	Until    time.Time // when the key may be sent again
}

// notifyWait tells Waiting and WaitingFor of a wait.
func (e *Engine) notifyWait(j Job, until time.Time, keyOnly bool, status int) {
	if e.Waiting != nil {
		e.Waiting(j.Provider.Info().Name, until)
	}
	if e.WaitingFor != nil {
		e.WaitingFor(Wait{Provider: j.Provider.Info().Name, ID: j.ID, KeyOnly: keyOnly, Status: status, Until: until})
	}
}

// Sink receives results in batches: everything that finished since the last
// call. A batch lets the audit log sync once for many results; a result is
// reported only after Sink returns.
type Sink func(batch []Result)

// queueSize bounds the jobs buffered per provider: enough that one slow
// provider rarely holds up the reading of input meant for others, small
// enough that a million-line input is never held in memory.
const queueSize = 1024

// Run sends every job and hands every result to sink, exactly one per job,
// including jobs never sent because ctx was cancelled (outcome skipped).
func (e *Engine) Run(ctx context.Context, jobs iter.Seq[Job], sink Sink) {
	if e.Clock == nil {
		e.Clock = RealClock{}
	}
	conc := max(e.Concurrency, 1)
	perProvider := e.PerProvider
	if perProvider <= 0 || perProvider > conc {
		perProvider = conc
	}
	// Room for a few batches: the sink syncs the audit log, and workers
	// should not stall while it does.
	results := make(chan Result, 1024)
	global := make(chan struct{}, conc)

	var workers sync.WaitGroup
	lanes := map[providers.Provider]*lane{}
	// A lane's workers start with its jobs, up to perProvider: one key never
	// costs a thousand goroutines, whatever the limit.
	started := map[*lane]int{}
	laneFor := func(p providers.Provider) *lane {
		l, ok := lanes[p]
		if !ok {
			l = &lane{name: p.Info().Name, jobs: make(chan Job, queueSize), ctrl: pace.New(pace.Options{Cap: perProvider, Documented: documented(p)})}
			lanes[p] = l
			e.mu.Lock()
			e.lanes = append(e.lanes, l)
			e.mu.Unlock()
		}
		if started[l] < perProvider {
			started[l]++
			workers.Go(func() {
				for j := range l.jobs {
					for _, r := range e.guarded(ctx, j, l, global) {
						results <- r
					}
				}
			})
		}
		return l
	}

	go func() {
		defer func() {
			for _, l := range lanes {
				close(l.jobs)
			}
			workers.Wait()
			close(results)
		}()
		seq := 0
		for j := range jobs {
			seq++
			j.seq = seq
			if j.Reject != nil {
				results <- rejected(j)
				continue
			}
			if ctx.Err() != nil {
				for _, r := range skippedAll(j) {
					results <- r
				}
				continue
			}
			select {
			case laneFor(j.Provider).jobs <- j:
			case <-ctx.Done():
				for _, r := range skippedAll(j) {
					results <- r
				}
			}
		}
	}()

	collect(results, func(batch []Result) {
		e.finalise(batch)
		sink(batch)
	})
}

// linger is how long collect lets results pile up before handing a busy
// run's next batch to the sink. The sink syncs the audit log once per batch;
// a few milliseconds turn thousands of syncs per second into hundreds
// without a person or a pipe noticing the delay, and the collector wakes once
// per batch rather than once per result. A quiet run (one key, or results
// trickling in) does not linger.
const linger = 5 * time.Millisecond

// collect passes results to sink in batches.
func collect(results <-chan Result, sink Sink) {
	const maxBatch = 512
	batch := make([]Result, 0, maxBatch)
	busy := false
	for r := range results {
		batch = append(batch[:0], r)
		if busy && len(results) < maxBatch/2 {
			// Let a batch pile up, unless one already has (a dry run, a
			// fast server): then there is no reason to wait.
			time.Sleep(linger)
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case more, ok := <-results:
				if !ok {
					break drain
				}
				batch = append(batch, more)
			default:
				break drain
			}
		}
		busy = len(batch) > 1
		sink(batch)
	}
}

// lane is one provider's queue and pace. Its controller decides how many
// of its perProvider workers may have a request in flight and when the
// next request may leave (package pace).
type lane struct {
	name string
	jobs chan Job
	ctrl *pace.Controller
}

// RateLimiter is implemented by providers with a documented rate limit
// (GitHub's credential revocation API: 60 calls per hour). keyctl never
// sends them more than n requests in any span of per.
type RateLimiter interface {
	RateLimit() (n int, per time.Duration)
}

func documented(p providers.Provider) pace.Limit {
	if rl, ok := p.(RateLimiter); ok {
		n, per := rl.RateLimit()
		return pace.Limit{N: n, Per: per}
	}
	return pace.Limit{}
}

// Pace is how fast keyctl sends to one provider, for a person watching.
type Pace struct {
	Provider string
	Rate     float64 // requests per second it is held to; 0 when not paced
	// Held says what holds it back: "" (nothing), "the provider" (a rate
	// it pushed back beyond, its headers, Retry-After) or "its documented
	// limit".
	Held string
}

// Paces reports, per provider seen so far, its current pace. Safe to call
// from another goroutine while Run runs.
func (e *Engine) Paces() []Pace {
	e.mu.Lock()
	lanes := append([]*lane(nil), e.lanes...)
	e.mu.Unlock()
	if len(lanes) == 0 {
		return nil
	}
	clock := e.Clock // set by Run before any lane exists
	if clock == nil {
		clock = RealClock{}
	}
	out := make([]Pace, 0, len(lanes))
	for _, l := range lanes {
		st := l.ctrl.Status(clock.Now())
		p := Pace{Provider: l.name, Rate: st.Rate}
		switch st.HeldBy {
		case pace.ByProvider:
			p.Held = "the provider"
		case pace.ByDocument:
			p.Held = "its documented limit"
		}
		out = append(out, p)
	}
	return out
}

func skipped(j Job) Result {
	return Result{Provider: j.Provider.Info().Name, ID: j.ID, Line: j.Line, Finding: j.Finding, Location: j.Location, Seq: j.seq, Outcome: providers.Skipped,
		ExitCode: exit.Interrupted, Message: "not sent: interrupted before this key's turn"}
}

func rejected(j Job) Result {
	name := j.Reject.ProviderName
	if j.Provider != nil {
		name = j.Provider.Info().Name
	}
	return Result{Provider: name, ID: j.ID, Line: j.Line, Finding: j.Finding, Location: j.Location, Seq: j.seq, Outcome: j.Reject.State,
		ExitCode: j.Reject.Code, Message: j.Reject.Message}
}

// attempt is what one exchange produced.
type attempt struct {
	status int
	header http.Header
	body   []byte
	err    error
}

// process runs one job's attempt loop.
func (e *Engine) process(ctx context.Context, j Job, l *lane, global chan struct{}) Result {
	start := e.Clock.Now()
	res := Result{Provider: j.Provider.Info().Name, ID: j.ID, Line: j.Line, Finding: j.Finding, Seq: j.seq, Place: j.Target.Place()}
	finish := func(state providers.State, code exit.Code, msg string) Result {
		res.Outcome, res.ExitCode = state, code
		res.Message = e.Secrets.String(msg)
		res.DurationMS = e.Clock.Now().Sub(start).Milliseconds()
		return res
	}

	if j.Flow != nil {
		return e.flow(ctx, j, l, global, &res, finish)
	}
	req, err := j.Provider.Request(j.Target, j.ID)
	if err != nil {
		return finish(providers.Failed, exit.Usage, err.Error()+"; nothing sent")
	}
	if e.DryRun {
		res.Request = preview(req)
		return finish(providers.DryRun, exit.OK, "would send "+res.Request.String())
	}
	if ctx.Err() != nil {
		return skipped(j)
	}
	classify := func(status int, header http.Header, body []byte) providers.Outcome {
		return providers.ClassifyAnswer(j.Provider, j.ID, status, header, body)
	}
	out, end := e.exchange(ctx, j, l, global, &res, finish, req, classify)
	if end != nil {
		return *end
	}
	if out.State == providers.NotFound && e.IgnoreMissing {
		out.Code = exit.OK
	}
	return finish(out.State, out.Code, out.Message)
}

// finisher ends a job with its outcome.
type finisher func(state providers.State, code exit.Code, msg string) Result

func ptr(r Result) *Result { return &r }

// exchange sends one request until it has an answer to classify, retrying
// and waiting as the policy and the provider allow. end is set when the
// job ended without one (interrupted, network failure, wait budget spent).
func (e *Engine) exchange(ctx context.Context, j Job, l *lane, global chan struct{}, res *Result, finish finisher, req *providers.Request,
	classify func(status int, header http.Header, body []byte) providers.Outcome) (out providers.Outcome, end *Result) {
	var (
		waited  time.Duration // total waiting between attempts of this key
		unknown bool          // an earlier attempt may have reached the provider
		refused string        // the last answer, which did not revoke the key
	)
	// stopWaiting ends the job when Ctrl-C comes while it waits to retry.
	stopWaiting := func() Result { return e.interruptedWaiting(j, finish, res.Attempts, unknown, refused) }
	// wait sleeps d if the budget allows; ok is false when it does not.
	wait := func(d time.Duration) (ok bool, err error) {
		if waited+d > e.Policy.MaxWait {
			return false, nil
		}
		waited += d
		return true, e.Clock.Sleep(ctx, d)
	}

	for {
		// A pause set by any key's 429/503 applies to this one too.
		if until := l.ctrl.PausedUntil(); until.After(e.Clock.Now()) {
			d := e.Policy.AfterProvider(until.Sub(e.Clock.Now()))
			if waited+d <= e.Policy.MaxWait {
				e.notifyWait(j, until, false, 0)
			}
			ok, err := wait(d)
			if err != nil {
				return providers.Outcome{}, ptr(stopWaiting())
			}
			if !ok {
				res.RetryAfter = &until
				return providers.Outcome{}, ptr(finish(providers.Failed, exit.RateLimited, fmt.Sprintf(
					"%s is rate limiting; it accepts requests again at %s, beyond the remaining wait budget (--max-wait %s); nothing more sent, re-run after that time",
					j.Provider.Info().Title, until.UTC().Format(time.RFC3339), e.Policy.MaxWait)))
			}
		}

		// Wait for room in flight and keep to the provider's pace. Pacing
		// is keyctl's own politeness, so it does not spend the key's wait
		// budget; it recovers on its own after a transient limit.
		sentAt, err := l.ctrl.Acquire(ctx, e.Clock)
		if err != nil {
			return providers.Outcome{}, ptr(stopWaiting())
		}

		res.Attempts++
		a := e.send(ctx, req, global)
		if a.err != nil {
			l.ctrl.Done(e.Clock.Now(), sentAt, pace.Neutral)
		}
		if a.err != nil && ctx.Err() != nil {
			// Cancelled mid-request. An answer that did arrive is reported
			// below as it is: the run is stopping, but that key's fate is known.
			return providers.Outcome{}, ptr(e.interrupted(j, finish, true))
		}
		retriesLeft := res.Attempts <= e.Policy.Retries

		if a.err != nil {
			unknown = unknown || retry.MaybeSent(a.err)
			msg := describeError(a.err, e.Timeout)
			refused = fmt.Sprintf("no request reached %s (%s)", j.Provider.Info().Title, msg)
			if retry.RetryableError(a.err) && retriesLeft {
				ok, err := wait(e.Policy.Backoff(res.Attempts))
				if err != nil {
					return providers.Outcome{}, ptr(stopWaiting())
				}
				if ok {
					continue
				}
				msg += " (wait budget --max-wait exhausted)"
			}
			return providers.Outcome{}, ptr(finish(providers.Failed, exit.Network, attemptsNote(msg, res.Attempts)))
		}

		res.HTTPStatus = a.status
		res.RequestID = requestID(a.header)
		out := safeClassify(classify, a.status, a.header, a.body)
		refused = fmt.Sprintf("%s refused it with %s", j.Provider.Info().Title, providers.StatusText(a.status))
		retryable, honour := retry.RetryableStatus(a.status)
		verdictStatus := a.status
		if out.Throttled {
			// A refusal for load in another status (AWS's Throttling, a
			// 400): retried and paced like a 429.
			retryable, honour, verdictStatus = true, true, http.StatusTooManyRequests
		}
		now := e.Clock.Now()
		asked, hasAsked := time.Duration(0), false
		if honour {
			asked, hasAsked = retry.ParseRetryAfter(a.header.Get("Retry-After"), now)
		}
		quota, hasQuota := retry.ParseQuota(a.header, now)
		if honour && !hasAsked && quota.Exhausted() {
			// No Retry-After, but the rate-limit headers say when.
			asked, hasAsked = quota.Reset, true
		}
		// Pauses first: Done frees this request's slot, and the workers
		// waiting for it must already see the pause.
		if retryable && hasAsked && asked > 0 && !out.KeyOnly {
			l.ctrl.Pause(now.Add(asked))
		}
		if quota.Exhausted() && !out.KeyOnly {
			// The provider's window is spent: a pause like Retry-After,
			// waited within each key's budget (a hostile reset of a year
			// fails keys with exit 9 instead of stalling the run).
			l.ctrl.Pause(now.Add(quota.Reset))
		}
		l.ctrl.Done(now, sentAt, verdict(verdictStatus, out.KeyOnly, retryable, honour), asked)
		if hasQuota && !quota.Exhausted() && quota.Reset <= e.Policy.MaxWait {
			// Spend what is left of the window; the wait for its reset is
			// pacing, so only believed when the wait budget would cover it.
			l.ctrl.Quota(now, quota.Remaining, quota.Reset)
		}
		if retryable {
			if !honour {
				// A 500/502/504 may come from a proxy after the provider acted.
				unknown = true
			}
			if retriesLeft {
				d := e.Policy.Backoff(res.Attempts)
				if hasAsked {
					d = e.Policy.AfterProvider(asked)
				}
				if waited+d <= e.Policy.MaxWait {
					if hasAsked && asked > 0 && !out.KeyOnly {
						continue // the lane's pause makes the wait at the top of the loop
					}
					if hasAsked && asked > 0 {
						e.notifyWait(j, now.Add(asked), out.KeyOnly, a.status)
					}
					if _, err := wait(d); err != nil {
						return providers.Outcome{}, ptr(stopWaiting())
					}
					continue
				}
				// Waiting would overrun the budget: give up now rather than
				// burn attempts inside the provider's window.
				if hasAsked {
					at := now.Add(asked)
					res.RetryAfter = &at
					out.Message += fmt.Sprintf("; the provider asks to retry after %s (at %s), beyond the remaining wait budget (--max-wait %s); re-run after that time",
						asked.Round(time.Second), at.UTC().Format(time.RFC3339), e.Policy.MaxWait)
				}
			} else if hasAsked {
				at := now.Add(asked)
				res.RetryAfter = &at
			}
			out.Message = attemptsNote(out.Message, res.Attempts)
		}

		switch {
		case out.State == providers.NotFound && unknown:
			out.Message += "; an earlier attempt got no clear answer and may have revoked the key"
		case out.State == providers.AlreadyRevoked && unknown:
			out.Message += "; an earlier attempt got no clear answer and probably revoked the key"
		}
		return out, nil
	}
}

// verdict is what an answer tells the pace controller.
func verdict(status int, keyOnly, retryable, honour bool) pace.Verdict {
	switch {
	case status == http.StatusTooManyRequests && keyOnly:
		return pace.Neutral // about that key, not the provider's load
	case status == http.StatusTooManyRequests:
		return pace.RateLimited
	case status == http.StatusServiceUnavailable:
		return pace.Overloaded
	case retryable && !honour:
		return pace.Neutral // a 500/502/504 says nothing of the rate
	}
	return pace.Accepted
}

// interrupted ends a job cut short by Ctrl-C or SIGTERM: skipped when nothing
// was sent for it, otherwise failed with an unknown outcome.
func (e *Engine) interrupted(j Job, finish func(providers.State, exit.Code, string) Result, sent bool) Result {
	if !sent {
		return skipped(j)
	}
	return finish(providers.Failed, exit.Interrupted, "interrupted while a request was in flight or being retried: the key may or may not be revoked; re-run to confirm")
}

// interruptedWaiting ends a job cut short while it waited to retry, with
// nothing in flight: skipped when nothing was sent; when every answer so far
// was a refusal (429, 503, a connection that never reached the provider) the
// key is known not to be revoked, and the message says so.
func (e *Engine) interruptedWaiting(j Job, finish func(providers.State, exit.Code, string) Result, attempts int, unknown bool, refused string) Result {
	if attempts == 0 || unknown || refused == "" {
		return e.interrupted(j, finish, attempts > 0)
	}
	return finish(providers.Failed, exit.Interrupted, fmt.Sprintf(
		"interrupted while waiting to retry: the key was NOT revoked (%s, and nothing else was sent); re-run keyctl, or use --resume, to revoke it", refused))
}

// send performs one exchange under the per-attempt timeout, holding a slot of
// the global concurrency limit only while the request is in flight.
func (e *Engine) send(ctx context.Context, req *providers.Request, global chan struct{}) attempt {
	select {
	case global <- struct{}{}:
	case <-ctx.Done():
		return attempt{err: ctx.Err()}
	}
	defer func() { <-global }()

	actx, cancel := ctx, context.CancelFunc(func() {})
	if e.Timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, e.Timeout)
	}
	defer cancel()
	if req.Digest != nil {
		// The challenge round trip happens below the engine: retries,
		// pacing and the outcome see the final answer only.
		actx = httpclient.WithDigest(actx, req.Digest.User, req.Digest.Password)
	}

	r := e.Client.R().SetContext(actx).SetDoNotParseResponse(true)
	for k, vs := range req.Header {
		r.Header[k] = vs
	}
	if req.Body != nil {
		r.SetBody(req.Body)
	}
	resp, err := r.Execute(req.Method, req.URL)
	if err != nil {
		if resp != nil && resp.RawResponse != nil {
			resp.RawResponse.Body.Close()
		}
		return attempt{err: err}
	}
	raw := resp.RawResponse
	defer raw.Body.Close()
	// Read at most MaxBody: a hostile 64 MiB body costs neither memory nor
	// time. A body cut short by a timeout or reset still leaves the status,
	// which is what decides the outcome.
	body, _ := readBody(raw)
	if e.Debug != nil {
		e.Debug.Printf("< body (%d bytes read): %s", len(body), providers.Clean(string(body)))
	}
	return attempt{status: raw.StatusCode, header: raw.Header, body: body}
}

// requestIDHeaders are where providers and their gateways name a request.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Correlation-Id", "Cf-Ray"}

// requestID is the provider's id for the request, cleaned for printing.
func requestID(h http.Header) string {
	for _, name := range requestIDHeaders {
		if v := h.Get(name); v != "" {
			return providers.Clean(v)
		}
	}
	return ""
}

// readBody reads at most MaxBody bytes, sized from Content-Length when the
// server sent one, so the common tiny JSON answer costs one small allocation.
func readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 && n < providers.MaxBody {
		body := make([]byte, n)
		read, err := io.ReadFull(resp.Body, body)
		return body[:read], err
	}
	return io.ReadAll(io.LimitReader(resp.Body, providers.MaxBody))
}

// describeError turns a transport error into a message without the URL
// (which resty and net/http repeat) and with a hint.
func describeError(err error, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("network: no answer within %s (--timeout); check connectivity or raise --timeout", timeout)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Sprintf("network: %v; check connectivity and the base URL", err)
}

func attemptsNote(msg string, attempts int) string {
	if attempts <= 1 {
		return msg
	}
	return fmt.Sprintf("%s (after %d attempts)", msg, attempts)
}

// String is the request on one line: method, URL and headers, masked.
func (p *Preview) String() string {
	names := make([]string, 0, len(p.Headers))
	for k := range p.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(p.Method + " " + p.URL)
	for _, k := range names {
		b.WriteString(" | " + k + ": " + p.Headers[k])
	}
	return b.String()
}

func preview(req *providers.Request) *Preview {
	p := &Preview{Method: req.Method, URL: req.URL, Headers: map[string]string{}}
	for k := range req.Header {
		p.Headers[k] = redact.HeaderValue(k, req.Header.Get(k))
	}
	if req.Digest != nil {
		p.Headers["Authorization"] = "Digest " + redact.Mask + " (answering the server's challenge)"
	}
	return p
}
