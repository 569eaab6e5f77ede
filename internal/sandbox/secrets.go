package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/keyctl/keyctl/providers"
)

// secretOp is one secret operation as the emulator plays it.
type secretOp struct {
	name  string // revoke_by_secret, lookup or verify
	op    *providers.SecretOperation
	route string
	// Where the secret is in the request: the credential's header (with
	// what surrounds it), a path wildcard, a query or form field or a JSON
	// body path.
	authName, authPrefix, authSuffix string
	basic                            bool
	inPath                           bool
	query, form, jsonPath            string
}

// marker stands for the secret while reading where a request carries it.
const marker = "\x00secret\x00"

// secretOps compiles a definition's secret operations for the emulator.
func secretOps(p *providers.Defined) []*secretOp {
	d := p.Definition()
	var out []*secretOp
	for _, name := range []string{providers.OpRevokeBySecret, providers.OpLookup, providers.OpVerify} {
		var so *providers.SecretOperation
		switch name {
		case providers.OpRevokeBySecret:
			so = d.RevokeBySecret
		case providers.OpLookup:
			so = d.Lookup
		case providers.OpVerify:
			so = d.Verify
		}
		if so == nil {
			continue
		}
		o := &secretOp{name: name, op: so}
		rq := so.Request
		path := rq.Path
		for _, prm := range d.Params {
			path = strings.ReplaceAll(path, "{param."+prm.Name+"}", "{param_"+prm.Name+"}")
		}
		o.inPath = strings.Contains(path, "{secret}")
		if so.Auth == "secret" {
			tgt := providers.Target{Token: marker, Params: sandboxParams(d)}
			name, value, _ := p.AuthHeader(tgt)
			if b, ok := strings.CutPrefix(value, "Basic "); ok {
				raw, _ := base64.StdEncoding.DecodeString(b)
				value, o.basic = string(raw), true
			}
			o.authName = name
			o.authPrefix, o.authSuffix, _ = strings.Cut(value, marker)
		}
		for k, v := range rq.Query {
			if v == "{secret}" {
				o.query = k
			}
		}
		if rq.Body != nil {
			for k, v := range rq.Body.Form {
				if v == "{secret}" {
					o.form = k
				}
			}
			if rq.Body.JSON != nil {
				o.jsonPath = leafPathOf(rq.Body.JSON, "", "{secret}")
			}
		}
		route := rq.Method + " " + basePath(d.Name) + path
		if routable(route) {
			o.route = route
		}
		out = append(out, o)
	}
	return out
}

// secretOf reads the secret a request carries, "" if none.
func (o *secretOp) secretOf(r *http.Request, body []byte) string {
	switch {
	case o.authName != "":
		v := r.Header.Get(o.authName)
		if o.basic {
			b, ok := strings.CutPrefix(v, "Basic ")
			if !ok {
				return ""
			}
			raw, err := base64.StdEncoding.DecodeString(b)
			if err != nil {
				return ""
			}
			v = string(raw)
		}
		if !strings.HasPrefix(v, o.authPrefix) || !strings.HasSuffix(v, o.authSuffix) || len(v) < len(o.authPrefix)+len(o.authSuffix) {
			return ""
		}
		return v[len(o.authPrefix) : len(v)-len(o.authSuffix)]
	case o.inPath:
		return r.PathValue("secret")
	case o.query != "":
		return r.URL.Query().Get(o.query)
	case o.form != "":
		f, _ := url.ParseQuery(string(body))
		return f.Get(o.form)
	case o.jsonPath != "":
		return gjson.GetBytes(body, o.jsonPath).String()
	}
	return ""
}

// batchOf reads every secret of a batch request: the JSON array that
// holds "{secret}" in the template.
func (o *secretOp) batchOf(body []byte) []string {
	i := strings.LastIndexByte(o.jsonPath, '.')
	if i < 0 {
		return nil
	}
	var out []string
	for _, v := range gjson.GetBytes(body, o.jsonPath[:i]).Array() {
		out = append(out, v.String())
	}
	return out
}

// answers lists the operation's documented answers by outcome: the
// status, and the body matching a case when the outcome is one.
func (o *secretOp) answerFor(outcomes ...string) (status int, caseMatch *providers.Case, ok bool) {
	keys := make([]string, 0, len(o.op.Answers))
	for k := range o.op.Answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, want := range outcomes {
		for _, k := range keys {
			a := o.op.Answers[k]
			st, _ := strconv.Atoi(k)
			for i := range a.Cases {
				if a.Cases[i].Outcome == want {
					return st, &a.Cases[i], true
				}
			}
			if a.Outcome == want {
				return st, nil, true
			}
		}
	}
	return 0, nil, false
}

