package revoke

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/input"
	engine "github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

// secretEntry is one leaked secret to act on, from --secret-stdin,
// --secrets-from or a scanner report.
type secretEntry struct {
	input.Secret
	Location *engine.Location // where a scanner found it
	Index    int              // its position in the scanner report
}

// secretMode reports whether the run takes leaked secrets rather than ids.
func (o *RevokeOptions) secretMode() bool {
	return o.SecretStdin || o.SecretsFrom != "" || o.ReportFormat != ""
}

// secretJobs decides each secret: its provider, its fingerprint, the flow
// of requests that revokes (or verifies) it.
// Secrets of a provider that revokes many per request (GitHub takes up to
// 1,000) are sent as batches, filled in input order and flushed at the end.
func (b *batch) secretJobs(entries iter.Seq[secretEntry]) iter.Seq[engine.Job] {
	return func(yield func(engine.Job) bool) {
		pending := map[string][]engine.Job{}
		var order []string
		flush := func(key string) bool {
			group := pending[key]
			delete(pending, key)
			for _, j := range b.groupJobs(group) {
				if !yield(j) {
					return false
				}
			}
			return true
		}
		for e := range entries {
			j := b.secretJob(e)
			size := b.batchSize(j)
			if size <= 1 {
				if !yield(j) {
					return
				}
				continue
			}
			key := j.Provider.Info().Name + "\x00" + j.Target.Place().Key()
			if _, ok := pending[key]; !ok {
				order = append(order, key)
			}
			pending[key] = append(pending[key], j)
			if len(pending[key]) >= size && !flush(key) {
				return
			}
		}
		for _, key := range order {
			if !flush(key) {
				return
			}
		}
	}
}

// batchSize is how many secrets j may share a request with: 1 unless its
// provider revokes by secret in batches and nothing per secret follows
// (a verification).
func (b *batch) batchSize(j engine.Job) int {
	if j.Reject != nil || j.Flow == nil || j.Flow.Method() != providers.OpRevokeBySecret || b.opts.verifyOnly {
		return 1
	}
	plan := j.Provider.(providers.SecretHandler).SecretPlan()
	if b.opts.Verify && plan.Verify {
		return 1
	}
	return plan.Batch
}

// groupJobs makes one batch job of jobs with one provider and target.
func (b *batch) groupJobs(group []engine.Job) []engine.Job {
	if len(group) <= 1 {
		return group
	}
	first := group[0]
	var unverified string
	if b.opts.Verify {
		unverified = first.Provider.Info().Title + " documents no request that tells whether this secret still works"
	}
	secrets := make([]string, len(group))
	for i, m := range group {
		secrets[i] = m.Secret
	}
	call, err := providers.BatchCall(first.Provider.(providers.SecretHandler), first.Target, secrets)
	if err != nil { // a parameter missing, say: each secret says so
		for i := range group {
			group[i].Flow = nil
			group[i].Reject = &engine.Rejection{State: providers.Failed, Code: exit.Usage, Message: err.Error() + "; nothing sent"}
		}
		return group
	}
	return []engine.Job{{Provider: first.Provider, Target: first.Target, ID: fmt.Sprintf("%d secrets", len(group)), Group: group, Call: call, Unverified: unverified}}
}

