package revoke

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fatih/color"
	"github.com/spf13/pflag"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/output"
	engine "github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

// recap gathers the keys that did not end well, so that the end of a run
// at a terminal says which failed, why, and what to do next, however far
// up the table they scrolled.
type recap struct {
	groups map[exit.Code]*failGroup
}

type failGroup struct {
	code    exit.Code
	keys    []engine.Result // the first recapShown of them
	count   int
	sendAll bool // every key of the group can be sent again by --resume
}

// recapShown is how many keys of one reason the recap lists; a million
// failures would bury the advice.
const recapShown = 20

func (r *recap) add(res engine.Result) {
	if res.OK() {
		return
	}
	if r.groups == nil {
		r.groups = map[exit.Code]*failGroup{}
	}
	g, ok := r.groups[res.ExitCode]
	if !ok {
		g = &failGroup{code: res.ExitCode}
		r.groups[res.ExitCode] = g
	}
	g.count++
	if len(g.keys) < recapShown {
		g.keys = append(g.keys, res)
	}
}

func (r *recap) empty() bool { return len(r.groups) == 0 }

// resendable reports whether some failed key is worth sending again.
func (r *recap) resendable() bool {
	for code := range r.groups {
		if nextStep(code).resume {
			return true
		}
	}
	return false
}

// interrupted reports whether keys were left because the run was
// interrupted.
func (r *recap) interrupted() bool {
	_, ok := r.groups[exit.Interrupted]
	return ok
}

// step is what to do about one reason.
type step struct {
	reason string
	advice string
	resume bool // re-running with --resume can finish these keys
}

// nextStep is the advice per exit code.
func nextStep(code exit.Code) step {
	switch code {
	case exit.Interrupted:
		return step{"not sent (interrupted)", "re-run with --resume to send them", true}
	case exit.Config:
		return step{"no usable credential", "set KEYCTL_<PROVIDER>_TOKEN or the config ('keyctl providers' shows where each credential comes from), then re-run with --resume", true}
	case exit.Auth:
		return step{"credential rejected (401)", "fix the credential ('keyctl providers' shows where it comes from), then re-run with --resume", true}
	case exit.Permission:
		return step{"permission denied (403)", "use a credential allowed to revoke these keys (for LangWatch an admin key of the owner), then re-run with --resume", true}
	case exit.NotFound:
		return step{"not found (404)", "check the ids and the provider; a key already deleted needs nothing (--ignore-missing accepts it)", false}
	case exit.Conflict:
		return step{"refused in the key's current state", "create a replacement key first (Lava keeps its last key), then re-run with --resume", true}
	case exit.Usage:
		return step{"malformed input line or id, not sent", "fix these lines or ids", false}
	case exit.Invalid:
		return step{"rejected as invalid by the provider (422 or other 4xx)", "check the ids against the provider's format; the message says what it refused", false}
	case exit.RateLimited:
		return step{"still rate limited (429)", "wait for the rate limit to pass (the time is in the message), then re-run with --resume, or allow longer waits with --max-wait", true}
	case exit.Server:
		return step{"provider server error (5xx)", "re-run with --resume in a while; the provider's status page may say more", true}
	case exit.Network:
		return step{"network error", "check the connection, proxy and --cacert, then re-run with --resume", true}
	}
	return step{"unexpected answer", "read the message; re-run with --resume once it is dealt with", true}
}

// write prints the recap: per reason, the keys and the next step, then the
// command that finishes the run.
func (r *recap) write(w io.Writer, style output.Style, resume string) {
	codes := make([]exit.Code, 0, len(r.groups))
	for c := range r.groups {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i] < codes[j] })
	head := color.New(color.FgRed, color.Bold)
	if !style.Color {
		head.DisableColor()
	} else {
		head.EnableColor()
	}
	total := 0
	for _, g := range r.groups {
		total += g.count
	}
	fmt.Fprintf(w, "\n%s\n", head.Sprintf("%s not done:", plural(total, "key")))
	for _, c := range codes {
		g := r.groups[c]
		st := nextStep(c)
		fmt.Fprintf(w, "\n  %s (exit %d), %s:\n", st.reason, int(c), plural(g.count, "key"))
		for _, k := range g.keys {
			line := fmt.Sprintf("    %s %s", k.Provider, k.ID)
			if k.Outcome != providers.Skipped {
				line += ": " + k.Message
			}
			output.WriteWrapped(w, line, style.Width, "      ")
		}
		if more := g.count - len(g.keys); more > 0 {
			fmt.Fprintf(w, "    … and %d more (-o json or the audit log lists every one)\n", more)
		}
		output.WriteWrapped(w, "  → "+st.advice, style.Width, "    ")
	}
	if resume != "" && r.resendable() {
		// On a line of its own, never wrapped: it is there to be copied.
		fmt.Fprintf(w, "\nTo finish, run:\n%s\n", resume)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// resumeCommand is the command that finishes an interrupted or partial
// run: the same keys and flags plus --resume. It holds no credential: no
// flag carries one, and a base URL loses any user-info and query.
func resumeCommand(opts *RevokeOptions, auditOn bool) string {
	if opts.cmd == nil || opts.DryRun {
		return ""
	}
	if !auditOn && !opts.Resume {
		return "" // --resume would find no record of what was revoked
	}
	args := []string{opts.cmd.CommandPath()}
	if opts.Provider != "" {
		args = append(args, opts.Provider)
		args = append(args, opts.IDs...)
	}
	opts.cmd.Flags().Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "resume", "help":
			return
		case "base-url":
			args = append(args, "--base-url", cleanURL(f.Value.String()))
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok { // --param, once per value
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+f.Name, v)
			}
			return
		}
		if f.Value.Type() == "bool" {
			if f.Value.String() == "true" {
				args = append(args, "--"+f.Name)
			}
			return
		}
		args = append(args, "--"+f.Name, f.Value.String())
	})
	args = append(args, "--resume")
	for i, a := range args[1:] {
		args[i+1] = shellQuote(a)
	}
	cmd := strings.Join(args, " ")
	if opts.From == "-" {
		cmd = "(the same input) | " + cmd
	}
	return cmd
}

// cleanURL drops what could be a secret from a URL: user-info and query.
func cleanURL(s string) string {
	if i := strings.Index(s, "?"); i >= 0 {
		s = s[:i]
	}
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		if at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@"); at >= 0 {
			s = scheme + "://" + rest[at+1:]
		}
	}
	return s
}

// shellQuote quotes a word for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
