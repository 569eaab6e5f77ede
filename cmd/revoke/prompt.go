package revoke

import (
	"fmt"
	"github.com/keyctl/keyctl/internal/sanitize"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/keyctl/keyctl/internal/keyset"
	"github.com/keyctl/keyctl/providers"
)

// plan is what a batch will do, counted before anything is sent so that
// the confirmation names the target: per provider the keys that will be
// sent and where, and apart from them the lines that cannot be sent and
// the keys --resume skips.
type plan struct {
	entries int               // every key named: one result each
	send    map[string]int    // provider → keys that will be sent
	where   map[string]string // provider → base URL, without user-info or query
	sandbox map[string]bool   // provider → the target is a keyctl sandbox

	malformed  int            // lines that do not parse
	unknown    map[string]int // unknown provider name → lines
	invalid    int            // ids refused before sending
	duplicates int
	resumed    int            // already revoked per the audit log
	noCred     map[string]int // provider → keys without a usable credential
}

func (p *plan) sent() int {
	n := 0
	for _, k := range p.send {
		n += k
	}
	return n
}

// maxLabel bounds a name, host or profile shown in the question.
const maxLabel = 256

// plan reads the whole input once and decides each key as job will,
// without sending. Only for files: standard input cannot be read twice.
func (b *batch) plan() (*plan, error) {
	var from io.ReadCloser
	if b.opts.From != "" && b.opts.From != "-" {
		f, err := os.Open(b.opts.From)
		if err != nil {
			return nil, err
		}
		from = f
		defer f.Close()
	}
	pl := &plan{send: map[string]int{}, where: map[string]string{}, sandbox: map[string]bool{}, unknown: map[string]int{}, noCred: map[string]int{}}
	seen := keyset.New()
	for e := range b.entries(from) {
		pl.entries++
		if e.Err != "" {
			pl.malformed++
			continue
		}
		p, err := providers.Lookup(e.Provider)
		if err != nil {
			pl.unknown[e.Provider]++
			continue
		}
		name := p.Info().Name
		if providers.ValidateID(e.ID) != nil {
			pl.invalid++
			continue
		}
		if !seen.Add(name, e.ID) {
			pl.duplicates++
			continue
		}
		tgt, err := b.targets.get(p)
		if err != nil {
			pl.noCred[name]++
			continue
		}
		if b.resumed != nil && b.resumed.Has(name, tgt.Place(), e.ID) {
			pl.resumed++
			continue
		}
		if _, err := p.Request(tgt, e.ID); err != nil {
			pl.invalid++
			continue
		}
		pl.send[name]++
		if _, ok := pl.where[name]; !ok {
			u := *tgt.BaseURL
			u.User, u.RawQuery, u.Fragment = nil, "", ""
			pl.where[name] = sanitize.Line(u.String(), maxLabel)
			pl.sandbox[name] = tgt.Sandbox
		}
	}
	return pl, nil
}

// question is the confirmation: what will be sent where, under which
// profile, then what will not be sent and why.
func (p *plan) question(profile string) string {
	var b strings.Builder
	n := p.sent()
	names := make([]string, 0, len(p.send))
	anySandbox, allSandbox := false, true
	for name := range p.send {
		names = append(names, name)
		anySandbox = anySandbox || p.sandbox[name]
		allSandbox = allSandbox && p.sandbox[name]
	}
	sort.Strings(names)
	target := ""
	switch {
	case allSandbox:
		target = " in the SANDBOX (an emulator: no real key is touched)"
	case anySandbox:
		target = " (some in the SANDBOX, marked below)"
	}
	fmt.Fprintf(&b, "About to revoke %s%s", plural(n, "key"), target)
	if profile != "" {
		fmt.Fprintf(&b, " with profile %s", sanitize.Line(profile, maxLabel))
	}
	b.WriteString(":\n")
	wName, wCount := 0, 0
	for _, name := range names {
		wName = max(wName, len(name))
		wCount = max(wCount, len(plural(p.send[name], "key")))
	}
	for _, name := range names {
		mark := ""
		if p.sandbox[name] {
			mark = "  SANDBOX"
		}
		fmt.Fprintf(&b, "  %-*s  %-*s  at %s%s\n", wName, name, wCount, plural(p.send[name], "key"), p.where[name], mark)
	}
	if not := p.notSent(); len(not) > 0 {
		b.WriteString("Not sent, each reported in the results:\n")
		for _, line := range not {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	fmt.Fprintf(&b, "Revoke %s?", plural(n, "key"))
	return b.String()
}

// notSent lists what the batch names but will not send.
func (p *plan) notSent() []string {
	var out []string
	if p.resumed > 0 {
		out = append(out, fmt.Sprintf("%d already revoked per the audit log (--resume)", p.resumed))
	}
	if p.malformed > 0 {
		out = append(out, plural(p.malformed, "malformed line"))
	}
	unknown := make([]string, 0, len(p.unknown))
	for name := range p.unknown {
		unknown = append(unknown, name)
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		label := fmt.Sprintf("unknown provider %q", sanitize.Line(name, maxLabel))
		if name == "" {
			label = "no provider named"
		}
		out = append(out, fmt.Sprintf("%s: %s", label, plural(p.unknown[name], "line")))
	}
	if p.invalid > 0 {
		out = append(out, plural(p.invalid, "invalid id"))
	}
	if p.duplicates > 0 {
		out = append(out, plural(p.duplicates, "duplicate"))
	}
	noCred := make([]string, 0, len(p.noCred))
	for name := range p.noCred {
		noCred = append(noCred, name)
	}
	sort.Strings(noCred)
	for _, name := range noCred {
		out = append(out, fmt.Sprintf("%s: no credential for %s", plural(p.noCred[name], "key"), name))
	}
	return out
}
