// Package revoke is the `keyctl revoke` command: flags, arguments and --from
// input become RevokeOptions and engine jobs; results go to the audit log,
// then to the table or JSON Lines output.
package revoke

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/audit"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/httpclient"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/keyset"
	"github.com/keyctl/keyctl/internal/output"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/internal/retry"
	engine "github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/providers"
)

// Defaults of the settings a flag, KEYCTL_* variable or config key can set.
const (
	defaultTimeout = 30 * time.Second
	// Caps, not targets: within them each provider's pace controller finds
	// how many requests it accepts at once (internal/pace).
	defaultConcurrency = 256
	defaultPerProvider = 64
)

// RevokeOptions is everything a revocation run needs.
type RevokeOptions struct {
	IO        *iostreams.IOStreams
	Secrets   *redact.Secrets // credentials to scrub; shared with the error printer
	Config    func() (*config.Config, error)
	Transport http.RoundTripper
	Clock     engine.Clock
	Debug     bool

	Provider string   // "" when every --from line names its provider
	IDs      []string // ids given as arguments
	From     string   // --from FILE, "-" for standard input

	IgnoreMissing bool
	DryRun        bool
	SkipIDCheck   bool
	Sandbox       bool
	Yes           bool
	NoAudit       bool
	Resume        bool
	TokenStdin    bool
	// Leaked secrets instead of ids: --secret-stdin, --secrets-from, or a
	// scanner report (--from with --format).
	SecretStdin  bool
	SecretsFrom  string
	ReportFormat string
	ReportOut    string
	Verify       bool // --verify: check that each revoked secret is dead
	VerifyWait   time.Duration
	verifyOnly   bool     // keyctl verify
	Params       []string // --param NAME=VALUE (PROVIDER.NAME=VALUE without a provider argument)

	// cmd gives access to the flags, whose values resolve with
	// flag > env > file > default.
	cmd *cobra.Command
}

// NewCmdRevoke builds the command. runF replaces revokeRun in tests of flag
// parsing.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	return newCommand(f, runF, &RevokeOptions{})
}

