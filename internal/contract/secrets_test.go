package contract

import (
	"fmt"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// fakeSecrets are one fake secret per documented format of a definition:
// the secret of a seeded sandbox key of that format where the definition
// gives one, else one generated from the format's pattern. Every one is
// registered with hide, so that nothing the tests print shows it.
func fakeSecrets(d *providers.Definition) ([]string, error) {
	var out []string
	var seeded []string
	if d.Sandbox != nil {
		for _, k := range d.Sandbox.Keys {
			if k.Secret != "" {
				seeded = append(seeded, k.Secret)
			}
		}
	}
	var formats []providers.SecretFormat
	if d.Secret != nil {
		formats = d.Secret.Formats
	}
	for _, f := range formats {
		re, err := regexp.Compile(f.Pattern)
		if err != nil {
			return nil, fmt.Errorf("%s: format %q: %v", d.Name, f.Name, err)
		}
		s := ""
		for _, k := range seeded {
			if re.MatchString(k) && !slices.Contains(out, k) {
				s = k
				break
			}
		}
		if s == "" {
			if s, err = secretOfPattern(f.Pattern); err != nil {
				return nil, fmt.Errorf("%s: format %q: %v", d.Name, f.Name, err)
			}
		}
		// A loose format (JFrog's access token: any word) also matches
		// the secret of a stricter one; keyctl handles a repeated secret
		// once, so each secret is sent once.
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 { // no documented format: any secret will do
		out = append(out, seeded...)
		if len(out) == 0 {
			out = []string{"keyctl-contract-fake-secret-Q7mZ2xK9"}
		}
	}
	hiding.add(out...)
	return out, nil
}

// secretOfPattern generates a string the pattern matches: each character
// class gives its next letter or digit in turn, an open repetition 24 of
// them (long enough that a fingerprint shows its last four).
func secretOfPattern(pattern string) (string, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", err
	}
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	turn := 0
	pick := func(ranges []rune) rune {
		var in []rune
		for _, c := range alphabet {
			for i := 0; i+1 < len(ranges); i += 2 {
				if c >= ranges[i] && c <= ranges[i+1] {
					in = append(in, c)
					break
				}
			}
		}
		turn++
		if len(in) == 0 {
			return ranges[0]
		}
		return in[turn%len(in)]
	}
	var walk func(r *syntax.Regexp) error
	repeat := func(r *syntax.Regexp, n int) error {
		for range n {
			if err := walk(r.Sub[0]); err != nil {
				return err
			}
		}
		return nil
	}
	walk = func(r *syntax.Regexp) error {
		switch r.Op {
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			b.WriteRune(pick(r.Rune))
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteRune(pick([]rune{'0', 'z'}))
		case syntax.OpCapture, syntax.OpQuest:
			return walk(r.Sub[0])
		case syntax.OpConcat:
			for _, s := range r.Sub {
				if err := walk(s); err != nil {
					return err
				}
			}
		case syntax.OpAlternate:
			return walk(r.Sub[0])
		case syntax.OpStar, syntax.OpPlus:
			return repeat(r, 24)
		case syntax.OpRepeat:
			n := r.Min
			if r.Max < 0 && n < 24 {
				n = 24
			}
			return repeat(r, n)
		case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		default:
			return fmt.Errorf("cannot generate a secret for %s: give a sandbox key a secret of this format", r)
		}
		return nil
	}
	if err := walk(re); err != nil {
		return "", err
	}
	s := b.String()
	if !regexp.MustCompile(pattern).MatchString(s) {
		return "", fmt.Errorf("generated a secret the pattern does not match: give a sandbox key a secret of this format")
	}
	return s, nil
}

// hiding holds every fake secret the tests send: violations and Prism's
// logs go through hide before they are printed, as keyctl's own output
// must never need to.
var hiding secretList

type secretList struct {
	mu   sync.Mutex
	list []string
}

func (l *secretList) add(secrets ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, secrets...)
}

// hide replaces every fake secret in s, as sent or escaped for a URL, with
// <secret>.
func hide(s string) string {
	hiding.mu.Lock()
	defer hiding.mu.Unlock()
	for _, secret := range hiding.list {
		for _, form := range []string{secret, url.PathEscape(secret), url.QueryEscape(secret)} {
			s = strings.ReplaceAll(s, form, "<secret>")
		}
	}
	return s
}

// leaked says which of the secrets a text shows, by fingerprint: the whole
// secret, or what follows its documented public prefix when that is long
// enough to be telling.
func leaked(text string, d *providers.Definition, secrets []string) []string {
	var out []string
	for _, s := range secrets {
		prefix := publicPrefix(d, s)
		rest := strings.TrimPrefix(s, prefix)
		if strings.Contains(text, s) || (len(rest) >= 8 && strings.Contains(text, rest)) {
			out = append(out, providers.Fingerprint(prefix, s))
		}
	}
	return out
}

