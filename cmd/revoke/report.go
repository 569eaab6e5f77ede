package revoke

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
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
	// outputClosed is set when standard output was closed (EPIPE): stop
	// cancels the run, so keys not yet sent are skipped and recorded.
	outputClosed bool
	stop         func()
	auditPath    string

	mu        sync.Mutex           // waiting is called from the engine's workers
	lastPause map[string]time.Time // per provider, the pause already announced
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
		r.checkClosed()
	}
	if r.bar != nil {
		r.mu.Lock()
		r.bar.Describe("revoking")
		_ = r.bar.Add(len(batch))
		r.mu.Unlock()
	}
}

// checkClosed stops the run once standard output is closed: nobody reads
// the results any more, so no new key is sent; the audit log keeps every
// result, including those of the keys stopped.
func (r *reporter) checkClosed() {
	if r.outputClosed || !errors.Is(r.writeErr, syscall.EPIPE) {
		return
	}
	r.outputClosed = true
	if r.stop != nil {
		r.stop()
	}
	r.clearBar()
	where := "every result is in the audit log " + r.auditPath + "; re-run with --resume to send only the rest"
	if r.audit == nil || r.auditErr != nil {
		where = "the audit log is off, so results from here on are not recorded; re-run to revoke the rest"
	}
	fmt.Fprintf(r.io.ErrOut, "keyctl: standard output was closed (the program reading it exited); stopped: keys not yet sent are skipped; %s\n", where)
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
		r.checkClosed()
	}
	if r.format == output.FormatJSON && r.io.IsStderrTTY() && r.summary.Total > 1 {
		fmt.Fprintln(r.io.ErrOut, r.summary)
	}
	if r.outputClosed {
		return &cmdutil.ExitError{Code: exit.OutputClosed}
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