func newCommand(f *cmdutil.Factory, runF func(context.Context, *RevokeOptions) error, opts *RevokeOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "revoke [<provider>] [<id>...] [--from FILE]",
		Short: "Revoke API keys",
		Long: `Revoke API keys with each provider's own authenticated DELETE request and
report exactly one result per key.

Keys come as arguments (keyctl revoke lava id1 id2) and/or from --from FILE
('-' for standard input). With a provider argument, the file holds one id per
line; without one, each line is "PROVIDER ID", "PROVIDER,ID" or a JSON object
{"provider": ..., "id": ...}, so one batch can span providers. Blank lines and
lines starting with # are skipped.

Leaked secrets come with --secret-stdin or --secrets-from FILE, one per line,
never as arguments. Each is named by its fingerprint (ghp_…k3Xz sha256:1f2e3d4c5b6a),
its provider detected from the documented formats unless given, and revoked
the best way its provider documents: by the secret itself, by the id a lookup
with it returns, or by the id its format carries. --verify then asks the
provider whether it still works: confirmed when it is dead.

The credential comes from --token-stdin, KEYCTL_<PROVIDER>_TOKEN or the config
file (token_command, token_file, token_env or token), never from an argument;
AWS's from the AWS credential chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, SSO).
The exit code tells scripts what happened: see 'keyctl help exit-codes'.`,
		Example: `  keyctl revoke lava sk_123
  keyctl revoke --sandbox lava sk_demo_1
  keyctl revoke langwatch key_1 key_2 -o json | jq -r 'select(.exit_code != 0) | .id'
  scanner --format 'provider,id' | keyctl revoke --from - --yes
  keyctl revoke --from leaked.txt --resume     # after an interruption, send only the rest
  keyctl revoke --secrets-from secrets.txt --verify
  keyctl revoke github --secret-stdin          # paste GitHub tokens, hidden`,
		Args: func(cmd *cobra.Command, args []string) error {
			from, _ := cmd.Flags().GetString("from")
			if opts.SecretStdin || opts.SecretsFrom != "" {
				if len(args) > 1 {
					return cmdutil.FlagErrorf("leaked secrets are never arguments (they would show in the process list and shell history): give only the provider, or none to detect it from each secret")
				}
				return nil
			}
			if len(args) == 0 && from == "" {
				return cmdutil.FlagErrorf("missing provider and key ids; usage: keyctl revoke <provider> <id>... or keyctl revoke --from FILE (known providers: %s)",
					strings.Join(providers.Names(), ", "))
			}
			if len(args) == 1 && from == "" {
				return cmdutil.FlagErrorf("missing key id: usage: keyctl revoke %s <id>... (or --from FILE)", args[0])
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
			opts.IO, opts.Config, opts.Transport, opts.Clock, opts.Debug = f.IO, f.Config, f.Transport, f.Clock, f.Debug
			opts.Secrets = f.Secrets
			if len(args) > 0 {
				opts.Provider, opts.IDs = args[0], args[1:]
			}
			opts.cmd = cmd
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringP("output", "o", "", "output format: table or json (default: table on a terminal, json otherwise)")
	fl.StringVar(&opts.From, "from", "", "read keys from `FILE` ('-' for standard input)")
	fl.String("base-url", "", "override the provider's base URL (self-hosted, proxy, tests)")
	fl.String("cacert", "", "PEM `file` of CA certificates to trust in addition to the system's")
	fl.Int("retries", retry.DefaultPolicy().Retries, "attempts after the first for 429, 5xx and network errors")
	fl.Duration("max-wait", retry.DefaultPolicy().MaxWait, "budget for all waiting between attempts of one key")
	fl.Duration("timeout", defaultTimeout, "time limit of one attempt")
	fl.Int("concurrency", defaultConcurrency, "most requests in flight at once (1 to 1024)")
	fl.Int("per-provider", defaultPerProvider, "most requests in flight at once to one provider (1 to 1024); within it keyctl adapts to what the provider accepts")
	fl.String("audit-log", "", "append every result to this `file` (default $XDG_STATE_HOME/keyctl/audit.jsonl)")
	fl.BoolVar(&opts.NoAudit, "no-audit", false, "do not write the audit log")
	fl.BoolVar(&opts.Resume, "resume", false, "skip keys the audit log shows as revoked or already revoked")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation before a batch")
	fl.StringArrayVar(&opts.Params, "param", nil, "a provider's extra parameter as `NAME=VALUE` (PROVIDER.NAME=VALUE without a provider argument); repeatable")
	fl.BoolVar(&opts.TokenStdin, "token-stdin", false, "read the provider's credential from the first line of standard input (on a terminal: prompted, not echoed)")
	fl.BoolVar(&opts.IgnoreMissing, "ignore-missing", false, "count keys not found (404) as success")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "print the requests that would be sent and send nothing")
	fl.BoolVar(&opts.SecretStdin, "secret-stdin", false, "revoke leaked secrets read from standard input, one per line (on a terminal: prompted, hidden)")
	fl.StringVar(&opts.SecretsFrom, "secrets-from", "", "revoke leaked secrets read from `FILE` ('-' for standard input), one per line, or \"PROVIDER SECRET\"")
	fl.StringVar(&opts.ReportFormat, "format", "", "--from is a secret scanner's report in this `format`: gitleaks, trufflehog, kingfisher, betterleaks or github-secret-scanning (detected when unambiguous)")
	fl.StringVar(&opts.ReportOut, "report-out", "", "write the --from report back to `FILE` with each finding's outcome, secrets replaced by fingerprints")
	fl.BoolVar(&opts.Verify, "verify", false, "after revoking a secret, ask the provider whether it still works; confirmed when it is dead")
	fl.DurationVar(&opts.VerifyWait, "verify-wait", 0, "with --verify, how long to keep checking a secret that still works after its revocation (default: the provider's documented propagation time, else 10s)")
	fl.BoolVar(&opts.SkipIDCheck, "skip-id-check", false, "send ids that do not match the provider's documented pattern")
	fl.BoolVar(&opts.Sandbox, "sandbox", false, "revoke against a built-in emulator of every provider: no credentials, no network")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func revokeRun(ctx context.Context, opts *RevokeOptions) error {
	relaxGC()
	b := &batch{opts: opts, seen: keyset.New()}
	flagParams, err := parseParamFlags(opts.Params, opts.Provider)
	if err != nil {
		return err
	}
	if err := detectReport(opts); err != nil {
		return err
	}
	if err := checkSecretFlags(opts); err != nil {
		return err
	}
	if opts.Provider != "" {
		p, err := providers.Lookup(opts.Provider)
		if err != nil {
			return err
		}
		b.provider = p
		// Refuse malformed ids before anything is sent or any credential read.
		probe := providers.Target{BaseURL: &url.URL{Scheme: "https", Host: "example.invalid"}, SkipIDCheck: opts.SkipIDCheck, Params: flagParams[p.Info().Name]}
		for _, id := range opts.IDs {
			// Parameters set elsewhere than --param are checked with the credential.
			var missing *providers.MissingParamError
			if _, err := p.Request(probe, id); err != nil && !errors.As(err, &missing) && !errors.Is(err, providers.ErrNoCredential) {
				return err
			}
		}
	} else if opts.cmd.Flags().Changed("base-url") {
		return cmdutil.FlagErrorf("--base-url needs a provider argument: a batch spanning providers takes base URLs from KEYCTL_<PROVIDER>_BASE_URL or the config")
	}
	if opts.Sandbox && opts.cmd.Flags().Changed("base-url") {
		return cmdutil.FlagErrorf("--sandbox and --base-url cannot be used together")
	}
	stdinToken, err := readTokenStdin(ctx, opts, b)
	if err != nil {
		return err
	}

	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	st, err := resolve(opts, cfg)
	if err != nil {
		return err
	}

	secrets := opts.Secrets
	if secrets == nil {
		secrets = &redact.Secrets{}
		opts.Secrets = secrets
	}
	b.targets = &targets{ctx: ctx, stdinToken: stdinToken, opts: opts, cfg: cfg, flagParams: flagParams, onToken: func(p providers.Provider, token string) {
		secrets.Add(token)
		if cc, ok := p.(providers.CredentialChecker); ok && !opts.Sandbox {
			if w := cc.CheckCredential(token); w != "" {
				fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", secrets.Lines(w, maxWarning))
			}
		}
	}}
	if opts.Sandbox {
		srv, err := sandbox.Start(sandbox.New(sandbox.Options{}), "127.0.0.1:0", false)
		if err != nil {
			return err
		}
		defer srv.Close()
		b.targets.sandbox = srv.URL
	}
	if b.provider != nil && !opts.secretMode() {
		// With the provider on the command line, a missing credential stops
		// the run before anything is sent.
		if _, err := b.targets.get(b.provider); err != nil {
			return err
		}
	}

	var from io.ReadCloser
	if opts.secretMode() && opts.ReportFormat == "" {
		from, err = openSecrets(ctx, opts)
	} else {
		from, err = openFrom(opts)
	}
	if err != nil {
		return err
	}
	if from != nil {
		defer from.Close()
	}

	if err := loadResume(opts, st, b); err != nil {
		return err
	}
	confirmRun := confirmBatch
	if opts.secretMode() {
		confirmRun = confirmSecrets
	}
	total, err := confirmRun(ctx, opts, b, cfg.Profile().Value)
	if err != nil {
		return err
	}
	auditLog, err := openAudit(opts, st, b)
	if err != nil {
		return err
	}
	if auditLog != nil {
		defer auditLog.Close()
	}

	var debug *httpclient.DebugLog
	if opts.Debug {
		debug = httpclient.NewDebugLog(opts.IO.ErrOut, secrets)
		// net/http's own complaints (a server sending bytes nobody asked
		// for) belong in the trace, scrubbed like the rest of it.
		defer log.SetOutput(log.Writer())
		log.SetOutput(debug.StdLog())
	}
	client, err := httpclient.New(httpclient.Options{
		CACertFile: st.cacert, Debug: debug, MaxConns: st.perProvider, Transport: opts.Transport,
	})
	if err != nil {
		return &config.Error{Msg: err.Error()}
	}
	w, err := output.New(st.output, opts.IO.Out, output.StyleOf(opts.IO))
	if err != nil {
		return err
	}

	eng := &engine.Engine{
		Client: client, Policy: st.policy, Timeout: st.timeout,
		Concurrency: st.concurrency, PerProvider: st.perProvider,
		DryRun: opts.DryRun, IgnoreMissing: opts.IgnoreMissing,
		Secrets: secrets, Debug: debug, Clock: opts.Clock,
	}
	// The run stops on a signal (ctx) or when standard output closes.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var jobs iter.Seq[engine.Job]
	switch {
	case opts.ReportFormat != "":
		jobs = b.secretJobs(b.reportEntries(from))
	case opts.secretMode():
		jobs = b.secretJobs(b.secretEntries(runCtx, from))
	default:
		entries := b.entries(from)
		if opts.From == "-" {
			entries = stdinEntries(runCtx, entries, func(line int) {
				fmt.Fprintf(opts.IO.ErrOut, "keyctl: stopped; standard input was not read past line %d\n", line)
			})
		}
		jobs = b.jobs(entries)
	}
	rep := newReporter(opts.IO, w, auditLog, st.output, total, st, resumeCommand(opts, st.audit), opts.Debug)
	rep.auditPath = st.auditPath
	rep.stop = stopRun
	rep.signals = ctx
	opts.IO.ErrOut = rep.status.guard(opts.IO.ErrOut) // warnings during the run erase the status line first
	eng.WaitingFor = rep.waiting
	rep.status.showPaces(eng.Paces)
	sink := rep.report
	var annotated *annotations
	if opts.ReportOut != "" {
		annotated = &annotations{}
		sink = func(batch []engine.Result) {
			annotated.add(batch)
			rep.report(batch)
		}
	}
	eng.Run(runCtx, rep.status.track(jobs), sink)
	err = rep.finish()
	if annotated != nil {
		if werr := writeAnnotated(opts, annotated); werr != nil {
			fmt.Fprintf(opts.IO.ErrOut, "keyctl: %v; the results above and in the audit log stand\n", werr)
			if err == nil {
				err = &cmdutil.ExitError{Code: exit.Unexpected}
			}
		} else if opts.IO.IsStderrTTY() {
			fmt.Fprintf(opts.IO.ErrOut, "Annotated report written to %s (secrets replaced by fingerprints).\n", opts.ReportOut)
		}
	}
	return err
}

// confirmBatch asks a person at a terminal before a batch of more than one
// key, naming what will be sent where, and returns the number of keys for
// the status line (-1 when unknown). Counting reads a --from file twice,
// so it is only done for a terminal; standard input cannot be read twice.
func confirmBatch(ctx context.Context, opts *RevokeOptions, b *batch, profile string) (int, error) {
	if opts.From == "-" || !(opts.IO.CanPrompt() || opts.IO.IsStderrTTY()) {
		return -1, nil
	}
	pl, err := b.plan()
	if err != nil {
		return 0, cmdutil.FlagErrorf("--from: %v", err)
	}
	if opts.Yes || opts.DryRun || pl.sent() <= 1 || !opts.IO.CanPrompt() {
		return pl.entries, nil
	}
	ok, err := confirm(ctx, opts.IO, pl.question(profile))
	if err != nil || !ok {
		fmt.Fprintln(opts.IO.ErrOut, "Nothing sent.")
		return 0, &cmdutil.ExitError{Code: exit.Interrupted}
	}
	return pl.entries, nil
}

// checkSecretFlags refuses combinations of the secret flags that cannot
// work, before anything is read or sent.
func checkSecretFlags(opts *RevokeOptions) error {
	if !opts.secretMode() {
		if opts.Verify {
			return cmdutil.FlagErrorf("--verify checks leaked secrets: use it with --secret-stdin, --secrets-from or a scanner report (--from REPORT --format …)")
		}
		return nil
	}
	switch {
	case opts.SecretStdin && opts.SecretsFrom != "":
		return cmdutil.FlagErrorf("give --secret-stdin or --secrets-from, not both")
	case opts.SecretStdin && opts.TokenStdin, opts.SecretsFrom == "-" && opts.TokenStdin:
		return cmdutil.FlagErrorf("--token-stdin and the secrets both read standard input; put the credential in KEYCTL_<PROVIDER>_TOKEN or the config")
	case len(opts.IDs) > 0:
		return cmdutil.FlagErrorf("give key ids or leaked secrets, not both")
	case opts.ReportOut != "" && (opts.ReportFormat == "" || opts.From == "-"):
		return cmdutil.FlagErrorf("--report-out writes a scanner report back annotated: it needs the report as a file, --from REPORT (not standard input)")
	case opts.From != "" && opts.ReportFormat == "":
		return cmdutil.FlagErrorf("--from takes key ids; leaked secrets come with --secrets-from (or a scanner report with --from REPORT --format …)")
	}
	if opts.SecretsFrom == "-" {
		opts.SecretStdin, opts.SecretsFrom = true, ""
	}
	return nil
}

// confirmSecrets asks a person at a terminal before revoking leaked
// secrets: their number is not known before they are read.
func confirmSecrets(ctx context.Context, opts *RevokeOptions, b *batch, profile string) (int, error) {
	if opts.Yes || opts.DryRun || opts.verifyOnly || !opts.IO.CanPrompt() || opts.SecretStdin {
		return -1, nil
	}
	src := opts.SecretsFrom
	if opts.ReportFormat != "" {
		src = opts.From
	}
	q := fmt.Sprintf("Revoke every leaked secret in %s, each with its provider's documented request", src)
	if b.provider != nil {
		q = fmt.Sprintf("Revoke every leaked %s secret in %s", b.provider.Info().Title, src)
	}
	if profile != "" {
		q += " (profile " + profile + ")"
	}
	ok, err := confirm(ctx, opts.IO, q+"?")
	if err != nil || !ok {
		fmt.Fprintln(opts.IO.ErrOut, "Nothing sent.")
		return 0, &cmdutil.ExitError{Code: exit.Interrupted}
	}
	return -1, nil
}

// loadResume loads the --resume set from the audit log, before the
// confirmation so that it does not count keys --resume skips.
func loadResume(opts *RevokeOptions, st settings, b *batch) error {
	if !opts.Resume {
		return nil
	}
	var err error
	if b.resumed, err = audit.Revoked(st.auditPath); err != nil {
		return &config.Error{Msg: err.Error()}
	}
	if n := b.resumed.Unreadable; n > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "keyctl: warning: --resume ignored %d unreadable line(s) of the audit log %s (cut short by a crash, or over %d bytes); keys recorded only there are sent again\n",
			n, st.auditPath, audit.MaxLine)
	}
	return nil
}

