package providers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// The operations a definition may offer on a leaked secret.
const (
	OpRevoke         = "revoke" // by id, with the configured credential
	OpRevokeBySecret = "revoke_by_secret"
	OpLookup         = "lookup"
	OpVerify         = "verify"
)

// SecretHandler is a provider that can act on a leaked secret: recognise it,
// revoke it with itself, look its id up, or ask whether it still works.
type SecretHandler interface {
	Provider
	// SecretFormats are the documented shapes of the provider's secrets.
	SecretFormats() []SecretFormat
	// SecretPlan says which operations the provider offers for a secret.
	SecretPlan() SecretPlan
	// SecretRequest builds an operation's request for a secret; for
	// OpRevoke, id is the key id found or derived from it.
	SecretRequest(op string, t Target, secret, id string) (*Request, error)
	// SecretClassify reads an operation's answer.
	SecretClassify(op string, status int, header http.Header, body []byte) Outcome
	// DeriveID reads the key id out of the secret, where its documented
	// format carries it.
	DeriveID(secret string) (id string, ok bool)
}

// SecretPlan is what a provider offers for a leaked secret.
type SecretPlan struct {
	// BySecret: the secret revokes itself (or is revoked by value); Auth
	// says what authenticates that request: secret, credential or none.
	BySecret     bool
	BySecretAuth string
	// Batch is how many secrets one by-secret request may carry (0 or 1:
	// one each).
	Batch int
	// Lookup: a request made with the secret finds its id, then the id is
	// revoked with the configured credential.
	Lookup     bool
	LookupAuth string
	// Derive: the id is read out of the secret, then revoked by id.
	Derive bool
	// Verify: a request made with the secret tells whether it still works.
	Verify     bool
	VerifyAuth string
	// Propagation is how long a revocation may take to be seen.
	Propagation time.Duration
	// Manual is the next step when nothing above applies.
	Manual string
}

// NeedsCredential reports whether revoking a secret by this plan needs the
// configured credential.
func (p SecretPlan) NeedsCredential() bool {
	switch {
	case p.BySecret:
		return p.BySecretAuth == "credential"
	case p.Lookup, p.Derive:
		return true
	}
	return false
}

type compiledFormat struct {
	SecretFormat
	re       *regexp.Regexp
	anywhere *regexp.Regexp // the pattern without its anchors
}

// MaskSecrets replaces anything shaped like one of the provider's secrets
// with <secret>: a server echoing a secret cannot make keyctl print it.
func (p *Defined) MaskSecrets(text string) string {
	for _, f := range p.formats {
		if f.anywhere != nil && !f.Loose && (f.Prefix == "" || strings.Contains(text, f.Prefix)) {
			text = f.anywhere.ReplaceAllString(text, "<secret>")
		}
	}
	return text
}

var _ SecretHandler = (*Defined)(nil)

// SecretFormats are the documented shapes of the provider's secrets.
func (p *Defined) SecretFormats() []SecretFormat {
	out := make([]SecretFormat, len(p.formats))
	for i, f := range p.formats {
		out[i] = f.SecretFormat
	}
	return out
}

// MatchSecret reports the format a secret has, if any: a documented one
// before a loose one.
func (p *Defined) MatchSecret(secret string) (SecretFormat, bool) {
	for _, loose := range []bool{false, true} {
		for _, f := range p.formats {
			if f.Loose == loose && f.re.MatchString(secret) {
				return f.SecretFormat, true
			}
		}
	}
	return SecretFormat{}, false
}

// SecretPlan says which operations the definition offers.
func (p *Defined) SecretPlan() SecretPlan {
	var sp SecretPlan
	if op := p.ops[OpRevokeBySecret]; op != nil {
		sp.BySecret, sp.BySecretAuth = true, op.auth
		sp.Batch = p.def.RevokeBySecret.Batch
	}
	if op := p.ops[OpLookup]; op != nil {
		sp.Lookup, sp.LookupAuth = true, op.auth
	}
	sp.Derive = p.deriveRe != nil
	if op := p.ops[OpVerify]; op != nil {
		sp.Verify, sp.VerifyAuth, sp.Propagation = true, op.auth, op.propagation
	}
	if p.def.Secret != nil {
		sp.Manual = p.def.Secret.Manual
	}
	if sp.Manual == "" {
		sp.Manual = fmt.Sprintf("find the key's id in %s's dashboard, then run: keyctl revoke %s <id>", p.info.Title, p.info.Name)
	}
	return sp
}

