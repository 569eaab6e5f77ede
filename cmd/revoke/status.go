package revoke

import (
	"fmt"
	"io"
	"iter"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-runewidth"

	engine "github.com/keyctl/keyctl/internal/revoke"
)

// status keeps a person at a terminal informed from the first request to
// the last: a line on stderr, redrawn every tick, with the keys done, in
// flight per provider, the time elapsed and, during a Retry-After wait, a
// countdown naming the provider, the key and why. Without a live line (stderr
// not a terminal, or stdout a pipe sharing it) long waits are said once as a
// plain line instead.
type status struct {
	w     io.Writer
	width func() int
	live  bool // draw the line; false: plain lines for long waits only
	now   func() time.Time

	total       int // keys in the run, -1 when unknown (standard input)
	concurrency int
	perProvider int

	// paces reports the engine's pace per provider; a provider keyctl holds
	// back is named on the line with its pace and why.
	paces func() []engine.Pace

	mu        sync.Mutex
	start     time.Time
	done      int
	providers map[string]*laneCount
	waits     map[string]engine.Wait // per provider, the latest wait
	said      map[string]time.Time   // per provider, the wait already said as a plain line
	shown     bool                   // the line is on the screen
	frame     int
	stop      chan struct{}
	stopped   chan struct{}
}

type laneCount struct{ queued, done int }

// tick is how often the line is redrawn: often enough for a countdown and a
// spinner to look alive, rarely enough to cost nothing.
const tick = 100 * time.Millisecond

// longWait is the wait from which a plain line is worth printing.
const longWait = 2 * time.Second

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func newStatus(w io.Writer, width func() int, live bool, total, concurrency, perProvider int) *status {
	return &status{
		w: w, width: width, live: live, now: time.Now,
		total: total, concurrency: max(concurrency, 1), perProvider: max(perProvider, 1),
		providers: map[string]*laneCount{}, waits: map[string]engine.Wait{}, said: map[string]time.Time{},
	}
}

// begin draws the first line at once and keeps it fresh until end.
func (s *status) begin() {
	s.mu.Lock()
	s.start = s.now()
	s.mu.Unlock()
	if !s.live {
		return
	}
	s.stop, s.stopped = make(chan struct{}), make(chan struct{})
	s.redraw()
	go func() {
		defer close(s.stopped)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.redraw()
			}
		}
	}()
}

// end stops the line and erases it.
func (s *status) end() {
	if s.stop != nil {
		close(s.stop)
		<-s.stopped
		s.stop = nil
	}
	s.mu.Lock()
	s.clearLocked()
	s.mu.Unlock()
}

// track counts each job as it is handed to the engine, per provider.
func (s *status) track(jobs iter.Seq[engine.Job]) iter.Seq[engine.Job] {
	return func(yield func(engine.Job) bool) {
		for j := range jobs {
			if j.Reject == nil {
				s.mu.Lock()
				s.lane(j.Provider.Info().Name).queued += max(len(j.Group), 1)
				s.mu.Unlock()
			}
			if !yield(j) {
				return
			}
		}
	}
}

func (s *status) lane(name string) *laneCount {
	l, ok := s.providers[name]
	if !ok {
		l = &laneCount{}
		s.providers[name] = l
	}
	return l
}

// finished counts results. Results of keys never handed to a lane
// (rejections) only count towards done.
func (s *status) finished(batch []engine.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done += len(batch)
	for _, r := range batch {
		if l, ok := s.providers[r.Provider]; ok && l.done < l.queued {
			l.done++
		}
	}
}

// waiting records a wait the provider asked for; without a live line a
// long one is said as a plain line, once per wait and provider.
func (s *status) waiting(w engine.Wait) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.waits[w.Provider]; ok && cur.Until.After(w.Until) && cur.Until.After(s.now()) {
		return // a longer wait of the same provider is still the news
	}
	s.waits[w.Provider] = w
	if s.live || w.Until.Sub(s.now()) < longWait || !w.Until.After(s.said[w.Provider]) {
		return
	}
	s.said[w.Provider] = w.Until
	fmt.Fprintf(s.w, "keyctl: %s (until %s)\n", describeWait(w, w.Until.Sub(s.now())), w.Until.Local().Format("15:04:05"))
}

// describeWait says who waits, why and how long: "lava: key sk_new_1 in a
// cooldown of its own (429 Retry-After), 12s left".
func describeWait(w engine.Wait, left time.Duration) string {
	secs := fmt.Sprintf("%ds left", int(math.Ceil(left.Seconds())))
	switch {
	case w.KeyOnly:
		return fmt.Sprintf("%s: key %s in a cooldown of its own (%d Retry-After), %s", w.Provider, shortID(w.ID), w.Status, secs)
	case w.Status == 503:
		return fmt.Sprintf("%s: unavailable (503 Retry-After), all its keys wait, %s", w.Provider, secs)
	}
	return fmt.Sprintf("%s: rate limited (Retry-After), all its keys wait, %s", w.Provider, secs)
}

