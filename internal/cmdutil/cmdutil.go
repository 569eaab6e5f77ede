// Package cmdutil holds what commands share: the Factory of dependencies
// and the error types that carry an exit code to cmd.Main.
package cmdutil

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

// Factory provides dependencies to commands; tests replace its fields.
type Factory struct {
	IO *iostreams.IOStreams
	// ConfigPath is --config; "" uses KEYCTL_CONFIG or the default path.
	ConfigPath string
	// Profile is --profile; "" uses KEYCTL_PROFILE or default_profile.
	Profile string
	Debug   bool
	// Transport replaces the HTTP transport (tests); nil uses the real one.
	Transport http.RoundTripper
	// Clock replaces the wall clock (tests).
	Clock revoke.Clock
	// Secrets holds every credential resolved in this run, so that results,
	// the debug trace and error messages are scrubbed of them.
	Secrets *redact.Secrets

	cfg *config.Config
}

// Config loads the configuration file once and prints its warnings.
func (f *Factory) Config() (*config.Config, error) {
	if f.cfg != nil {
		return f.cfg, nil
	}
	cfg, err := config.Load(config.Options{Path: f.ConfigPath, Profile: f.Profile, Providers: providers.Names(), Params: providers.ParamNames})
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", f.Secrets.Lines(w, 4096)) // config keys and paths are input
	}
	f.cfg = cfg
	return cfg, nil
}

// FlagError is a usage error: exit 2.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf builds a FlagError.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// ExitError ends the run with Code after the results were already printed.
// StopSaid tells that the command already said why a signal stopped it, so
// that the reason is not repeated after its last words (the command that
// finishes the run).
type ExitError struct {
	Code     exit.Code
	StopSaid bool
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit %d", int(e.Code)) }

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) exit.Code {
	var (
		ee  *ExitError
		fe  *FlagError
		ce  *config.Error
		upe *providers.UnknownProviderError
		ide *providers.IDError
	)
	switch {
	case err == nil:
		return exit.OK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &fe), errors.As(err, &upe), errors.As(err, &ide):
		return exit.Usage
	case errors.As(err, &ce):
		return exit.Config
	}
	return exit.Unexpected
}

// IsSilent reports whether err was already reported to the user.
func IsSilent(err error) bool {
	var ee *ExitError
	return errors.As(err, &ee)
}