func (b *batch) secretJob(e secretEntry) engine.Job {
	j := engine.Job{Line: e.Line, Location: e.Location, Finding: e.Index, ID: "-"}
	where := ""
	switch {
	case e.Location != nil && e.Location.File != "" && e.Location.Line > 0:
		where = fmt.Sprintf("%s:%d: ", e.Location.File, e.Location.Line)
	case e.Line > 0:
		where = fmt.Sprintf("line %d: ", e.Line)
	}
	reject := func(provider string, state providers.State, code exit.Code, msg string) engine.Job {
		if !strings.HasPrefix(msg, "line ") {
			msg = where + msg
		}
		j.Reject = &engine.Rejection{ProviderName: provider, State: state, Code: code, Message: msg}
		return j
	}
	if e.Err != "" {
		return reject(e.Provider, providers.Failed, exit.Usage, e.Err+"; nothing sent")
	}
	var (
		p      providers.Provider
		prefix string
	)
	if e.Provider != "" {
		var err error
		if p, err = providers.Lookup(e.Provider); err != nil {
			return reject("", providers.Failed, exit.Usage, err.Error()+"; nothing sent")
		}
		if m, ok := p.(providers.SecretMatcher); ok {
			if f, ok := m.MatchSecret(e.Secret.Secret); ok {
				prefix = f.Prefix
			}
		}
	} else {
		cands := providers.Candidates(e.Secret.Secret)
		switch {
		case len(cands) == 0:
			j.ID = providers.Fingerprint("", e.Secret.Secret)
			return reject("", providers.Failed, exit.Usage, "no provider's documented secret format matches this secret; if you know whose it is, name the provider: keyctl revoke PROVIDER --secrets-from FILE (keyctl providers lists them); nothing sent")
		case len(cands) > 1 && len(cands[0].Format.Prefix) == len(cands[1].Format.Prefix):
			var names []string
			for _, c := range cands {
				if len(c.Format.Prefix) == len(cands[0].Format.Prefix) {
					names = append(names, c.Provider.Info().Name)
				}
			}
			sort.Strings(names)
			j.ID = providers.Fingerprint("", e.Secret.Secret)
			return reject("", providers.Failed, exit.Usage, fmt.Sprintf("this secret could be %s's; name the provider: keyctl revoke %s --secrets-from FILE (or \"PROVIDER SECRET\" on its line); nothing sent",
				strings.Join(names, "'s or "), names[0]))
		}
		p, prefix = cands[0].Provider, cands[0].Format.Prefix
	}
	name := p.Info().Name
	j.ID = providers.Fingerprint(prefix, e.Secret.Secret)
	maker, custom := p.(providers.FlowMaker)
	if custom {
		j.ID = maker.SecretFingerprint(e.Secret.Secret)
	}
	h, ok := p.(providers.SecretHandler)
	if !ok || len(h.SecretFormats()) == 0 {
		return reject(name, providers.Failed, exit.Manual, fmt.Sprintf("keyctl knows no %s request that takes a leaked secret; find the key's id in %s's dashboard, then run: keyctl revoke %s <id>; nothing sent",
			p.Info().Title, p.Info().Title, name))
	}
	j.Provider = p
	if !b.seen.Add(name, j.ID) {
		return reject(name, providers.Duplicate, exit.OK, "duplicate of an earlier secret; handled once")
	}
	plan := h.SecretPlan()
	needCredential := plan.NeedsCredential()
	if b.opts.verifyOnly {
		needCredential = plan.VerifyAuth == "credential"
	}
	fo := providers.FlowOptions{Revoke: !b.opts.verifyOnly, Verify: b.opts.Verify || b.opts.verifyOnly, VerifyWait: b.opts.VerifyWait}
	optional := false
	if custom {
		need := maker.SecretCredential(e.Secret.Secret, fo)
		needCredential, optional = need == providers.CredentialRequired, need == providers.CredentialOptional
	}
	var (
		tgt providers.Target
		err error
	)
	if needCredential {
		tgt, err = b.targets.get(p)
	} else if optional {
		// A fallback may use the credential: without one, the flow says
		// what to configure if it comes to that.
		if tgt, err = b.targets.get(p); err != nil {
			tgt, err = b.targets.place(p)
		}
	} else {
		tgt, err = b.targets.place(p)
	}
	if err != nil {
		return reject(name, providers.Failed, cmdutil.ExitCode(err), err.Error())
	}
	if b.resumed != nil && !b.opts.verifyOnly && b.resumed.Has(name, tgt.Place(), j.ID) {
		return reject(name, providers.Skipped, exit.OK, "already revoked at this base URL according to the audit log (--resume); not sent")
	}
	if b.opts.Debug && b.opts.Secrets != nil {
		b.opts.Secrets.Add(e.Secret.Secret) // the --debug trace shows requests that carry it
	}
	j.Target = tgt
	if pub, ok := p.(interface{ PublicSecret(string) bool }); !ok || !pub.PublicSecret(e.Secret.Secret) {
		j.Secret = e.Secret.Secret // masked in everything the job reports
	}
	if custom {
		j.Flow = maker.SecretFlow(tgt, e.Secret.Secret, fo)
	} else {
		j.Flow = providers.SecretFlow(h, tgt, e.Secret.Secret, fo)
	}
	return j
}

// secretEntries yields the secrets of --secret-stdin or --secrets-from.
func (b *batch) secretEntries(ctx context.Context, from io.Reader) iter.Seq[secretEntry] {
	name := ""
	if b.provider != nil {
		name = b.provider.Info().Name
	}
	known := func(n string) bool { _, err := providers.Lookup(n); return err == nil }
	return func(yield func(secretEntry) bool) {
		for s := range input.Secrets(from, name, known) {
			if !yield(secretEntry{Secret: s}) {
				return
			}
		}
	}
}

// openSecrets opens where the secrets come from: a file, standard input,
// or on a terminal a hidden prompt for each.
func openSecrets(ctx context.Context, opts *RevokeOptions) (io.ReadCloser, error) {
	switch {
	case opts.SecretsFrom != "" && opts.SecretsFrom != "-":
		f, err := os.Open(opts.SecretsFrom)
		if err != nil {
			return nil, cmdutil.FlagErrorf("--secrets-from: %v", err)
		}
		return f, nil
	case opts.SecretStdin && opts.IO.IsStdinTTY():
		f, ok := opts.IO.In.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			break
		}
		return promptSecrets(ctx, opts, int(f.Fd()))
	}
	return io.NopCloser(opts.IO.In), nil
}

// promptSecrets asks a person at a terminal for the secrets, one hidden
// line each, until an empty line.
func promptSecrets(ctx context.Context, opts *RevokeOptions, fd int) (io.ReadCloser, error) {
	what := "leaked secret"
	if opts.Provider != "" {
		what = "leaked " + opts.Provider + " secret"
	}
	fmt.Fprintf(opts.IO.ErrOut, "Paste each %s and press Enter (input hidden); an empty line ends the list.\n", what)
	var b strings.Builder
	for n := 1; ; n++ {
		line, err := readHidden(ctx, fd, opts.IO.ErrOut, fmt.Sprintf("secret %d: ", n))
		if ctx.Err() != nil {
			return nil, &cmdutil.ExitError{Code: exit.Interrupted}
		}
		line = strings.TrimSpace(line)
		if line == "" || err != nil {
			break
		}
		b.WriteString(line + "\n")
	}
	if b.Len() == 0 {
		return nil, cmdutil.FlagErrorf("--secret-stdin: no secret given; nothing sent")
	}
	return io.NopCloser(strings.NewReader(b.String())), nil
}
