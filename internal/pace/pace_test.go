package pace

import (
	"context"
	"testing"
	"time"
)

// provider is a simulated provider's limiter: it decides each request when
// it arrives.
type provider interface {
	arrive(at time.Time) (ok bool, retryAfter time.Duration)
}

// fixedWindow counts requests in one-second windows, each starting at the
// first request after the previous one ended (as keyctl's sandbox and many
// real APIs do), and answers 429 with Retry-After: 1 beyond the limit.
// limitAt lets a test change the limit mid-run.
type fixedWindow struct {
	limitAt func(time.Time) int
	start   time.Time
	count   int
}

func (w *fixedWindow) arrive(at time.Time) (bool, time.Duration) {
	if w.start.IsZero() || at.Sub(w.start) >= time.Second {
		w.start, w.count = at, 0
	}
	w.count++
	if w.count <= w.limitAt(at) {
		return true, 0
	}
	return false, time.Second
}

func steady(n int) func(time.Time) int { return func(time.Time) int { return n } }

// run is what a simulated batch did.
type run struct {
	sends    []time.Time // when each request left
	accepted []time.Time // when each accepted answer came back
	refused  []time.Time // when each 429 came back
	end      time.Time
}

// inSpan counts the times in [from, to).
func inSpan(ts []time.Time, from, to time.Time) int {
	n := 0
	for _, t := range ts {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n
}

// simulate sends keys through c to p, which answers after latency(in
// flight), in steps of one millisecond of fake time, the way the engine
// does: a refused key waits out the provider's pause and is sent again.
func simulate(t *testing.T, c *Controller, p provider, keys int, latency func(inFlight int) time.Duration) run {
	t.Helper()
	type flight struct {
		sent, back time.Time
		ok         bool
		wait       time.Duration
	}
	start := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var (
		r         run
		now       = start
		pending   = keys
		done      = 0
		scheduled []Slot // slots reserved, not yet sent
		flights   []flight
	)
	for done < keys {
		if now.Sub(start) > 24*time.Hour {
			t.Fatalf("simulation did not finish: %d of %d keys done", done, keys)
		}
		kept := flights[:0]
		for _, f := range flights {
			if f.back.After(now) {
				kept = append(kept, f)
				continue
			}
			if f.ok {
				c.Done(now, f.sent, Accepted)
				r.accepted = append(r.accepted, now)
				done++
			} else {
				c.Done(now, f.sent, RateLimited, f.wait)
				c.Pause(now.Add(f.wait))
				r.refused = append(r.refused, now)
				pending++
			}
		}
		flights = kept
		if done == keys {
			break
		}
		waiting := scheduled[:0]
		for _, slot := range scheduled {
			if slot.At.After(now) {
				waiting = append(waiting, slot)
				continue
			}
			slot = c.Reslot(slot) // as Acquire does: a pause set meanwhile holds it too
			if slot.At.After(now) {
				waiting = append(waiting, slot)
				continue
			}
			lat := latency(len(flights) + 1)
			ok, wait := p.arrive(now.Add(lat))
			flights = append(flights, flight{sent: now, back: now.Add(lat), ok: ok, wait: wait})
			r.sends = append(r.sends, now)
		}
		scheduled = waiting
		for pending > 0 && !c.PausedUntil().After(now) {
			slot, ok := c.Reserve(now)
			if !ok {
				break
			}
			pending--
			scheduled = append(scheduled, slot)
		}
		// Jump to the next thing that happens: an answer, a slot, the end
		// of a pause. Nothing else changes what the controller allows.
		next := now.Add(time.Hour)
		for _, f := range flights {
			next = minTime(next, f.back)
		}
		for _, slot := range scheduled {
			next = minTime(next, slot.At)
		}
		if until := c.PausedUntil(); until.After(now) {
			next = minTime(next, until)
		}
		now = maxTime(next, now.Add(time.Microsecond))
	}
	r.end = now
	return r
}

func constant(d time.Duration) func(int) time.Duration { return func(int) time.Duration { return d } }

// TestConvergesToTheProviderLimit: a provider 200 ms away that accepts 100
// requests a second. Started at the default, keyctl finds the limit and
// keeps to it: few 429s, and the batch within 1.2 times the ideal.
func TestConvergesToTheProviderLimit(t *testing.T) {
	c := New(Options{Cap: 64})
	r := simulate(t, c, &fixedWindow{limitAt: steady(100)}, 3000, constant(200*time.Millisecond))
	start := r.sends[0]
	took := r.end.Sub(start)
	if ideal := 30 * time.Second; took > ideal*12/10 {
		t.Errorf("3,000 keys took %s, ideal %s", took, ideal)
	}
	if share := float64(len(r.refused)) / float64(len(r.sends)); share >= 0.03 {
		t.Errorf("%d of %d requests refused (%.1f%%), want under 3%%", len(r.refused), len(r.sends), 100*share)
	}
	// Once learned, the pace holds just under the limit until it is
	// probed again.
	for s := 4; s < 13; s++ {
		from := start.Add(time.Duration(s) * time.Second)
		if n := inSpan(r.accepted, from, from.Add(time.Second)); n < 85 || n > 100 {
			t.Errorf("second %d: %d accepted, want 85..100", s, n)
		}
	}
	if st := c.Status(r.end); st.Rate < 90 || st.Rate > 100 {
		t.Errorf("learned pace %.1f/s, want just under 100/s", st.Rate)
	}
}

// TestBacksOffWhenTheLimitDrops: the provider accepts 100 requests a second,
// then 40 from the tenth second on. keyctl follows it down.
func TestBacksOffWhenTheLimitDrops(t *testing.T) {
	var drop time.Time
	limit := func(at time.Time) int {
		if drop.IsZero() {
			drop = at.Add(10 * time.Second)
		}
		if at.Before(drop) {
			return 100
		}
		return 40
	}
	c := New(Options{Cap: 64})
	r := simulate(t, c, &fixedWindow{limitAt: limit}, 2000, constant(200*time.Millisecond))
	after := drop.Add(5 * time.Second)
	if n := inSpan(r.refused, after, after.Add(10*time.Second)); n > 0 {
		t.Errorf("%d requests refused from 5 to 15 s after the drop, want none", n)
	}
	for s := 5; s < 15; s++ {
		from := drop.Add(time.Duration(s) * time.Second)
		if !from.Add(time.Second).Before(r.end) {
			break
		}
		if n := inSpan(r.sends, from, from.Add(time.Second)); n < 34 || n > 41 {
			t.Errorf("second %d after the drop: %d sent, want 34..41", s, n)
		}
	}
}

// TestRecoversAfterATransientLimit: a provider that accepts 20 requests a
// second for two seconds, then 1,000. The learned pace does not stay at 20.
func TestRecoversAfterATransientLimit(t *testing.T) {
	var end time.Time
	limit := func(at time.Time) int {
		if end.IsZero() {
			end = at.Add(2 * time.Second)
		}
		if at.Before(end) {
			return 20
		}
		return 1000
	}
	c := New(Options{Cap: 64})
	r := simulate(t, c, &fixedWindow{limitAt: limit}, 20000, constant(20*time.Millisecond))
	last := r.end.Add(-5 * time.Second)
	if n := inSpan(r.accepted, last, r.end) / 5; n < 500 {
		t.Errorf("%d accepted per second at the end, want the pace recovered to at least 500", n)
	}
	if took := r.end.Sub(r.sends[0]); took > 90*time.Second {
		t.Errorf("20,000 keys took %s", took)
	}
}

// TestDocumentedLimitIsNeverExceeded: 60 requests per hour (GitHub's
// credential revocation API); no hour holds more than 60 sends.
func TestDocumentedLimitIsNeverExceeded(t *testing.T) {
	c := New(Options{Cap: 64, Documented: Limit{N: 60, Per: time.Hour}})
	p := &fixedWindow{limitAt: steady(1 << 30)}
	r := simulate(t, c, p, 150, constant(100*time.Millisecond))
	for i := range r.sends {
		if n := inSpan(r.sends, r.sends[i], r.sends[i].Add(time.Hour)); n > 60 {
			t.Fatalf("%d requests in the hour from send %d", n, i)
		}
	}
	if took := r.end.Sub(r.sends[0]); took > 2*time.Hour+5*time.Minute {
		t.Errorf("150 keys at 60 an hour took %s, want about 2 h", took)
	}
	if st := c.Status(r.sends[len(r.sends)-1].Add(-time.Millisecond)); st.HeldBy != ByDocument {
		t.Errorf("status %+v, want held by the documented limit", st)
	}
}

// TestRisingLatencyShrinksTheLimit: a provider that serves 10 requests at
// once and queues the rest (latency grows with what is in flight). The limit
// stays near 10 instead of growing to the cap.
func TestRisingLatencyShrinksTheLimit(t *testing.T) {
	c := New(Options{Cap: 256})
	queueing := func(inFlight int) time.Duration {
		return 50 * time.Millisecond * time.Duration(max(1, (inFlight+9)/10))
	}
	simulate(t, c, &fixedWindow{limitAt: steady(1 << 30)}, 5000, queueing)
	if st := c.Status(time.Time{}); st.Allowed > 40 {
		t.Errorf("limit grew to %d in flight against a provider that serves 10 at once", st.Allowed)
	}
}

// TestGrowsWhenNothingPushesBack: a provider 100 ms away with no limit; the
// limit grows from 20 to the cap.
func TestGrowsWhenNothingPushesBack(t *testing.T) {
	c := New(Options{Cap: 64})
	simulate(t, c, &fixedWindow{limitAt: steady(1 << 30)}, 3000, constant(100*time.Millisecond))
	if st := c.Status(time.Time{}); st.Allowed != 64 {
		t.Errorf("limit %d, want the cap 64", st.Allowed)
	}
}

// TestOverloadHalvesOncePerRoundTrip: a burst of 503s answering one round of
// requests halves the limit once, not once per answer.
func TestOverloadHalvesOncePerRoundTrip(t *testing.T) {
	c := New(Options{Cap: 64})
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var sent []time.Time
	for range 20 {
		slot, ok := c.Reserve(now)
		if !ok {
			t.Fatal("no slot for the first 20")
		}
		sent = append(sent, slot.At)
	}
	if _, ok := c.Reserve(now); ok {
		t.Fatal("a 21st request in flight at the start")
	}
	back := now.Add(200 * time.Millisecond)
	for _, s := range sent {
		c.Done(back, s, Overloaded)
	}
	if st := c.Status(back); st.Allowed != 10 {
		t.Fatalf("limit %d after one round of 503s, want 10", st.Allowed)
	}
}

// TestAcquireWaitsForTheSlotAndCancel: Acquire sleeps until the paced slot
// on the given clock, and a cancelled context ends a wait for room.
func TestAcquireWaitsForTheSlotAndCancel(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	c := New(Options{Cap: 1})
	c.Pause(clock.now.Add(3 * time.Second))
	at, err := c.Acquire(context.Background(), clock)
	if err != nil || !at.Equal(clock.now) || clock.slept != 3*time.Second {
		t.Fatalf("acquired at %v after sleeping %s (err %v), want after the 3 s pause", at, clock.slept, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Acquire(ctx, clock); err == nil {
		t.Fatal("a second request in flight with a cap of 1")
	}
	c.Done(clock.now, at, Accepted)
	if _, err := c.Acquire(context.Background(), clock); err != nil {
		t.Fatalf("after Done: %v", err)
	}
}

type fakeClock struct {
	now   time.Time
	slept time.Duration
}

func (f *fakeClock) Now() time.Time { return f.now }
func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	f.now, f.slept = f.now.Add(d), f.slept+d
	return ctx.Err()
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestLearnsFromABurstWhoseRefusalsCameFirst: the first burst's answers
// come back in any order; when the 429s are read before the 200s, the rate
// is learned from the 200s when the pause ends, not left unpaced.
func TestLearnsFromABurstWhoseRefusalsCameFirst(t *testing.T) {
	c := New(Options{Cap: 64})
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var sent []time.Time
	for range 24 {
		slot, _ := c.Reserve(now)
		sent = append(sent, slot.At)
	}
	back := now.Add(2 * time.Millisecond)
	for _, s := range sent[5:] {
		c.Done(back, s, RateLimited, time.Second)
		c.Pause(back.Add(time.Second))
	}
	for _, s := range sent[:5] {
		c.Done(back, s, Accepted)
	}
	resume := back.Add(time.Second)
	var slots []time.Time
	at := resume
	for range 5 {
		slot, ok := c.Reserve(at)
		if !ok {
			t.Fatalf("no room after the pause: %+v", c.Status(at))
		}
		slots = append(slots, slot.At)
		c.Done(slot.At, slot.At, Accepted)
		at = slot.At
	}
	if took := slots[4].Sub(resume); took < 800*time.Millisecond || took > 900*time.Millisecond {
		t.Fatalf("5 requests after the pause over %s, want them paced at 5 a second (0.82 s)", took)
	}
}
