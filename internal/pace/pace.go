// Package pace decides, per provider, how many requests may be in flight
// and when the next one may leave, so that a batch runs as fast as the
// provider accepts and no faster. It knows nothing of HTTP or providers:
// the engine reports each answer as a Verdict and the controller adapts.
//
// # Which algorithm, and why
//
// A revocation run meets two different limits, and one mechanism cannot
// serve both:
//
//   - Rate limits (429): the provider counts requests per window. What
//     matters is requests per second, not how many are in flight, and
//     every push-back costs a pause of Retry-After for every key. For these
//     the controller paces at the rate the provider was seen to accept, as
//     TCP Westwood sets its window from the measured delivery rate after a
//     loss instead of halving blindly: the estimate is the number of answers
//     accepted since the previous push-back over the span they took, but
//     at least the provider's window (one second, or the Retry-After when
//     longer), less a 3% margin. Answers of the burst that was refused are
//     read in any order; the estimate is settled when the pause ends, with
//     the answers accepted before the burst's last 429 counted in (see
//     settle). Refused while probing, the rate comes down no further than
//     CUBIC's β = 0.7. A learned rate is then held for ten windows and only then
//     probed upward, slowly at first and faster the longer no push-back
//     comes, the shape of TCP CUBIC's growth: probing costs 429s and a pause,
//     so it is done rarely near the last known limit, yet a transient limit
//     is forgotten within tens of seconds. A lower limit mid-run is learned
//     at the first push-back.
//
//   - Capacity (latency, 503): how many requests the provider serves at once
//     before it queues. For this the controller keeps a concurrency limit
//     in the manner of Netflix concurrency-limits' Gradient2 and TCP Vegas:
//     a short moving average of round-trip times against the lowest seen
//     (Vegas' base RTT, drifting up very slowly; Gradient2's long average
//     drifts up with a slowly growing queue and hides it); while the short
//     one stays within twice the base plus 5 ms (latency flat) and the
//     limit is actually used, the limit grows by half per second; once a
//     rate is learned it is sized to twice rate × round trip, as BBR sizes
//     its window, so the pace decides; when latency rises it
//     shrinks in proportion; a 503 halves it, once per round trip (the
//     multiplicative decrease of AIMD). Growth is per second rather than per
//     answer so that a distant provider is not flooded faster than a near one.
//
// Retry-After pauses the whole provider (Pause); the rate-limit headers
// some providers send (retry.Quota) are spent down and then waited out; a
// documented limit (N requests per period) is a ceiling enforced with a
// sliding log of send times, so no period ever holds more than N.
//
// Envoy's adaptive concurrency filter (periodic minRTT measurement windows
// that drop concurrency to a floor) and Google SRE's client-side throttling
// (rejecting locally with probability from the accept ratio) were set
// aside: the first pauses traffic on purpose, which a single short batch
// cannot afford, and the second only sheds load, it never finds the rate
// that is allowed.
package pace

import (
	"context"
	"math"
	"sync"
	"time"
)

// Clock tells time and waits; the engine passes its own, tests a fake one.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// Limit is a documented rate: at most N requests in any span of Per.
type Limit struct {
	N   int
	Per time.Duration
}

// IsZero reports whether no limit is set.
func (l Limit) IsZero() bool { return l.N <= 0 || l.Per <= 0 }

// PerSecond is the limit as a rate.
func (l Limit) PerSecond() float64 {
	if l.IsZero() {
		return 0
	}
	return float64(l.N) / l.Per.Seconds()
}

// maxLogged bounds the sliding log of a documented limit: a limit of more
// requests than this per period is enforced as the same rate over a
// proportionally shorter period.
const maxLogged = 10_000

// Verdict is what an answer says about the provider's load.
type Verdict int

const (
	// Accepted: answered, and not a push-back (any 2xx, 4xx other than 429).
	Accepted Verdict = iota
	// RateLimited: 429 for the provider as a whole.
	RateLimited
	// Overloaded: 503, the provider cannot serve this many now.
	Overloaded
	// Neutral: no signal about load (network error, a 429 about one key,
	// a 500 from a bug, a cancelled request).
	Neutral
)

// Tuning. Each is explained where it is used.
const (
	initialLimit   = 20
	growthPerSec   = 0.5
	rttTolerance   = 2.0
	rttSlack       = 5 * time.Millisecond
	shortWeight    = 0.2
	baseDrift      = 0.0002
	margin         = 0.97
	cubicBeta      = 0.7
	maxRate        = 1e6
	minPeriod      = time.Second
	holdWindows    = 10
	minHold        = 10 * time.Second
	maxHold        = 10 * time.Minute
	heldDisplayFor = time.Second
	burstJitter    = 25 * time.Millisecond
	plateauFor     = 10 * time.Second
)