// serveSecret answers one secret operation from the emulator's state.
func (s *Sandbox) serveSecret(e *emulated, ops []*secretOp, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, providers.MaxBody))
	o := ops[0]
	secret := o.secretOf(r, body)
	if secret == "" {
		e.answerOp(w, o, http.StatusUnauthorized, "", nil)
		return
	}
	if o.op.Auth == "credential" && e.authName != "" && r.Header.Get(e.authName) != e.authValue {
		e.answerOp(w, o, http.StatusUnauthorized, "", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.bySecret(e, secret)
	active := k != nil && k.State == Active
	if o.name == providers.OpRevokeBySecret && o.op.Batch > 1 {
		// A batch (GitHub's list of credentials): every secret in it is
		// revoked; the answer is the first one's.
		for _, other := range o.batchOf(body) {
			if m := s.bySecret(e, other); m != nil && m != k && m.State == Active && m.tag != "sticky" {
				m.State = Revoked
			}
		}
	}
	id := ""
	if k != nil {
		id = k.ID
	}
	switch o.name {
	case providers.OpRevokeBySecret:
		if active {
			if k.tag != "sticky" { // a key that outlives its revocation: --verify's still_live
				k.State = Revoked
			}
			st, c, _ := o.answerFor("revoked", "submitted")
			e.answerOp(w, o, st, id, c)
			return
		}
		// A provider authenticated by the secret refuses a revoked or
		// unknown one (Slack's invalid_auth, GitLab's 401): dead.
		if st, c, ok := o.answerFor("already_revoked", "not_found", "dead"); ok && k != nil {
			e.answerOp(w, o, st, id, c)
			return
		}
		if st, c, ok := o.answerFor("not_found", "dead"); ok {
			e.answerOp(w, o, st, id, c)
			return
		}
		// A secret that authenticates its own revocation (Buildkite) and
		// no longer works is refused, whether or not 401 is documented.
		if o.op.Auth == "secret" {
			e.answerOp(w, o, http.StatusUnauthorized, id, nil)
			return
		}
		// A provider that accepts any secret (GitHub, Hugging Face) does so.
		st, c, _ := o.answerFor("submitted", "revoked")
		e.answerOp(w, o, st, id, c)
	default:
		success := "found"
		if o.name == providers.OpVerify {
			success = "live"
		}
		if active {
			st, c, _ := o.answerFor(success)
			e.answerOp(w, o, st, id, c)
			return
		}
		st, c, ok := o.answerFor("dead")
		if !ok {
			st = http.StatusUnauthorized
		}
		e.answerOp(w, o, st, id, c)
	}
}

// bySecret finds the key a secret belongs to; in AnyID mode a secret of a
// documented format becomes a new active key. Call with s.mu held.
func (s *Sandbox) bySecret(e *emulated, secret string) *Key {
	if k := s.secrets[e.name][secret]; k != nil {
		return k
	}
	if !s.opts.AnyID || !e.matches(secret) {
		return nil
	}
	sum := sha256.Sum256([]byte(secret))
	id := "sbx_" + hex.EncodeToString(sum[:8])
	if p, err := providers.Lookup(e.name); err == nil {
		if h, ok := p.(providers.SecretHandler); ok {
			if derived, ok := h.DeriveID(secret); ok {
				id = derived
			}
		}
	}
	k := s.lookup(e.name, id)
	if k == nil {
		return nil
	}
	k.secret = secret
	s.secrets[e.name][secret] = k
	return k
}

// matches reports whether a secret has one of the provider's formats.
func (e *emulated) matches(secret string) bool {
	p, err := providers.Lookup(e.name)
	if err != nil {
		return false
	}
	m, ok := p.(providers.SecretMatcher)
	if !ok {
		return false
	}
	_, ok = m.MatchSecret(secret)
	return ok
}

// answerOp sends an operation's answer: the definition's sandbox body for
// it, or the smallest body its reading accepts (the id at the lookup's
// path, the confirming fields, the case's marker).
func (e *emulated) answerOp(w http.ResponseWriter, o *secretOp, status int, id string, c *providers.Case) {
	var body any
	if sb := e.def.Sandbox; sb != nil {
		body = sb.OpBodies[o.name][strconv.Itoa(status)]
	}
	a, documented := o.op.Answers[strconv.Itoa(status)]
	if body == nil && documented && (c != nil || len(a.Confirm) > 0 || a.Outcome == "found" || (a.Outcome != "" && status < 300 && a.Body != "empty" && status != http.StatusNoContent)) {
		obj := map[string]any{}
		for _, ch := range a.Confirm {
			// A case on a field the confirmation does not read is an
			// error answer (Slack's ok false with its code at error): its
			// confirming flag is false, its other fields left out.
			if c != nil && !caseReads(c, ch.Path) {
				if b, ok := ch.Equals.(bool); ok {
					setPath(obj, ch.Path, !b)
				}
				continue
			}
			setPath(obj, ch.Path, ch.Equals)
		}
		if a.Outcome == "found" && o.op.ID != "" {
			setPath(obj, o.op.ID, id)
		}
		if c != nil && len(c.Paths) > 0 {
			setPath(obj, c.Paths[0], c.Contains)
		}
		body = obj
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, substitute(body, id))
}

// caseReads reports whether a case reads the field at path.
func caseReads(c *providers.Case, path string) bool {
	return slices.Contains(c.Paths, path)
}

// leafPathOf is the gjson path of the string leaf ("{id}", "{secret}") in
// a body template; arrays count too (Azure DevOps' token admin takes
// [{"authorizationId": …}], GitHub a list of credentials).
func leafPathOf(v any, prefix, leaf string) string {
	switch x := v.(type) {
	case string:
		if x == leaf {
			return prefix
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			if found := leafPathOf(x[k], p, leaf); found != "" {
				return found
			}
		}
	case []any:
		for i, e := range x {
			p := strconv.Itoa(i)
			if prefix != "" {
				p = prefix + "." + p
			}
			if found := leafPathOf(e, p, leaf); found != "" {
				return found
			}
		}
	}
	return ""
}