// publicPrefix is the documented prefix of the format a secret has.
func publicPrefix(d *providers.Definition, secret string) string {
	if d.Secret == nil {
		return ""
	}
	for _, f := range d.Secret.Formats {
		if regexp.MustCompile(f.Pattern).MatchString(secret) {
			return f.Prefix
		}
	}
	return ""
}

// expected is what keyctl must make of the answer Prism sent for a
// status: where the definition tells answers apart by their body, the
// first case the body matches, else the answer's own outcome.
func (c statusCase) expected(body []byte) (outcome string, code int) {
	if len(c.answer.Cases) == 0 || !gjson.ValidBytes(body) || !gjson.ParseBytes(body).IsObject() {
		return c.outcome, c.code
	}
	for _, k := range c.answer.Cases {
		if !bodyMatches(body, k.Match) {
			continue
		}
		outcome = k.Outcome
		if outcome == "" {
			outcome = "failed"
		}
		if code, ok := exitNamed(k.Exit); ok {
			return outcome, int(code)
		}
		switch outcome {
		case "already_revoked", "dead", "found", "live":
			return outcome, 0
		case "not_found":
			return outcome, int(exit.NotFound)
		}
		return outcome, int(providers.FromStatus(c.status, nil, "").Code) // a 2xx: unexpected
	}
	return c.outcome, c.code
}

// bodyMatches reads a case's match as docs/definitions.md defines it: any
// of the paths holds the text, ignoring case.
func bodyMatches(body []byte, m providers.Match) bool {
	for _, p := range m.Paths {
		if strings.Contains(strings.ToLower(gjson.GetBytes(body, p).String()), strings.ToLower(m.Contains)) {
			return true
		}
	}
	return false
}

// TestFakeSecretsMatchTheirFormats: every definition with secret
// operations gets a fake secret for each of its formats.
func TestFakeSecretsMatchTheirFormats(t *testing.T) {
	for _, p := range providers.All() {
		dp, ok := p.(*providers.Defined)
		if !ok || dp.Definition().Secret == nil {
			continue
		}
		d := dp.Definition()
		secrets, err := fakeSecrets(d)
		if err != nil {
			t.Error(err)
			continue
		}
		if len(secrets) != len(d.Secret.Formats) {
			t.Errorf("%s: %d secrets for %d formats", d.Name, len(secrets), len(d.Secret.Formats))
		}
		for i, f := range d.Secret.Formats {
			if !regexp.MustCompile(f.Pattern).MatchString(secrets[i]) {
				t.Errorf("%s: the fake secret for %q does not match %s", d.Name, f.Name, f.Pattern)
			}
		}
	}
	for _, c := range []struct{ pattern, want string }{
		{`^glpat-\S+$`, "glpat-"},
		{`^sk-ant-admin01-[A-Za-z0-9_-]{93}AA$`, "sk-ant-admin01-"},
		{`^(ghp|gho)_[A-Za-z0-9]{36}$`, "gh"},
		{`^xox[bp]-[0-9]+-[0-9]+-[0-9a-zA-Z]{24,34}$`, "xox"},
	} {
		s, err := secretOfPattern(c.pattern)
		if err != nil || !strings.HasPrefix(s, c.want) || !regexp.MustCompile(c.pattern).MatchString(s) {
			t.Errorf("secretOfPattern(%s) = %q, %v", c.pattern, s, err)
		}
	}
}

// TestLeakedAndHide: the leak check finds a secret whole or without its
// public prefix, and hide takes it out of text the tests print, escaped
// for a URL too.
func TestLeakedAndHide(t *testing.T) {
	d := &providers.Definition{Secret: &providers.SecretDef{Formats: []providers.SecretFormat{{Pattern: `^glpat-\S+$`, Prefix: "glpat-"}}}}
	secret := "glpat-Leak+Test/0123456789"
	for text, want := range map[string]bool{
		"revoked " + secret:                true,
		"token Leak+Test/0123456789 found": true,
		"glpat-…6789 sha256:1f2e3d4c5b6a":  false,
		"revoked (204 No Content)":         false,
	} {
		if got := len(leaked(text, d, []string{secret})) > 0; got != want {
			t.Errorf("leaked(%q) = %v, want %v", text, got, want)
		}
	}
	hiding.add(secret)
	if got := hide("GET /tokens/" + url.PathEscape(secret) + "?t=" + url.QueryEscape(secret) + " " + secret); strings.Contains(got, "Leak") {
		t.Errorf("hide left the secret in %q", got)
	}
}
