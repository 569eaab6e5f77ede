package revoke

import (
	"fmt"
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
}

func newReporter(io *iostreams.IOStreams, out output.Writer, log *audit.Log, format string, total int) *reporter {
	r := &reporter{io: io, out: out, audit: log, format: format}
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
		_ = r.bar.Add(len(batch))
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
