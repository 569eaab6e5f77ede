package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
)

// Main runs keyctl and returns the process exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
		fmt.Fprintf(f.IO.ErrOut, "keyctl: %s\n", err)
		var fe *cmdutil.FlagError
		if errors.As(err, &fe) {
			fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	if ctx.Err() != nil && code != exit.OK {
		return exit.Interrupted
	}
	return code
}

// isCobraUsageError recognises cobra's own argument errors, which it returns
// as plain errors.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.Contains(msg, "arg(s)") || strings.HasPrefix(msg, "invalid argument")
}