// shortID keeps a key id readable in a status line.
func shortID(id string) string {
	if runewidth.StringWidth(id) <= 24 {
		return id
	}
	return runewidth.Truncate(id, 24, "…")
}

// quiet runs f with the line erased, so that what f writes to stdout or
// stderr on the same terminal is never mixed with it; the next tick draws
// the line again below.
func (s *status) quiet(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	f()
}

// guard wraps w, a writer to the same terminal as the line, so that each
// write erases the line first: warnings said during a run never end up
// glued to its end.
func (s *status) guard(w io.Writer) io.Writer { return guarded{s, w} }

type guarded struct {
	s *status
	w io.Writer
}

func (g guarded) Write(p []byte) (n int, err error) {
	g.s.quiet(func() { n, err = g.w.Write(p) })
	return n, err
}

func (s *status) clearLocked() {
	if s.shown {
		io.WriteString(s.w, "\r\x1b[K")
		s.shown = false
	}
}

func (s *status) redraw() {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := s.lineLocked()
	if w := s.width(); w > 1 && runewidth.StringWidth(line) > w-1 {
		line = runewidth.Truncate(line, w-1, "…") // a wrapped line could not be erased
	}
	s.frame++
	io.WriteString(s.w, "\r\x1b[K"+line)
	s.shown = true
}

// lineLocked is the status line: "⠹ 37/200 keys · 8 in flight (lava 8) ·
// 4s". While a provider asked to wait, its countdown comes first: on a
// narrow terminal the end of the line is what gets cut.
func (s *status) lineLocked() string {
	now := s.now()
	names := make([]string, 0, len(s.providers))
	for n := range s.providers {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := []string{spinner[s.frame%len(spinner)]}
	waits := make([]string, 0, len(s.waits))
	for n, w := range s.waits {
		if w.Until.After(now) {
			waits = append(waits, describeWait(w, w.Until.Sub(now)))
		} else {
			delete(s.waits, n)
		}
	}
	sort.Strings(waits)
	parts = append(parts, waits...)
	parts = append(parts, s.held()...)
	if s.total >= 0 {
		parts = append(parts, fmt.Sprintf("%d/%d keys", s.done, s.total))
	} else {
		parts = append(parts, fmt.Sprintf("%d keys done", s.done))
	}
	var lanes []string
	inFlight := 0
	for _, n := range names {
		l := s.providers[n]
		k := min(l.queued-l.done, s.perProvider)
		if w, ok := s.waits[n]; ok && !w.KeyOnly {
			k = 0 // paused: nothing of this provider is on the wire
		}
		if k > 0 {
			lanes = append(lanes, fmt.Sprintf("%s %d", n, k))
			inFlight += k
		}
	}
	flight := fmt.Sprintf("%d in flight", min(inFlight, s.concurrency))
	if len(lanes) > 0 {
		flight += " (" + strings.Join(lanes, ", ") + ")"
	}
	parts = append(parts, flight, now.Sub(s.start).Truncate(time.Second).String())
	return parts[0] + " " + strings.Join(parts[1:], " · ")
}

// showPaces names, from now on, the providers the engine holds back.
func (s *status) showPaces(paces func() []engine.Pace) {
	s.mu.Lock()
	s.paces = paces
	s.mu.Unlock()
}

// held names each provider keyctl is holding back, at what pace and why
// ("lava: 97/s, limited by the provider"); one going at full speed is not
// mentioned.
func (s *status) held() []string {
	if s.paces == nil {
		return nil
	}
	var out []string
	for _, p := range s.paces() {
		switch {
		case p.Held == "":
		case p.Rate > 0:
			out = append(out, fmt.Sprintf("%s: %s, limited by %s", p.Provider, perSecond(p.Rate), p.Held))
		default:
			out = append(out, fmt.Sprintf("%s: limited by %s", p.Provider, p.Held))
		}
	}
	return out
}

// perSecond renders a rate a person can read: 97/s, 2.5/s, 12/min, 60/h.
func perSecond(rate float64) string {
	switch {
	case rate >= 10:
		return fmt.Sprintf("%.0f/s", rate)
	case rate >= 1:
		return fmt.Sprintf("%.1f/s", rate)
	case rate*60 >= 1:
		return fmt.Sprintf("%.0f/min", rate*60)
	}
	return fmt.Sprintf("%.0f/h", rate*3600)
}