// Options configure a Controller.
type Options struct {
	// Cap is the most requests in flight, whatever the controller learns
	// (the user's --per-provider). At least 1.
	Cap int
	// Documented is the provider's documented limit, never exceeded; zero
	// when it has none.
	Documented Limit
}

// Controller paces one provider. It is safe for concurrent use.
type Controller struct {
	mu  sync.Mutex
	cap int
	doc Limit

	// Concurrency.
	limit    float64 // requests allowed in flight
	inflight int
	wake     chan struct{} // closed when a slot frees and someone waits
	waiters  int
	grownAt  time.Time // last growth step
	cutAt    time.Time // last multiplicative decrease
	rttShort float64   // seconds: a moving average of round trips
	rttBase  float64   // seconds: the lowest round trip, drifting up slowly
	// Whether growth pays: answers per second over the last span of a few
	// round trips, at which limit, and a pause in growth when it did not.
	spanStart    time.Time
	spanAnswers  int
	spanRate     float64
	spanLimit    float64
	plateauUntil time.Time
	startedAt    time.Time // the first request
	everGrown    bool

	// Retry-After gate: nothing leaves before until.
	until time.Time

	// Learned rate.
	rate     float64 // accepted per second at the last push-back, with margin; 0: unpaced
	period   time.Duration
	eventAt  time.Time // the last push-back (the first 429 of its burst)
	eventEnd time.Time // the end of its pause: 429s to requests sent before belong to it
	accepted int       // answers accepted since eventAt (since the start before any)
	// the first of them: the provider's window is measured from there
	firstAccepted time.Time
	next          time.Time // the next free slot when paced
	// The burst of the last push-back, settled when its pause ends.
	settling        bool
	burstReads      []burstRead // its accepted answers
	lastRefusal     time.Time   // when its last 429 was read
	lastRefusedSent time.Time   // when the last of its refused requests left
	eventCount      int         // accepted before it, over eventSpan
	eventSpan       time.Duration
	eventProbe      float64 // the probed rate it came at, if probing

	// Quota from the provider's rate-limit headers.
	quotaLeft  int // requests that may still leave before quotaReset
	quotaReset time.Time

	// Documented limit: send times of the last doc.N requests, a ring.
	sends   []time.Time
	sendIdx int

	// For Status: when a request last waited for a slot, and why.
	heldAt time.Time
	heldBy Reason
}

// burstRead is an accepted answer of a refused burst: when its request
// left and when the answer was read.
type burstRead struct{ sent, read time.Time }

// Reason says what holds a provider back.
type Reason int

const (
	NotHeld    Reason = iota
	ByProvider        // a rate it answered 429 beyond, its headers, or Retry-After
	ByDocument        // its documented limit
)

// New returns a controller starting at min(Cap, 20) requests in flight,
// grown or shrunk from there: 100 requests a second to a provider 200 ms
// away from the start, few enough that the burst of 429s that teaches a
// limit stays small.
func New(opts Options) *Controller {
	c := &Controller{cap: max(opts.Cap, 1), doc: opts.Documented, wake: make(chan struct{})}
	c.limit = float64(min(c.cap, initialLimit))
	if !c.doc.IsZero() {
		n, per := c.doc.N, c.doc.Per
		if n > maxLogged {
			per = time.Duration(float64(per) * maxLogged / float64(n))
			n = maxLogged
		}
		c.doc = Limit{N: n, Per: per}
		c.sends = make([]time.Time, 0, n)
	}
	c.quotaLeft = -1
	c.burstReads = make([]burstRead, 0, 4096)
	return c
}

// Acquire waits for a slot in flight and for the moment the request may
// leave, and returns that moment. Every successful Acquire must be followed
// by exactly one Done. Waiting here is keyctl's own pacing; a pause the
// provider asked for is waited before, with PausedUntil.
func (c *Controller) Acquire(ctx context.Context, clock Clock) (time.Time, error) {
	for {
		c.mu.Lock()
		slot, ok := c.reserve(clock.Now())
		wake := c.wake
		if !ok {
			c.waiters++
		}
		c.mu.Unlock()
		if ok {
			// A pause the provider asked for, or a pace learned, while
			// this request waited for its slot applies to it too.
			for {
				d := slot.At.Sub(clock.Now())
				if d <= 0 {
					return clock.Now(), nil
				}
				if err := clock.Sleep(ctx, d); err != nil {
					c.Done(clock.Now(), slot.At, Neutral)
					return time.Time{}, err
				}
				slot = c.Reslot(slot)
			}
		}
		select {
		case <-wake:
			c.mu.Lock()
			c.waiters--
			c.mu.Unlock()
		case <-ctx.Done():
			c.mu.Lock()
			c.waiters--
			c.mu.Unlock()
			return time.Time{}, ctx.Err()
		}
	}
}