// openAudit opens the audit log for appending (nil when it is off).
func openAudit(opts *RevokeOptions, st settings, b *batch) (*audit.Log, error) {
	if !st.audit {
		return nil, nil
	}
	log, err := audit.Open(st.auditPath)
	if err != nil {
		return nil, &config.Error{Msg: fmt.Sprintf("%v (use --audit-log PATH or --no-audit)", err)}
	}
	return log, nil
}

// confirm asks a yes/no question on the terminal. Ctrl-C while it waits is
// a no.
func confirm(ctx context.Context, io *iostreams.IOStreams, question string) (bool, error) {
	// The question is keyctl's own layout; the parts that come from input
	// or config (provider names, hosts, the profile) were sanitized where
	// the plan put them in.
	fmt.Fprintf(io.ErrOut, "%s [y/N] ", question)
	type reply struct {
		text string
		err  error
	}
	replies := make(chan reply, 1)
	go func() {
		text, err := bufio.NewReader(io.In).ReadString('\n')
		replies <- reply{text, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(io.ErrOut)
		return false, ctx.Err()
	case r := <-replies:
		if r.err != nil && r.text == "" {
			return false, r.err
		}
		answer := strings.ToLower(strings.TrimSpace(r.text))
		return answer == "y" || answer == "yes", nil
	}
}
