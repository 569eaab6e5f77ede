package revoke

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/keyctl/keyctl/internal/audit"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/output"
	engine "github.com/keyctl/keyctl/internal/revoke"
)

// reporter takes each batch of results through the audit log (synced
// first), the output and the progress bar, and computes the exit code.
type reporter struct {
	io       *iostreams.IOStreams
	out      output.Writer
	audit    *audit.Log
	format   string
	bar      *progressbar.ProgressBar
	code     exit.Combine
	summary  output.Summary
	auditErr error
	writeErr error

	mu        sync.Mutex           // waiting is called from the engine's workers
	lastPause map[string]time.Time // per provider, the pause already announced
	paces     func() []engine.Pace // the engine's pace per provider, for the bar
}

func newReporter(io *iostreams.IOStreams, out output.Writer, log *audit.Log, format string, total int) *reporter {
	r := &reporter{io: io, out: out, audit: log, format: format, lastPause: map[string]time.Time{}}
	// A bar only where it cannot mix with results on the same terminal.
	if io.IsStderrTTY() && (format == output.FormatTable || !io.IsStdoutTTY()) {
		r.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(io.ErrOut),
			progressbar.OptionSetDescription("revoking"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("keys"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return r
}

// waiting tells a person at a terminal that a provider asked keyctl to wait.
// Keys wait together, so the note is said once per pause.
func (r *reporter) waiting(provider string, until time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.io.IsStderrTTY() || !until.After(r.lastPause[provider]) {
		return
	}
	r.lastPause[provider] = until
	note := fmt.Sprintf("%s asked to wait until %s (Retry-After); waiting", provider, until.Local().Format("15:04:05"))
	if r.bar != nil {
		r.bar.Describe(note)
		return
	}
	fmt.Fprintf(r.io.ErrOut, "keyctl: %s\n", note)
}

func (r *reporter) report(batch []engine.Result) {
	if r.audit != nil && r.auditErr == nil {
		if err := r.audit.Append(batch); err != nil {
			r.auditErr = err
			r.clearBar()
			fmt.Fprintf(r.io.ErrOut, "keyctl: %v; results from here on are not in the audit log\n", err)
		}
	}
	for _, res := range batch {
		r.code.Add(res.ExitCode)
		r.summary.Add(res)
	}
	if r.writeErr == nil {
		r.writeErr = r.out.Write(batch)
	}
	if r.bar != nil {
		r.mu.Lock()
		r.bar.Describe(r.description())
		_ = r.bar.Add(len(batch))
		r.mu.Unlock()
	}
}

func (r *reporter) clearBar() {
	if r.bar != nil {
		_ = r.bar.Clear()
	}
}

// finish closes the output and returns the run's error.
func (r *reporter) finish() error {
	if r.bar != nil {
		_ = r.bar.Finish()
	}
	if err := r.out.Close(); r.writeErr == nil {
		r.writeErr = err
	}
	if r.format == output.FormatJSON && r.io.IsStderrTTY() && r.summary.Total > 1 {
		fmt.Fprintln(r.io.ErrOut, r.summary)
	}
	if r.writeErr != nil {
		fmt.Fprintf(r.io.ErrOut, "keyctl: writing results: %v\n", r.writeErr)
		return &cmdutil.ExitError{Code: exit.Unexpected}
	}
	code := r.code.Code()
	if r.auditErr != nil && code == exit.OK {
		code = exit.Unexpected
	}
	if code != exit.OK {
		return &cmdutil.ExitError{Code: code}
	}
	return nil
}

// description is the bar's label: "revoking", followed by each provider
// keyctl is holding back and why ("lava: 97/s, limited by the provider").
func (r *reporter) description() string {
	d := "revoking"
	if r.paces == nil {
		return d
	}
	for _, p := range r.paces() {
		if p.Held == "" {
			continue
		}
		if p.Rate > 0 {
			d += fmt.Sprintf(" · %s: %s, limited by %s", p.Provider, perSecond(p.Rate), p.Held)
		} else {
			d += fmt.Sprintf(" · %s: limited by %s", p.Provider, p.Held)
		}
	}
	return d
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