// Slot is when a reserved request may leave.
type Slot struct {
	At    time.Time
	paced bool // reserved under a learned pace
}

// Reserve is Acquire without waiting: ok is false when the limit of
// requests in flight is reached; otherwise the caller holds a slot and may
// send at its time, after checking it again with Reslot (Done must
// follow). For simulations.
func (c *Controller) Reserve(now time.Time) (Slot, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reserve(now)
}

// Reslot checks a slot reserved earlier, at its time: when a pause began
// since, or a pace was learned since, the request takes a new place in the
// pace after the pause, so the requests held by a pause do not all leave at
// its end at once.
func (c *Controller) Reslot(s Slot) Slot {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settle(s.At)
	rate := c.currentRate(s.At)
	if !c.until.After(s.At) && (s.paced || rate == 0) {
		return s
	}
	at := s.At
	if c.until.After(at) {
		at = c.until
	}
	if rate > 0 {
		if c.next.After(at) {
			at = c.next
		}
		c.next = at.Add(time.Duration(float64(time.Second) / rate))
	}
	c.heldAt, c.heldBy = at, ByProvider
	return Slot{At: at, paced: rate > 0}
}

func (c *Controller) reserve(now time.Time) (Slot, bool) {
	if c.inflight >= max(int(c.limit), 1) {
		return Slot{}, false
	}
	c.settle(now)
	c.inflight++
	slot, why := now, NotHeld
	later := func(t time.Time, r Reason) {
		if t.After(slot) {
			slot, why = t, r
		}
	}
	later(c.until, ByProvider)
	if c.quotaLeft == 0 {
		later(c.quotaReset, ByProvider)
	}
	if c.currentRate(now) > 0 {
		later(c.next, ByProvider)
	}
	full := !c.doc.IsZero() && len(c.sends) == c.doc.N
	if full {
		// A request leaves a little after its slot and reaches the
		// provider later still, by a varying delay: keep 2% of the period
		// between the slots N requests apart.
		later(c.sends[c.sendIdx].Add(c.doc.Per+c.doc.Per/50), ByDocument)
	}

	if r := c.currentRate(slot); r > 0 {
		c.next = slot.Add(time.Duration(float64(time.Second) / r))
	}
	switch {
	case full:
		c.sends[c.sendIdx] = slot
		c.sendIdx = (c.sendIdx + 1) % c.doc.N
	case !c.doc.IsZero():
		c.sends = append(c.sends, slot)
	}
	switch {
	case slot.Before(c.quotaReset) && c.quotaLeft > 0:
		c.quotaLeft--
	case !slot.Before(c.quotaReset):
		c.quotaLeft = -1 // a new window: unknown until an answer says
	}
	if why != NotHeld && slot.After(now) {
		c.heldAt, c.heldBy = slot, why
	}
	return Slot{At: slot, paced: c.currentRate(slot) > 0}, true
}

// currentRate is the pace at t: the learned rate, held for holdWindows
// provider windows after the push-back it was learned from, then probed
// upward along a cubic, slowly near the old limit and faster later.
func (c *Controller) currentRate(t time.Time) float64 {
	if c.rate == 0 {
		return 0
	}
	hold := min(max(holdWindows*c.period, minHold), maxHold)
	since := t.Sub(c.eventAt) - hold
	if since <= 0 {
		return c.rate
	}
	x := since.Seconds() / hold.Seconds()
	return min(c.rate*(1+x*x*x), maxRate)
}