// SecretRequest builds one operation's request for a secret.
func (p *Defined) SecretRequest(op string, t Target, secret, id string) (*Request, error) {
	if op == OpRevoke {
		return p.Request(t, id)
	}
	o := p.ops[op]
	if o == nil {
		return nil, fmt.Errorf("%s has no %s request", p.info.Title, strings.ReplaceAll(op, "_", " "))
	}
	if secret == "" {
		return nil, fmt.Errorf("empty secret")
	}
	return p.build(o, t, vars{secret: secret})
}

// BatchRequest builds one revoke_by_secret request carrying many secrets.
func (p *Defined) BatchRequest(t Target, secrets []string) (*Request, error) {
	o := p.ops[OpRevokeBySecret]
	if o == nil || len(secrets) == 0 {
		return nil, fmt.Errorf("%s has no batch revocation", p.info.Title)
	}
	return p.build(o, t, vars{secret: secrets[0], batch: secrets})
}

// SecretClassify reads the answer to one operation.
func (p *Defined) SecretClassify(op string, status int, header http.Header, body []byte) Outcome {
	if op == OpRevoke {
		return p.Classify(status, header, body)
	}
	return p.classify(p.ops[op], "", status, header, body)
}

// DeriveID reads the key id out of a secret whose format carries it.
func (p *Defined) DeriveID(secret string) (string, bool) {
	if p.deriveRe == nil {
		return "", false
	}
	m := p.deriveRe.FindStringSubmatch(secret)
	if len(m) < 2 || m[1] == "" || ValidateID(m[1]) != nil {
		return "", false
	}
	return m[1], true
}

// Fingerprint names a secret without showing it: the documented public
// prefix, the last four characters of a long secret, and the start of its
// SHA-256, e.g. "ghp_…k3Xz sha256:1f2e3d4c5b6a". It is what results, the
// audit log and --resume use; 48 bits of hash keep a million secrets apart.
func Fingerprint(prefix, secret string) string {
	sum := sha256.Sum256([]byte(secret))
	h := hex.EncodeToString(sum[:6])
	if len(prefix) >= len(secret) {
		prefix = ""
	}
	tail := ""
	if len(secret)-len(prefix) >= 20 {
		tail = lastRunes(secret, 4)
	}
	return prefix + "…" + tail + " sha256:" + h
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) < n {
		return ""
	}
	out := string(r[len(r)-n:])
	for _, c := range out {
		if c < 0x21 || c > 0x7e { // only plain printable characters are shown
			return ""
		}
	}
	return out
}

// Candidates are the providers whose documented formats match a secret,
// with the prefix of the format that matched, best match (longest prefix)
// first; a loose format never makes a provider a candidate. It parses every built-in definition on first use.
func Candidates(secret string) []Candidate {
	var out []Candidate
	for _, name := range Names() {
		p, err := Lookup(name)
		if err != nil {
			continue
		}
		m, ok := p.(SecretMatcher)
		if !ok {
			continue
		}
		if f, ok := m.MatchSecret(secret); ok && !f.Loose {
			out = append(out, Candidate{Provider: p, Format: f})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Format.Prefix) > len(out[j].Format.Prefix) })
	return out
}

// SecretMatcher tells which of a provider's documented formats a secret
// has (Defined does; so does an adapter that recognises its secrets).
type SecretMatcher interface {
	MatchSecret(secret string) (SecretFormat, bool)
}

// Candidate is a provider a secret may belong to.
type Candidate struct {
	Provider Provider
	Format   SecretFormat
}
