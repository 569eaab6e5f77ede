// Package revoke is the `keyctl revoke` command: flags and arguments become
// RevokeOptions, and revokeRun turns them into jobs for the engine.
package revoke

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/httpclient"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/output"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/internal/retry"
	engine "github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/providers"
)

// Defaults of the settings a flag, KEYCTL_* variable or config key can set.
const (
	defaultTimeout     = 30 * time.Second
	defaultConcurrency = 16
	defaultPerProvider = 8
)

// RevokeOptions is everything a revocation run needs.
type RevokeOptions struct {
	IO        *iostreams.IOStreams
	Config    func() (*config.Config, error)
	Transport http.RoundTripper
	Clock     engine.Clock
	Debug     bool

	Provider string
	IDs      []string

	// Settings with flag > env > file > default precedence, resolved in
	// revokeRun from these flags.
	cmd *cobra.Command

	IgnoreMissing bool
	DryRun        bool
	SkipIDCheck   bool
	Sandbox       bool
}

// NewCmdRevoke builds the command. runF replaces revokeRun in tests of flag
// parsing.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{}
	cmd := &cobra.Command{
		Use:   "revoke <provider> <id>...",
		Short: "Revoke API keys",
		Long: `Revoke one or more API keys of a provider with the provider's own
authenticated DELETE request, and report one result per key.

The credential comes from KEYCTL_<PROVIDER>_TOKEN or providers.<provider>.token
in the config file, never from the command line.`,
		Example: `  keyctl revoke lava sk_123
  keyctl revoke langwatch key_1 key_2 -o json | jq -r 'select(.exit_code != 0) | .id'
  keyctl revoke altostrat api_key_2m3h5n7k9j8g7f6e5d4c3b2a1b2 --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.FlagErrorf("missing provider; known providers: %s", strings.Join(providers.Names(), ", "))
			}
			if len(args) == 1 {
				return cmdutil.FlagErrorf("missing key id: usage: keyctl revoke %s <id>...", args[0])
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return providers.Names(), cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IO
			opts.Config = f.Config
			opts.Transport = f.Transport
			opts.Clock = f.Clock
			opts.Debug = f.Debug
			opts.Provider = args[0]
			opts.IDs = args[1:]
			opts.cmd = cmd
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringP("output", "o", "", "output format: table or json (default: table on a terminal, json otherwise)")
	fl.String("base-url", "", "override the provider's base URL (self-hosted, proxy, tests)")
	fl.String("cacert", "", "PEM file of CA certificates to trust in addition to the system's")
	fl.Int("retries", retry.DefaultPolicy().Retries, "attempts after the first for 429, 5xx and network errors")
	fl.Duration("max-wait", retry.DefaultPolicy().MaxWait, "budget for all waiting between attempts of one key")
	fl.Duration("timeout", defaultTimeout, "time limit of one attempt")
	fl.Int("concurrency", defaultConcurrency, "requests in flight at once")
	fl.Int("per-provider", defaultPerProvider, "requests in flight at once to one provider")
	fl.BoolVar(&opts.IgnoreMissing, "ignore-missing", false, "count keys not found (404) as success")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the requests that would be sent and send nothing")
	fl.BoolVar(&opts.SkipIDCheck, "skip-id-check", false, "send ids that do not match the provider's documented pattern")
	fl.BoolVar(&opts.Sandbox, "sandbox", false, "revoke against a built-in emulator of every provider: no credentials, no network")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// settings are the resolved run settings.
type settings struct {
	output      string
	baseURL     config.Setting
	cacert      string
	policy      retry.Policy
	timeout     time.Duration
	concurrency int
	perProvider int
}

// resolve applies flag > env > file > default to every setting. A bad value
// is a usage error when it came from a flag, a config error otherwise.
func resolve(opts *RevokeOptions, cfg *config.Config, provider string) (settings, error) {
	fl := opts.cmd.Flags()
	get := func(key, flag string) config.Setting {
		f := fl.Lookup(flag)
		return cfg.Get(key, f, f.DefValue)
	}
	bad := func(s config.Setting, why string) error {
		msg := fmt.Sprintf("%s: invalid value %q: %s", s.Origin, s.Value, why)
		if s.Source == config.SourceFlag {
			return cmdutil.FlagErrorf("%s", msg)
		}
		return &config.Error{Msg: msg}
	}
	duration := func(key, flag string) (time.Duration, error) {
		s := get(key, flag)
		d, err := time.ParseDuration(s.Value)
		if err != nil || d < 0 {
			return 0, bad(s, "expected a duration such as 30s or 2m")
		}
		return d, nil
	}
	integer := func(key, flag string, min int) (int, error) {
		s := get(key, flag)
		n, err := strconv.Atoi(s.Value)
		if err != nil || n < min {
			return 0, bad(s, fmt.Sprintf("expected a whole number >= %d", min))
		}
		return n, nil
	}

	var st settings
	var err error
	st.policy = retry.DefaultPolicy()
	if st.policy.Retries, err = integer("retries", "retries", 0); err != nil {
		return st, err
	}
	if st.policy.MaxWait, err = duration("max_wait", "max-wait"); err != nil {
		return st, err
	}
	if st.timeout, err = duration("timeout", "timeout"); err != nil {
		return st, err
	}
	if st.concurrency, err = integer("concurrency", "concurrency", 1); err != nil {
		return st, err
	}
	if st.perProvider, err = integer("per_provider", "per-provider", 1); err != nil {
		return st, err
	}
	st.cacert = get("cacert", "cacert").Value

	out := get("output", "output")
	switch {
	case out.Value == "" && opts.IO.IsStdoutTTY():
		st.output = output.FormatTable
	case out.Value == "":
		st.output = output.FormatJSON
	case out.Value == output.FormatTable || out.Value == output.FormatJSON:
		st.output = out.Value
	default:
		return st, bad(out, "expected table or json")
	}

	if provider != "" {
		st.baseURL = cfg.Get(config.ProviderKey(provider, "base_url"), fl.Lookup("base-url"), "")
	}
	return st, nil
}

// target resolves where and with what credential a provider is reached.
func target(cfg *config.Config, st settings, p providers.Provider, skipIDCheck bool) (providers.Target, error) {
	info := p.Info()
	base := st.baseURL
	if !base.Set() {
		base = config.Setting{Value: info.DefaultBaseURL, Source: config.SourceDefault, Origin: "default"}
	}
	u, err := httpclient.ParseBaseURL(base.Value)
	if err != nil {
		if base.Source == config.SourceFlag {
			return providers.Target{}, cmdutil.FlagErrorf("--base-url: %v", err)
		}
		return providers.Target{}, &config.Error{Msg: fmt.Sprintf("%s: %v", base.Origin, err)}
	}
	tok := cfg.Token(info.Name)
	if !tok.Set() {
		return providers.Target{}, config.MissingTokenError(info.Name, info.Credential)
	}
	return providers.Target{BaseURL: u, Token: tok.Value, SkipIDCheck: skipIDCheck}, nil
}

// sandboxTarget routes a provider to the in-process emulator.
func sandboxTarget(root string, p providers.Provider, skipIDCheck bool) providers.Target {
	name := p.Info().Name
	u, _ := url.Parse(sandbox.BaseURLs(root)[name])
	return providers.Target{BaseURL: u, Token: sandbox.Token(name), SkipIDCheck: skipIDCheck}
}

func revokeRun(ctx context.Context, opts *RevokeOptions) error {
	p, err := providers.Lookup(opts.Provider)
	if err != nil {
		return err
	}
	// Refuse malformed ids before anything is sent or any credential read.
	probe := providers.Target{BaseURL: mustURL(p.Info().DefaultBaseURL), SkipIDCheck: opts.SkipIDCheck}
	for _, id := range opts.IDs {
		if _, err := p.Request(probe, id); err != nil {
			return err
		}
	}

	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	st, err := resolve(opts, cfg, p.Info().Name)
	if err != nil {
		return err
	}
	var tgt providers.Target
	if opts.Sandbox {
		if st.baseURL.Source == config.SourceFlag {
			return cmdutil.FlagErrorf("--sandbox and --base-url cannot be used together")
		}
		srv, err := sandbox.Start(sandbox.New(sandbox.Options{}), "127.0.0.1:0", false)
		if err != nil {
			return err
		}
		defer srv.Close()
		tgt = sandboxTarget(srv.URL, p, opts.SkipIDCheck)
	} else if tgt, err = target(cfg, st, p, opts.SkipIDCheck); err != nil {
		return err
	}
	if cc, ok := p.(providers.CredentialChecker); ok {
		if w := cc.CheckCredential(tgt.Token); w != "" {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
		}
	}

	secrets := &redact.Secrets{}
	secrets.Add(tgt.Token)
	var debug *httpclient.DebugLog
	if opts.Debug {
		debug = httpclient.NewDebugLog(opts.IO.ErrOut, secrets)
	}
	client, err := httpclient.New(httpclient.Options{
		CACertFile: st.cacert, Debug: debug, MaxConns: st.perProvider, Transport: opts.Transport,
	})
	if err != nil {
		return &config.Error{Msg: err.Error()}
	}

	w, err := output.New(st.output, opts.IO.Out)
	if err != nil {
		return err
	}
	eng := &engine.Engine{
		Client: client, Policy: st.policy, Timeout: st.timeout,
		Concurrency: st.concurrency, PerProvider: st.perProvider,
		DryRun: opts.DryRun, IgnoreMissing: opts.IgnoreMissing,
		Secrets: secrets, Debug: debug, Clock: opts.Clock,
	}
	jobs := func(yield func(engine.Job) bool) {
		for _, id := range opts.IDs {
			if !yield(engine.Job{Provider: p, Target: tgt, ID: id}) {
				return
			}
		}
	}
	return run(ctx, eng, jobs, w, opts.IO)
}

// run drives the engine into the writer and turns the results into the
// run's exit code.
func run(ctx context.Context, eng *engine.Engine, jobs iter.Seq[engine.Job], w output.Writer, io *iostreams.IOStreams) error {
	var code exit.Combine
	var writeErr error
	eng.Run(ctx, jobs, func(batch []engine.Result) {
		for _, r := range batch {
			code.Add(r.ExitCode)
		}
		if writeErr == nil {
			writeErr = w.Write(batch)
		}
	})
	if err := w.Close(); writeErr == nil {
		writeErr = err
	}
	if writeErr != nil {
		fmt.Fprintf(io.ErrOut, "keyctl: writing results: %v\n", writeErr)
		return &cmdutil.ExitError{Code: exit.Unexpected}
	}
	if c := code.Code(); c != exit.OK {
		return &cmdutil.ExitError{Code: c}
	}
	return nil
}

func mustURL(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u
}