// Done reports the answer to a request sent at sentAt. retryAfter is the
// provider's wait for a RateLimited or Overloaded verdict, if it named one.
func (c *Controller) Done(now, sentAt time.Time, v Verdict, retryAfter ...time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight = max(c.inflight-1, 0)
	if c.waiters > 0 {
		close(c.wake)
		c.wake = make(chan struct{})
	}

	switch v {
	case Accepted:
		if c.settling && !sentAt.After(c.eventAt) {
			// Part of the burst of the last push-back: settled when its
			// pause ends (settle).
			if len(c.burstReads) < cap(c.burstReads) {
				c.burstReads = append(c.burstReads, burstRead{read: now, sent: sentAt})
			}
		} else {
			if c.accepted == 0 {
				c.firstAccepted = now
			}
			c.accepted++
		}
		c.sample(now, now.Sub(sentAt))
	case RateLimited:
		if sentAt.Before(c.eventEnd) {
			// On its way before keyctl knew of the last push-back: the
			// same burst. Learn once per burst, as TCP reacts once per
			// window of losses.
			if c.settling && !sentAt.After(c.eventAt) {
				c.lastRefusal = now
				if sentAt.After(c.lastRefusedSent) {
					c.lastRefusedSent = sentAt
				}
			}
			return
		}
		period := minPeriod
		if len(retryAfter) > 0 && retryAfter[0] > period {
			period = min(retryAfter[0], maxHold)
		}
		// What was accepted since the first answer to come back after
		// the last pause (or since the run began), over that span but at
		// least one provider window.
		span := period
		if from := c.firstAccepted; !from.IsZero() {
			if resumed := c.eventEnd.Add(c.roundTrip()); !c.eventEnd.IsZero() && resumed.After(from) {
				from = resumed
			}
			span = max(now.Sub(from), period)
		}
		c.eventEnd = now
		if len(retryAfter) > 0 && retryAfter[0] > 0 {
			c.eventEnd = now.Add(retryAfter[0])
		}
		c.eventCount, c.eventSpan, c.eventProbe = c.accepted, span, 0
		if probed := c.currentRate(now); probed > c.rate {
			c.eventProbe = probed
		}
		c.eventAt, c.lastRefusal, c.lastRefusedSent, c.period = now, now, sentAt, period
		c.accepted, c.firstAccepted = 0, time.Time{}
		c.settling, c.burstReads = true, c.burstReads[:0]
		// Pace at the provisional estimate during the pause; settle
		// corrects it when the pause ends, keeping the slots handed out.
		c.next = time.Time{}
		c.learn(c.estimate(0))
	case Overloaded:
		if now.Sub(c.cutAt) >= c.roundTrip() && sentAt.After(c.cutAt) {
			c.limit = max(c.limit/2, 1)
			c.cutAt = now
		}
	}
}

// estimate is the rate learned from the last push-back, with extra answers
// of its burst counted in: what was accepted over the span it was measured,
// less the margin.
func (c *Controller) estimate(extra int) float64 {
	rate := float64(c.eventCount+extra) / c.eventSpan.Seconds() * margin
	if c.eventProbe > 0 {
		// Refused while probing above the learned rate: the limit lies
		// between the two. Come down no further than CUBIC's β = 0.7 of
		// the probe, so a limit that has gone up is kept.
		rate = max(rate, cubicBeta*c.eventProbe)
	}
	return rate
}

// learn sets the pace learned from a push-back.
func (c *Controller) learn(rate float64) {
	switch {
	case rate > 0:
	case c.rate > 0:
		// Refused again with nothing accepted since the last pause: the
		// window is longer than the provider said. Halve.
		rate = c.rate / 2
	default:
		return // nothing accepted yet: the pause is the only guide
	}
	// Never slower than one request per longest hold: whatever went
	// wrong in an estimate, a run does not stall on it.
	rate = max(rate, 1/maxHold.Seconds())
	if !c.doc.IsZero() {
		rate = min(rate, c.doc.PerSecond())
	}
	c.rate = rate
	// The pace now decides; keep in flight what it needs (twice the rate
	// times the round trip, as BBR sizes its window), no more.
	if c.rttShort > 0 {
		c.limit = max(min(c.limit, math.Ceil(2*rate*c.rttShort)+1), 1)
	}
}

// settle, once the pause of the last push-back is over, learns its rate
// again with the whole burst in view. Workers read one burst's answers in
// any order, so answers accepted in the window that refused may be read
// after the first 429. An accepted answer belongs to that window when its
// request left before the last refused one did, or when it was read before
// the last 429 (give or take burstJitter): either way it reached the
// provider among the refused ones, not after them. Answers to requests
// that left later and were read later landed after the provider's window
// reset: they belong to the next window. Two tests, because on a loaded
// machine neither send times (new connections) nor read times (busy
// workers) keep the provider's order alone.
func (c *Controller) settle(now time.Time) {
	if !c.settling || now.Before(c.until) {
		return
	}
	c.settling = false
	extra := 0
	for _, r := range c.burstReads {
		if !r.sent.After(c.lastRefusedSent) || !r.read.After(c.lastRefusal.Add(burstJitter)) {
			extra++
		}
	}
	if extra > 0 || c.rate == 0 {
		c.learn(c.estimate(extra))
	}
}

