package revoke

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/keyctl/keyctl/internal/audit"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/output"
	engine "github.com/keyctl/keyctl/internal/revoke"
)

// reporter takes each batch of results through the audit log (synced
// first), the output and the status line, and computes the exit code. At
// a terminal it ends with a recap of the keys not done and the command
// that finishes the run.
type reporter struct {
	io       *iostreams.IOStreams
	out      output.Writer
	audit    *audit.Log
	format   string
	status   *status
	code     exit.Combine
	summary  output.Summary
	recap    recap
	resume   string // the command that finishes the run, "" when there is none
	auditErr error
	writeErr error
	// signals is the run's signal context: when a signal stopped the run,
	// the reason is said before the recap, which ends with the command
	// that finishes the job.
	signals  context.Context
	stopSaid bool
	// outputClosed is set when standard output was closed (EPIPE): stop
	// cancels the run, so keys not yet sent are skipped and recorded.
	outputClosed bool
	stop         func()
	auditPath    string
	// held keeps a table's results while no audit log records them: the
	// table is written at the end, and if standard output is closed by
	// then, they go to stderr rather than nowhere.
	held []engine.Result
}

func newReporter(io *iostreams.IOStreams, out output.Writer, log *audit.Log, format string, total int, st settings, resume string, debug bool) *reporter {
	r := &reporter{io: io, out: out, audit: log, format: format, resume: resume}
	// A live line only where it cannot mix with results: stderr is a
	// terminal, and stdout is that terminal too (cleared before each write)
	// or holds a table written at the end. Into a pipe read by a pager or
	// jq on the same screen, it would tear their lines: long waits are then
	// said as plain lines.
	// The --debug trace, written as requests go, would scroll it away.
	live := io.IsStderrTTY() && (io.IsStdoutTTY() || format == output.FormatTable) && !debug
	r.status = newStatus(io.ErrOut, io.ErrWidth, live, total, st.concurrency, st.perProvider)
	r.status.begin()
	return r
}

// waiting hears of every wait a provider asked for.
func (r *reporter) waiting(w engine.Wait) { r.status.waiting(w) }

func (r *reporter) report(batch []engine.Result) {
	if r.audit != nil && r.auditErr == nil {
		if err := r.audit.Append(batch); err != nil {
			r.auditErr = err
			r.status.quiet(func() {
				fmt.Fprintf(r.io.ErrOut, "keyctl: %v; results from here on are not in the audit log\n", err)
			})
		}
	}
	for _, res := range batch {
		r.code.Add(res.ExitCode)
		r.summary.Add(res)
		r.recap.add(res)
	}
	if r.format == output.FormatTable && r.unrecorded() {
		r.held = append(r.held, batch...)
	}
	switch {
	case r.writeErr == nil:
		r.status.quiet(func() { r.writeErr = r.out.Write(batch) })
		r.checkClosed(batch)
	case r.outputClosed && r.unrecorded():
		r.toStderr(batch)
	}
	r.status.finished(batch)
}

// unrecorded reports whether no audit log holds the results.
func (r *reporter) unrecorded() bool { return r.audit == nil || r.auditErr != nil }

// toStderr writes results that standard output could not take, as JSON
// Lines, when no audit log holds them: keys already sent are never left
// without a result.
func (r *reporter) toStderr(batch []engine.Result) {
	_ = output.NewJSON(r.io.ErrOut).Write(batch)
}

// checkClosed stops the run once standard output is closed: nobody reads
// the results any more, so no new key is sent; the audit log keeps every
// result, including those of the keys stopped. Without an audit log, the
// results not delivered (undelivered: the batch whose write failed) follow
// on stderr.
func (r *reporter) checkClosed(undelivered []engine.Result) {
	if r.outputClosed || !errors.Is(r.writeErr, syscall.EPIPE) {
		return
	}
	r.outputClosed = true
	if r.stop != nil {
		r.stop()
	}
	r.status.end()
	where := "every result is in the audit log " + r.auditPath + "; re-run with --resume to send only the rest"
	if r.unrecorded() {
		where = "the audit log is off, so the results not delivered follow here as JSON lines; re-run to revoke the keys not sent"
	}
	fmt.Fprintf(r.io.ErrOut, "keyctl: standard output was closed (the program reading it exited); stopped: keys not yet sent are skipped; %s\n", where)
	if r.unrecorded() {
		r.toStderr(undelivered)
	}
}

// finish closes the output and returns the run's error.
func (r *reporter) finish() error {
	r.status.end()
	if err := r.out.Close(); r.writeErr == nil {
		r.writeErr = err
		r.checkClosed(r.held) // a table is written only now
	}
	if r.signals != nil && r.signals.Err() != nil && !r.outputClosed {
		fmt.Fprintf(r.io.ErrOut, "keyctl: stopped (%v)\n", context.Cause(r.signals))
		r.stopSaid = true
	}
	// The summary and the recap go where a person reads: after the table,
	// or on stderr at a terminal when stdout holds JSON.
	human := r.io.Out
	style := output.StyleOf(r.io)
	if r.format == output.FormatJSON {
		human, style = r.io.ErrOut, output.Style{Width: r.io.ErrWidth(), Color: r.io.ColorErr()}
		if r.io.IsStderrTTY() && r.summary.Total > 1 {
			fmt.Fprintln(r.io.ErrOut, r.summary)
		}
	}
	switch {
	case r.writeErr != nil || r.recap.empty():
	case r.format == output.FormatTable || r.io.IsStderrTTY():
		r.recap.write(human, style, r.resume)
	case r.resume != "" && r.recap.interrupted():
		// A script's run that failed says so by its exit code; one that was
		// interrupted also says how to finish it.
		fmt.Fprintf(r.io.ErrOut, "keyctl: interrupted; to finish: %s\n", r.resume)
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
		return &cmdutil.ExitError{Code: code, StopSaid: r.stopSaid}
	}
	return nil
}
