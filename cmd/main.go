package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/providers"
)

// Main runs keyctl and returns the process exit code.
func Main() int {
	// Go's net/http reports some protocol errors through the standard
	// logger, quoting the bytes a server sent ("Unsolicited response received
	// on idle HTTP channel starting with …"): a hostile server could put a
	// credential or an escape sequence on stderr behind keyctl's back.
	// Nothing keyctl says goes through that logger; --debug routes it into
	// the scrubbed trace.
	log.SetOutput(io.Discard)
	// SIGHUP (a closed terminal or ssh session) stops a run like Ctrl-C:
	// every key accounted for, the audit log complete.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	// A closed standard output (keyctl … | head -1) must not kill keyctl
	// mid-batch: with SIGPIPE caught, the write fails with EPIPE and the
	// revoke command stops and accounts for every key. Notify rather than
	// Ignore, so commands keyctl runs (token_command) keep the default.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	go func() {
		// After the first signal, restore the default so a second Ctrl-C
		// kills at once.
		<-ctx.Done()
		stop()
	}()
	f := &cmdutil.Factory{IO: iostreams.System()}
	return int(Run(ctx, f, os.Args[1:]))
}

// Run executes args and maps the outcome to an exit code, printing any error
// not already reported.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) exit.Code {
	if f.Secrets == nil {
		f.Secrets = &redact.Secrets{}
	}
	loadUserProviders(f, args)
	root := NewCmdRoot(f)
	if isCompletionRequest(args) {
		plainUsages(root)
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && isCobraUsageError(err) {
		err = &cmdutil.FlagError{Err: err}
	}
	code := cmdutil.ExitCode(err)
	if err != nil && !cmdutil.IsSilent(err) {
		// An error may echo input (an id, a provider name, a config value)
		// or a server's words: it passes the one scrubber like every result.
		fmt.Fprintf(f.IO.ErrOut, "keyctl: %s\n", f.Secrets.Lines(err.Error(), maxErrorLine))
		var fe *cmdutil.FlagError
		if errors.As(err, &fe) {
			fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	var said *cmdutil.ExitError
	if ctx.Err() != nil && code != exit.OK && !(errors.As(err, &said) && said.StopSaid) {
		// Say why keyctl stopped: after a SIGHUP or a SIGTERM from a
		// supervisor nobody pressed Ctrl-C and the reason is not obvious.
		fmt.Fprintf(f.IO.ErrOut, "keyctl: stopped (%v)\n", context.Cause(ctx))
		return exit.Interrupted
	}
	return code
}

// maxErrorLine bounds each line of an error message.
const maxErrorLine = 4096

// loadUserProviders loads the user's provider definitions before the command
// tree is built, so that arguments, completion and config checks know them.
// A broken file is reported and skipped; the other providers still work.
func loadUserProviders(f *cmdutil.Factory, args []string) {
	warnings, err := providers.LoadUser(providersDirs(args)...)
	for _, w := range warnings {
		fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", w)
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(f.IO.ErrOut, "warning: provider definition ignored: %s\n", line)
		}
	}
}

// providersDirs finds --providers-dir values in args ahead of cobra, which
// parses them again (and rejects a missing value).
func providersDirs(args []string) []string {
	var dirs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--providers-dir="); ok {
			dirs = append(dirs, v)
		} else if a == "--providers-dir" && i+1 < len(args) {
			dirs = append(dirs, args[i+1])
			i++
		}
	}
	return dirs
}

// isCobraUsageError recognises cobra's own argument errors, which it returns
// as plain errors.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.Contains(msg, "arg(s)") || strings.HasPrefix(msg, "invalid argument")
}