// roundTrip is the recent round trip, at least 100 ms: the spacing of
// multiplicative decreases.
func (c *Controller) roundTrip() time.Duration {
	return max(time.Duration(c.rttShort*float64(time.Second)), 100*time.Millisecond)
}

// sample updates the round-trip estimates and the concurrency limit with
// one accepted answer.
func (c *Controller) sample(now time.Time, rtt time.Duration) {
	s := rtt.Seconds()
	if c.rttBase == 0 {
		c.rttShort, c.rttBase, c.grownAt = s, s, now
		return
	}
	c.rttShort += shortWeight * (s - c.rttShort)
	if s < c.rttBase {
		c.rttBase = s
	} else {
		// A provider's unloaded latency can change (a new route); let the
		// baseline follow slowly, far slower than a queue builds.
		c.rttBase += baseDrift * (s - c.rttBase)
	}
	elapsed := min(now.Sub(c.grownAt), time.Second).Seconds()
	c.grownAt = now
	if bound := rttTolerance*c.rttBase + rttSlack.Seconds(); c.rttShort > bound {
		// Latency rises: the provider is queueing. Shrink in proportion.
		gradient := max(bound/c.rttShort, 0.5)
		c.limit = max(c.limit*(1-shortWeight*(1-gradient)), 1)
		return
	}
	switch r := c.currentRate(now); {
	case r > 0:
		// Paced: the rate decides. Keep in flight what it needs, twice
		// the rate times the round trip as BBR sizes its window.
		c.limit = min(max(c.limit, math.Ceil(2*r*c.rttShort)+1), float64(c.cap))
	case float64(c.inflight+1) >= c.limit/2 && !now.Before(c.plateauUntil):
		// The limit is in use and latency is flat: grow by growthPerSec
		// per second, whatever the round trip.
		c.limit = min(c.limit*(1+growthPerSec*elapsed), float64(c.cap))
	}
	c.checkGrowthPaid(now)
}

// checkGrowthPaid compares, over successive spans of a few round trips,
// the answers per second with the limit in flight, as BBR probes for
// bandwidth: when the limit grew by a tenth or more and the answers did not
// follow by at least 5%, the provider (or this machine) was already at its
// capacity and more in flight only builds queues. The limit goes back to
// what it was and stays there for plateauFor.
func (c *Controller) checkGrowthPaid(now time.Time) {
	c.spanAnswers++
	if c.spanStart.IsZero() {
		c.spanStart = now
		return
	}
	elapsed := now.Sub(c.spanStart)
	if elapsed < max(4*time.Duration(c.rttShort*float64(time.Second)), 50*time.Millisecond) {
		return
	}
	rate := float64(c.spanAnswers) / elapsed.Seconds()
	if c.spanRate > 0 && c.currentRate(now) == 0 && c.limit >= 1.1*c.spanLimit && rate < 1.05*c.spanRate {
		c.limit = c.spanLimit
		c.plateauUntil = now.Add(plateauFor)
	}
	c.spanStart, c.spanAnswers, c.spanRate, c.spanLimit = now, 0, rate, c.limit
}

// Pause holds every request until t (a Retry-After for the whole provider).
func (c *Controller) Pause(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.until) {
		c.until = t
	}
}

// PausedUntil is when the last Pause ends.
func (c *Controller) PausedUntil() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.until
}

// Quota records what the provider's rate-limit headers said at now: it will
// accept remaining more requests until now+reset. Requests still in flight
// may already be counted or not; they are counted against what is left.
func (c *Controller) Quota(now time.Time, remaining int, reset time.Duration) {
	if remaining < 0 || reset <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.quotaLeft = max(remaining-c.inflight, 0)
	c.quotaReset = now.Add(reset)
}

// Status is what holds a provider back, for a person watching.
type Status struct {
	Rate    float64 // requests per second it is held to; 0 when not paced
	HeldBy  Reason  // NotHeld when no request waited in the last second
	InUse   int     // requests in flight
	Allowed int     // the current limit of requests in flight
}

// Status reports the controller's state at now.
func (c *Controller) Status(now time.Time) Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Status{InUse: c.inflight, Allowed: max(int(c.limit), 1)}
	if c.heldBy != NotHeld && now.Sub(c.heldAt) < heldDisplayFor {
		st.HeldBy = c.heldBy
	}
	switch {
	case st.HeldBy == ByDocument:
		st.Rate = c.doc.PerSecond()
	case c.rate > 0:
		st.Rate = c.currentRate(now)
		if !c.doc.IsZero() {
			st.Rate = min(st.Rate, c.doc.PerSecond())
		}
	}
	return st
}
