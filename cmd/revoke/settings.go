package revoke

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/audit"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/httpclient"
	"github.com/keyctl/keyctl/internal/output"
	"github.com/keyctl/keyctl/internal/retry"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/providers"
)

// maxInFlight bounds --concurrency and --per-provider.
const maxInFlight = 1024

// settings are the resolved run settings.
type settings struct {
	output      string
	cacert      string
	auditPath   string // the audit log, read by --resume even when writing is off
	audit       bool   // append results to auditPath
	policy      retry.Policy
	timeout     time.Duration
	concurrency int
	perProvider int
}

// resolve applies flag > env > file > default to every setting. A bad value
// is a usage error when it came from a flag, a config error otherwise.
func resolve(opts *RevokeOptions, cfg *config.Config) (settings, error) {
	fl := opts.cmd.Flags()
	get := func(key, flag string) config.Setting {
		f := fl.Lookup(flag)
		return cfg.Get(key, f, f.DefValue)
	}
	duration := func(key, flag string) (time.Duration, error) {
		s := get(key, flag)
		d, err := time.ParseDuration(s.Value)
		if err != nil || d < 0 {
			return 0, badSetting(s, "expected a duration such as 30s or 2m")
		}
		return d, nil
	}
	integer := func(key, flag string, min int) (int, error) {
		s := get(key, flag)
		n, err := strconv.Atoi(s.Value)
		if err != nil || n < min {
			return 0, badSetting(s, fmt.Sprintf("expected a whole number >= %d", min))
		}
		return n, nil
	}
	// bounded is a limit of requests in flight: far more than any provider
	// accepts at once is a typo, not a plan.
	bounded := func(key, flag string) (int, error) {
		s := get(key, flag)
		n, err := strconv.Atoi(s.Value)
		if err != nil || n < 1 || n > maxInFlight {
			return 0, badSetting(s, fmt.Sprintf("expected a whole number from 1 to %d", maxInFlight))
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
	if st.concurrency, err = bounded("concurrency", "concurrency"); err != nil {
		return st, err
	}
	if st.perProvider, err = bounded("per_provider", "per-provider"); err != nil {
		return st, err
	}
	st.cacert = config.ExpandHome(get("cacert", "cacert").Value)

	out := get("output", "output")
	if st.output, err = output.Choose(out.Value, opts.IO.IsStdoutTTY()); err != nil {
		return st, badSetting(out, "expected table or json")
	}

	noAudit := get("no_audit", "no-audit")
	off, err := strconv.ParseBool(noAudit.Value)
	if err != nil {
		return st, badSetting(noAudit, "expected true or false")
	}
	st.audit = !off && !opts.DryRun
	st.auditPath = config.ExpandHome(get("audit_log", "audit-log").Value)
	if st.auditPath == "" {
		st.auditPath = audit.DefaultPath()
	}
	return st, nil
}

func badSetting(s config.Setting, why string) error {
	msg := fmt.Sprintf("%s: invalid value %q: %s", s.Origin, s.Value, why)
	if s.Source == config.SourceFlag {
		return cmdutil.FlagErrorf("%s", msg)
	}
	return &config.Error{Msg: msg}
}

// targets resolves, once per provider, where and with what credential its
// keys are sent.
type targets struct {
	ctx        context.Context
	stdinToken string // --token-stdin, for the provider argument
	opts       *RevokeOptions
	cfg        *config.Config
	sandbox    string // root URL of the in-process sandbox, "" when not used
	onToken    func(providers.Provider, string)
	flagParams paramValues // --param, by provider
	cache      map[string]targetResult
}

type targetResult struct {
	target providers.Target
	err    error
}

func (t *targets) get(p providers.Provider) (providers.Target, error) {
	name := p.Info().Name
	if r, ok := t.cache[name]; ok {
		return r.target, r.err
	}
	tgt, err := t.resolve(p)
	if t.cache == nil {
		t.cache = map[string]targetResult{}
	}
	t.cache[name] = targetResult{tgt, err}
	if err == nil && t.onToken != nil {
		t.onToken(p, tgt.Token)
	}
	if err == nil && t.opts.Secrets != nil {
		for _, v := range tgt.Extra {
			t.opts.Secrets.Add(v) // scrubbed like the main credential
		}
	}
	return tgt, err
}

// place resolves a provider's target without its credential: for a
// leaked secret that revokes or verifies itself, no credential is needed.
func (t *targets) place(p providers.Provider) (providers.Target, error) {
	key := p.Info().Name + "\x00place"
	if r, ok := t.cache[key]; ok {
		return r.target, r.err
	}
	tgt, err := t.resolveWith(p, false)
	if t.cache == nil {
		t.cache = map[string]targetResult{}
	}
	t.cache[key] = targetResult{tgt, err}
	return tgt, err
}

func (t *targets) resolve(p providers.Provider) (providers.Target, error) {
	return t.resolveWith(p, true)
}

func (t *targets) resolveWith(p providers.Provider, withCredential bool) (providers.Target, error) {
	info := p.Info()
	skip := t.opts.SkipIDCheck
	loader, ownCredential := p.(providers.CredentialLoader)
	if t.sandbox != "" {
		u, _ := url.Parse(sandbox.BaseURLs(t.sandbox)[info.Name])
		params, err := t.params(p)
		tgt := providers.Target{BaseURL: u, Token: sandbox.Token(info.Name), Extra: sandbox.ExtraCredentials(info.Name), SkipIDCheck: skip, Params: params, Sandbox: true}
		if ownCredential {
			tgt.Token, tgt.Credential = "", loader.SandboxCredential().Value
		}
		return tgt, err
	}
	base := t.cfg.Get(config.ProviderKey(info.Name, "base_url"), t.opts.cmd.Flags().Lookup("base-url"), info.DefaultBaseURL)
	if base.Value == "" && info.DefaultBaseURL == "" {
		// A host per account: nothing is sent until the user names theirs.
		return providers.Target{}, &config.Error{Msg: (&providers.MissingBaseURLError{Provider: info.Name, Describe: info.BaseURLDescribe}).Error()}
	}
	u, err := httpclient.ParseBaseURL(base.Value)
	if err != nil {
		if base.Source == config.SourceFlag {
			return providers.Target{}, cmdutil.FlagErrorf("--base-url: %v", err)
		}
		return providers.Target{}, &config.Error{Msg: fmt.Sprintf("%s: %v", base.Origin, err)}
	}
	if ownCredential && withCredential {
		return t.loaded(p, loader, u, skip)
	}
	var token string
	if !withCredential {
		params, err := t.params(p)
		return providers.Target{BaseURL: u, SkipIDCheck: skip, Params: params}, err
	}
	if t.stdinToken != "" && t.opts.Provider != "" && strings.EqualFold(t.opts.Provider, info.Name) {
		token = t.stdinToken
	} else {
		cred, err := t.cfg.Credential(t.ctx, info.Name, info.Credential)
		if err != nil {
			return providers.Target{}, err
		}
		if cred.Warning != "" {
			fmt.Fprintf(t.opts.IO.ErrOut, "warning: %s\n", t.opts.Secrets.Lines(cred.Warning, maxWarning))
		}
		token = cred.Value
	}
	extra, err := t.extraCredentials(p)
	if err != nil {
		return providers.Target{}, err
	}
	// The credentials 'keyctl sandbox' prints mark a rehearsal against a
	// sandbox started on its own: recorded as such, never matched by a real
	// run's --resume.
	rehearsal := token != "" && token == sandbox.Token(info.Name)
	params, err := t.params(p)
	return providers.Target{BaseURL: u, Token: token, Extra: extra, SkipIDCheck: skip, Params: params, Sandbox: rehearsal}, err
}

// extraCredentials resolves a definition's extra credentials (Datadog's
// application key) from the environment and the config, like the main
// one; --token-stdin carries only the main one. A missing one is a
// configuration error naming where to set it: nothing is sent.
func (t *targets) extraCredentials(p providers.Provider) (map[string]string, error) {
	d, ok := p.(*providers.Defined)
	if !ok || len(d.Definition().Credential.Extra) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, x := range d.Definition().Credential.Extra {
		cred, err := t.cfg.ExtraCredential(t.ctx, p.Info().Name, x.Name, x.Describe)
		if err != nil {
			return nil, err
		}
		if cred.Warning != "" {
			fmt.Fprintf(t.opts.IO.ErrOut, "warning: %s\n", t.opts.Secrets.Lines(cred.Warning, maxWarning))
		}
		out[x.Name] = cred.Value
	}
	return out, nil
}

// loaded resolves the target of a provider that finds its own credential
// (AWS's credential chain): no KEYCTL_<NAME>_TOKEN is asked for, and every
// secret part of what it loaded joins the scrubber before anything is sent.
func (t *targets) loaded(p providers.Provider, loader providers.CredentialLoader, u *url.URL, skip bool) (providers.Target, error) {
	cred, err := loader.LoadCredential(t.ctx)
	if err != nil {
		if t.ctx.Err() != nil {
			return providers.Target{}, t.ctx.Err()
		}
		return providers.Target{}, &config.Error{Msg: t.opts.Secrets.String(err.Error())}
	}
	if t.opts.Secrets != nil {
		for _, s := range cred.Secrets {
			t.opts.Secrets.Add(s)
		}
	}
	// The sandbox's public credential marks a rehearsal, as its token does
	// for the other providers.
	rehearsal := cred.Public != "" && cred.Public == loader.SandboxCredential().Public
	params, err := t.params(p)
	return providers.Target{BaseURL: u, Credential: cred.Value, SkipIDCheck: skip, Params: params, Sandbox: rehearsal}, err
}
