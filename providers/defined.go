package providers

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"github.com/valyala/fasttemplate"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/redact"
)

// Defined is a Provider driven by a Definition. To the engine it looks like
// any other Provider; Go adapters remain for what data cannot say (a
// request-signing scheme such as AWS SigV4).
type Defined struct {
	def    *Definition
	info   Info
	idRe   *regexp.Regexp
	warn   []compiledCheck
	revoke *compiledOp
	// ops are the secret operations: revoke_by_secret, lookup, verify.
	ops      map[string]*compiledOp
	formats  []compiledFormat
	deriveRe *regexp.Regexp
	user     bool // loaded from the user's directory
	// templates holds every request template compiled once; read-only
	// after NewDefined, so requests built concurrently share it.
	templates map[string]*fasttemplate.Template
	paramRe   map[string]*regexp.Regexp
}

var (
	_ Provider          = (*Defined)(nil)
	_ CredentialChecker = (*Defined)(nil)
	_ IDClassifier      = (*Defined)(nil)
)

type compiledCheck struct {
	re  *regexp.Regexp
	msg string
}

// compiledOp is one operation ready to build requests and read answers.
type compiledOp struct {
	name        string
	req         RequestDef
	auth        string // secret, credential or none; "" for revoke
	path        *fasttemplate.Template
	answers     map[int]*answer
	message     []compiledMessage
	idPath      string
	propagation time.Duration
}

type compiledCase struct {
	match   Match
	state   State
	code    exit.Code
	setCode bool
}

type answer struct {
	cases   []compiledCase
	status  int
	state   State
	code    exit.Code
	setCode bool
	hint    *fasttemplate.Template
	body    string
	confirm []Check
	fail    []*fasttemplate.Template
	keyOnly *Match
	okMsg   string // the message of a confirmed revocation, built once
}

type compiledMessage struct {
	text []*fasttemplate.Template
	each string
	item []*fasttemplate.Template
	join string
}

// NewDefined compiles a checked definition.
func NewDefined(d *Definition) (*Defined, error) {
	p := &Defined{def: d, ops: map[string]*compiledOp{}, templates: map[string]*fasttemplate.Template{}, paramRe: map[string]*regexp.Regexp{}}
	var err error
	for _, prm := range d.Params {
		if prm.Pattern != "" {
			p.paramRe[prm.Name] = regexp.MustCompile(prm.Pattern) // checked when parsed
		}
	}
	tmpls := d.Credential.Auth.templates()
	if p.revoke, err = compileOp("revoke", &d.Revoke, "", ""); err != nil {
		return nil, err
	}
	ops := []*compiledOp{p.revoke}
	for name, so := range d.secretOps() {
		op, err := compileOp(name, &so.Operation, so.Auth, so.ID)
		if err != nil {
			return nil, err
		}
		if so.Propagation != "" {
			op.propagation, _ = time.ParseDuration(so.Propagation) // checked when parsed
		}
		p.ops[name] = op
		ops = append(ops, op)
	}
	for _, op := range ops {
		eachTemplate(op.req, func(t string) { tmpls = append(tmpls, t) })
	}
	for _, t := range tmpls {
		if t == "" {
			continue
		}
		if p.templates[t], err = fasttemplate.NewTemplate(t, "{", "}"); err != nil {
			return nil, err
		}
	}
	if d.ID.Pattern != "" {
		p.idRe = regexp.MustCompile(d.ID.Pattern) // checked when parsed
	}
	for _, w := range d.Credential.Warn {
		p.warn = append(p.warn, compiledCheck{re: regexp.MustCompile(w.Pattern), msg: w.Message})
	}
	if sd := d.Secret; sd != nil {
		for _, f := range sd.Formats {
			cf := compiledFormat{SecretFormat: f, re: regexp.MustCompile(f.Pattern)}
			cf.anywhere, _ = regexp.Compile(strings.TrimSuffix(strings.TrimPrefix(f.Pattern, "^"), "$"))
			p.formats = append(p.formats, cf)
		}
		if sd.ID != nil {
			p.deriveRe = regexp.MustCompile(sd.ID.Pattern)
		}
	}
	if h := d.Credential.Auth.Header; h != nil {
		redact.MarkSensitive(h.Name) // never shown in traces or dry runs
	}
	for _, h := range d.Credential.Auth.Headers {
		redact.MarkSensitive(h.Name)
	}
	p.info = Info{
		Name:           d.Name,
		Title:          d.Title,
		DefaultBaseURL: d.BaseURL,
		Endpoint:       d.endpoint(),
		Auth:           d.authText(),
		Credential:     d.Credential.Describe,
		IDPattern:      d.ID.Pattern,
		Confidence:     d.Confidence,
		Experimental:   d.Experimental,
	}
	p.info.BaseURLDescribe = d.BaseURLDescribe
	if p.info.Credential == "" {
		p.info.Credential = "the " + d.Title + " API credential"
	}
	return p, nil
}

// compileOp compiles one operation's path, answers and messages.
func compileOp(name string, o *Operation, auth, idPath string) (*compiledOp, error) {
	op := &compiledOp{name: name, req: o.Request, auth: auth, idPath: idPath, answers: map[int]*answer{}}
	var err error
	if op.path, err = fasttemplate.NewTemplate(o.Request.Path, "{", "}"); err != nil {
		return nil, err
	}
	states := opOutcomes[name]
	for key, a := range o.Answers {
		st, _ := strconv.Atoi(key)
		ca := &answer{status: st, body: a.Body, confirm: a.Confirm, keyOnly: a.KeyOnly, okMsg: "revoked (" + StatusText(st) + ")"}
		if a.Outcome != "" {
			ca.state = states[a.Outcome]
		}
		ca.code, ca.setCode = defaultCode(ca.state)
		if a.Exit != "" {
			ca.code, _ = exitByName(a.Exit)
			ca.setCode = true
		}
		for _, c := range a.Cases {
			cc := compiledCase{match: c.Match, state: states[c.Outcome]}
			cc.code, cc.setCode = defaultCode(cc.state)
			if c.Exit != "" {
				cc.code, _ = exitByName(c.Exit)
				cc.setCode = true
			}
			ca.cases = append(ca.cases, cc)
		}
		if (ca.state == Revoked || ca.state == Submitted) && ca.body == "" {
			ca.body = "json"
			if st == http.StatusNoContent {
				ca.body = "empty"
			}
		}
		hint := a.Hint
		if hint == "" && st == http.StatusUnauthorized && auth != "secret" && auth != "none" {
			hint = "{auth_hint}"
		}
		if hint != "" {
			ca.hint = fasttemplate.New(hint, "{", "}")
		}
		for _, c := range a.Confirm {
			var t *fasttemplate.Template
			if c.Fail != "" {
				t = fasttemplate.New(c.Fail, "{", "}")
			}
			ca.fail = append(ca.fail, t)
		}
		op.answers[st] = ca
	}
	msgs := o.Message
	if len(msgs) == 0 {
		msgs = genericMessages
	}
	for _, m := range msgs {
		cm := compiledMessage{each: m.Each, join: m.Join}
		if cm.join == "" {
			cm.join = ", "
		}
		for _, t := range m.Text {
			cm.text = append(cm.text, fasttemplate.New(t, "{", "}"))
		}
		for _, t := range m.Item {
			cm.item = append(cm.item, fasttemplate.New(t, "{", "}"))
		}
		op.message = append(op.message, cm)
	}
	return op, nil
}

// defaultCode is the exit code an outcome implies, if any.
func defaultCode(s State) (exit.Code, bool) {
	switch s {
	case Revoked, Submitted, AlreadyRevoked, Found, Live, Dead:
		return exit.OK, true
	case NotFound:
		return exit.NotFound, true
	}
	return 0, false
}

// genericMessages read the common error shapes: {"message"}, {"error": "…"},
// {"error": {"message"}}, {"detail": "…"}.
var genericMessages = []MessageDef{
	{Text: []string{"{message}"}}, {Text: []string{"{error}"}}, {Text: []string{"{error.message}"}},
	{Text: []string{"{detail}"}}, {Text: []string{"{detail.message}"}},
}

// endpoint is the revoke request's method and path, or the by-secret
// request's for a provider without revocation by id.
func (d *Definition) endpoint() string {
	if !d.HasRevoke() && d.RevokeBySecret != nil {
		return d.RevokeBySecret.Request.Method + " " + d.RevokeBySecret.Request.Path + " (by secret)"
	}
	return d.Revoke.Request.Method + " " + d.Revoke.Request.Path
}

// authText describes how the credential is sent, without it.
func (d *Definition) authText() string {
	a := d.Credential.Auth
	show := func(t string) string {
		t = strings.ReplaceAll(t, "{credential}", "<token>")
		for _, x := range d.Credential.Extra {
			t = strings.ReplaceAll(t, "{credential."+x.Name+"}", "<"+x.Name+">")
		}
		return t
	}
	switch {
	case a.Bearer != "":
		return "Authorization: Bearer " + show(a.Bearer)
	case a.Header != nil:
		return a.Header.Name + ": " + show(a.Header.Value)
	case a.Basic != nil:
		return "Authorization: Basic (" + show(a.Basic.User) + ":" + show(a.Basic.Password) + ")"
	case a.Query != nil:
		return "query " + a.Query.Name + "=" + show(a.Query.Value)
	case len(a.Headers) > 0:
		parts := make([]string, len(a.Headers))
		for i, h := range a.Headers {
			parts[i] = h.Name + ": " + show(h.Value)
		}
		return strings.Join(parts, ", ")
	case a.Digest != nil:
		return "HTTP Digest (" + show(a.Digest.User) + ":" + show(a.Digest.Password) + ")"
	}
	return "none"
}

// Definition is the data this provider was built from.
func (p *Defined) Definition() *Definition { return p.def }

// Info describes the provider.
func (p *Defined) Info() Info { return p.info }

// CheckCredential warns about a credential of the wrong kind.
func (p *Defined) CheckCredential(token string) string {
	for _, w := range p.warn {
		if w.re.MatchString(token) {
			return w.msg
		}
	}
	return ""
}

// MissingParamError is a parameter the request needs and nobody set.
type MissingParamError struct {
	Provider, Param, Describe string
}

func (e *MissingParamError) Error() string {
	return fmt.Sprintf("%s needs %s (%s): set --param %s=VALUE, KEYCTL_%s_%s or providers.%s.%s in the config", e.Provider, e.Param, e.Describe,
		e.Param, strings.ToUpper(e.Provider), strings.ToUpper(e.Param), e.Provider, e.Param)
}

// vars are the values of one request's placeholders besides the target's.
type vars struct {
	id     string
	secret string
	batch  []string // the secrets of a batch request, in place of the array holding {secret}
}

// value returns the value of one request placeholder.
func (p *Defined) value(t Target, v vars, tag string) (string, error) {
	switch tag {
	case "id":
		return v.id, nil
	case "secret":
		return v.secret, nil
	case "credential":
		return t.Token, nil
	}
	if name, ok := strings.CutPrefix(tag, "credential."); ok {
		// Resolved with the main credential; "" only in a probe that
		// checks the id before any credential is read.
		return t.Extra[name], nil
	}
	name := strings.TrimPrefix(tag, "param.")
	for _, prm := range p.def.Params {
		if prm.Name == name {
			if v := t.Params[name]; v != "" {
				return v, nil
			}
			if prm.Default != "" {
				return prm.Default, nil
			}
			return "", &MissingParamError{Provider: p.def.Name, Param: name, Describe: prm.Describe}
		}
	}
	return "", fmt.Errorf("unknown template variable {%s}", tag)
}

// expand fills a template; esc escapes each value for where it goes (a
// path segment, a header, a JSON string).
func (p *Defined) expand(t *fasttemplate.Template, tgt Target, vs vars, esc func(string) string) (string, error) {
	return t.ExecuteFuncStringWithErr(func(w io.Writer, tag string) (int, error) {
		v, err := p.value(tgt, vs, tag)
		if err != nil {
			return 0, err
		}
		if esc != nil {
			v = esc(v)
		}
		return io.WriteString(w, v)
	})
}

func (p *Defined) expandString(tmpl string, tgt Target, v vars, esc func(string) string) (string, error) {
	switch {
	case tmpl == "{credential}": // the common case, without a template
		return tgt.Token, nil
	case !strings.Contains(tmpl, "{"):
		return tmpl, nil
	}
	t := p.templates[tmpl]
	if t == nil {
		var err error
		if t, err = fasttemplate.NewTemplate(tmpl, "{", "}"); err != nil {
			return "", err
		}
	}
	return p.expand(t, tgt, v, esc)
}

// Request builds the revocation request for id.
func (p *Defined) Request(t Target, id string) (*Request, error) {
	if !p.def.HasRevoke() {
		return nil, fmt.Errorf("%s documents no revocation by key id: it revokes a leaked secret by its value: keyctl revoke %s --secret-stdin (or --secrets-from FILE)", p.info.Title, p.info.Name)
	}
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if p.idRe != nil {
		if err := MatchID(t, id, p.idRe, p.def.ID.Example); err != nil {
			return nil, err
		}
	}
	return p.build(p.revoke, t, vars{id: id})
}

// build fills an operation's request.
func (p *Defined) build(op *compiledOp, t Target, v vars) (*Request, error) {
	if t.BaseURL == nil {
		return nil, fmt.Errorf("no base URL")
	}
	for _, prm := range p.def.Params {
		re := p.paramRe[prm.Name]
		if re == nil {
			continue
		}
		if val, err := p.value(t, v, "param."+prm.Name); err == nil && !re.MatchString(val) {
			return nil, fmt.Errorf("%s %s %q does not match %s", p.def.Name, prm.Name, val, prm.Pattern)
		}
	}
	rd := op.req
	escaped, err := p.expand(op.path, t, v, url.PathEscape)
	if err != nil {
		return nil, err
	}
	u, err := appendPath(t.BaseURL, escaped)
	if err != nil {
		return nil, err
	}
	h := defaultHeader()
	q := url.Values{}
	for _, k := range sortedKeys(rd.Query) {
		val, err := p.expandString(rd.Query[k], t, v, nil)
		if err != nil {
			return nil, err
		}
		q.Set(k, val)
	}
	for _, k := range sortedKeys(rd.Headers) {
		val, err := p.expandString(rd.Headers[k], t, v, nil)
		if err != nil {
			return nil, err
		}
		h.Set(k, val)
	}
	switch op.auth {
	case "none":
	case "secret":
		// The leaked secret authenticates itself, sent as the credential is.
		as := t
		as.Token = v.secret
		if err := p.authenticate(as, v, h, q); err != nil {
			return nil, err
		}
	default:
		if err := p.authenticate(t, v, h, q); err != nil {
			return nil, err
		}
	}
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	r := &Request{Method: rd.Method, URL: u.String(), Header: h}
	if op.auth == "" || op.auth == "credential" { // a leaked secret never answers a Digest challenge
		if r.Digest, err = p.digest(t, v); err != nil {
			return nil, err
		}
	}
	if b := rd.Body; b != nil {
		if r.Body, err = p.body(b, t, v, h); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// AuthHeader is the header that carries the credential, as Request sends
// it ("" when the provider takes none). The sandbox checks requests with it.
func (p *Defined) AuthHeader(t Target) (name, value string, err error) {
	h := http.Header{}
	if err := p.authenticate(t, vars{}, h, url.Values{}); err != nil {
		return "", "", err
	}
	for k := range h {
		return k, h.Get(k), nil
	}
	return "", "", nil
}

// AuthHeaders are the headers that carry the credentials, as Request sends
// them (none for Digest, whose header answers the server's challenge).
func (p *Defined) AuthHeaders(t Target) (http.Header, error) {
	h := http.Header{}
	err := p.authenticate(t, vars{}, h, url.Values{})
	return h, err
}

// digest is the Digest user and password Request answers a challenge
// with; nil when the provider does not use Digest.
func (p *Defined) digest(t Target, v vars) (*DigestAuth, error) {
	a := p.def.Credential.Auth.Digest
	if a == nil {
		return nil, nil
	}
	user, err := p.expandString(a.User, t, v, nil)
	if err != nil {
		return nil, err
	}
	pass, err := p.expandString(a.Password, t, v, nil)
	if err != nil {
		return nil, err
	}
	return &DigestAuth{User: user, Password: pass}, nil
}

// DigestCredentials is what the sandbox checks a Digest answer against.
func (p *Defined) DigestCredentials(t Target) (*DigestAuth, error) {
	return p.digest(t, vars{})
}

func (p *Defined) authenticate(t Target, v vars, h http.Header, q url.Values) error {
	a := p.def.Credential.Auth
	switch {
	case a.Bearer != "":
		val, err := p.expandString(a.Bearer, t, v, nil)
		if err != nil {
			return err
		}
		h.Set("Authorization", "Bearer "+val)
	case a.Header != nil:
		val, err := p.expandString(a.Header.Value, t, v, nil)
		if err != nil {
			return err
		}
		h.Set(a.Header.Name, val)
	case a.Basic != nil:
		user, err := p.expandString(a.Basic.User, t, v, nil)
		if err != nil {
			return err
		}
		pass, err := p.expandString(a.Basic.Password, t, v, nil)
		if err != nil {
			return err
		}
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
	case a.Query != nil:
		val, err := p.expandString(a.Query.Value, t, v, nil)
		if err != nil {
			return err
		}
		q.Set(a.Query.Name, val)
	case len(a.Headers) > 0:
		for _, hd := range a.Headers {
			val, err := p.expandString(hd.Value, t, v, nil)
			if err != nil {
				return err
			}
			h.Set(hd.Name, val)
		}
	}
	return nil
}

func (p *Defined) body(b *BodyDef, t Target, v vars, h http.Header) ([]byte, error) {
	if b.Form != nil {
		f := url.Values{}
		for _, k := range sortedKeys(b.Form) {
			val, err := p.expandString(b.Form[k], t, v, nil)
			if err != nil {
				return nil, err
			}
			f.Set(k, val)
		}
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		return []byte(f.Encode()), nil
	}
	tmpl := b.JSON
	if g := b.GraphQL; g != nil {
		// The query goes as written; only the variables are templates.
		tmpl = map[string]any{"variables": g.Variables}
	}
	var firstErr error
	if len(v.batch) > 0 {
		tmpl = batchArray(tmpl, v.batch)
	}
	doc := mapStrings(tmpl, func(s string) string {
		out, err := p.expandString(s, t, v, nil)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return out
	})
	if firstErr != nil {
		return nil, firstErr
	}
	if g := b.GraphQL; g != nil {
		doc.(map[string]any)["query"] = g.Query
	}
	h.Set("Content-Type", "application/json")
	return json.Marshal(doc)
}

// batchArray copies a JSON template with the array holding "{secret}"
// holding every secret of the batch instead; its strings are literal, so
// they are marked to pass through expansion unchanged.
func batchArray(v any, secrets []string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = batchArray(e, secrets)
		}
		return out
	case []any:
		if len(x) == 1 && x[0] == "{secret}" {
			out := make([]any, len(secrets))
			for i, s := range secrets {
				out[i] = literal(s)
			}
			return out
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = batchArray(e, secrets)
		}
		return out
	}
	return v
}

// literal is a string that is not a template.
type literal string

// mapStrings copies a YAML value, replacing each string through fn.
func mapStrings(v any, fn func(string) string) any {
	switch x := v.(type) {
	case string:
		return fn(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = mapStrings(e, fn)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mapStrings(e, fn)
		}
		return out
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Classify reads the provider's answer by its definition, without knowing
// which key it is about: a success that must name the key (confirm with
// contains) is then never confirmed. The engine calls ClassifyID.
func (p *Defined) Classify(status int, header http.Header, body []byte) Outcome {
	return p.ClassifyID("", status, header, body)
}

// ClassifyID reads the provider's answer to the revocation of id. A 2xx
// counts as revoked only when the definition documents it as such and the
// body looks like the documented success.
func (p *Defined) ClassifyID(id string, status int, header http.Header, body []byte) Outcome {
	return p.classify(p.revoke, id, status, header, body)
}

// classify reads an answer to one of the definition's operations about id
// ("" when it is about a secret, or unknown).
func (p *Defined) classify(op *compiledOp, id string, status int, header http.Header, body []byte) Outcome {
	a := op.answers[status]
	if a != nil && len(a.cases) > 0 && isJSONObject(body) {
		for _, c := range a.cases {
			if matches(body, &c.match) {
				return p.caseOutcome(op, c, status, header, body)
			}
		}
	}
	if a != nil {
		switch a.state {
		case Revoked, Submitted:
			return p.success(a, id, status, header, body)
		case Found:
			return p.found(op, a, status, header, body)
		case Live:
			return p.live(op, a, status, header, body)
		}
	}
	if status >= 200 && status < 300 && a == nil && op.name != "revoke" && op.name != "revoke_by_secret" {
		return Outcome{State: Failed, Code: p.undocumentedCode(op), Message: fmt.Sprintf("%s answered %s, which its documentation does not describe for this request; %s", p.info.Title, StatusText(status), p.noAnswer(op))}
	}
	if status >= 200 && status < 300 && (a == nil || a.state != Dead) {
		what := fmt.Sprintf("%s answered %s, which its documentation does not define as a revocation", p.info.Title, StatusText(status))
		if note := BodyNote(header, body); note != "" && !isJSONObject(body) { // say what came back: a sign-in page, say
			what += " (" + note + ")"
		}
		o := p.unconfirmed(what)
		if a != nil { // a documented 2xx that is not a revocation
			if a.state != "" {
				o.State = a.state
			}
			if a.setCode {
				o.Code = a.code
			}
			if a.hint != nil {
				o.Message = Clean(WithHint(p.info.Title+" answered "+StatusText(status), a.hint.ExecuteString(map[string]any{"auth_hint": "", "retry_after": ""})))
			}
		}
		return o
	}
	msg := ""
	json := status >= 400 && isJSONObject(body)
	if json {
		msg = p.errorMessage(op, body)
	}
	o := FromStatus(status, header, Describe(status, header, body, msg))
	if status >= 300 && status < 400 {
		return o
	}
	if a == nil {
		if status == http.StatusUnauthorized && op.auth != "secret" && op.auth != "none" {
			o.Message = WithHint(o.Message, AuthHint(p.info.Name))
		}
		return o
	}
	if a.state != "" {
		o.State = a.state
	}
	if a.setCode {
		o.Code = a.code
	}
	if a.state == Dead {
		o.Message = p.deadMessage(status, o.Message)
	}
	if a.hint != nil {
		o.Message = WithHint(o.Message, a.hint.ExecuteFuncString(func(w io.Writer, tag string) (int, error) {
			switch tag {
			case "auth_hint":
				return io.WriteString(w, AuthHint(p.info.Name))
			case "retry_after":
				if ra := header.Get("Retry-After"); ra != "" {
					return io.WriteString(w, " (Retry-After: "+Clean(ra)+")")
				}
			}
			return 0, nil
		}))
	}
	if a.keyOnly != nil && json {
		o.KeyOnly = matches(body, a.keyOnly)
	}
	return o
}

// caseOutcome is an answer told apart by its body.
func (p *Defined) caseOutcome(op *compiledOp, c compiledCase, status int, header http.Header, body []byte) Outcome {
	o := FromStatus(status, header, "")
	if status >= 200 && status < 300 {
		o.Code = exit.Unexpected
	}
	o.State = c.state
	if c.setCode {
		o.Code = c.code
	}
	msg := p.errorMessage(op, body)
	o.Message = Clean(fmt.Sprintf("%s answered %s: %s", p.info.Title, StatusText(status), msg))
	if c.state == Dead {
		o.Message = p.deadMessage(status, msg)
	}
	return o
}

// deadMessage says that the provider refuses the secret.
func (p *Defined) deadMessage(status int, msg string) string {
	s := fmt.Sprintf("%s refuses the secret (%s", p.info.Title, StatusText(status))
	if msg != "" && !strings.Contains(msg, StatusText(status)) {
		s += ": " + msg
	} else if msg != "" {
		s = fmt.Sprintf("%s refuses the secret (%s", p.info.Title, msg)
	}
	return Clean(s + "): it no longer works (revoked, expired or never valid)")
}

// found reads the key id out of a lookup's answer.
func (p *Defined) found(op *compiledOp, a *answer, status int, header http.Header, body []byte) Outcome {
	fail := func(why string) Outcome {
		return Outcome{State: Failed, Code: exit.Unexpected, Message: Clean(fmt.Sprintf("%s answered %s but %s; %s", p.info.Title, StatusText(status), why, p.noAnswer(op)))}
	}
	if why, _ := p.bodyProblem(&answer{body: "json", confirm: a.confirm, fail: make([]*fasttemplate.Template, len(a.confirm))}, "", header, body); why != "" {
		return fail(why)
	}
	if repeated(body, op.idPath) {
		return fail(op.idPath + " is given more than once")
	}
	r := gjson.GetBytes(body, op.idPath)
	id := r.String()
	if (r.Type != gjson.String && r.Type != gjson.Number) || id == "" {
		return fail("without the key id at " + op.idPath)
	}
	if err := ValidateID(id); err != nil {
		return fail("the key id it gave is unusable (" + err.Error() + ")")
	}
	return Outcome{State: Found, Code: exit.OK, ID: id, Message: "found the key id " + Clean(id)}
}

// live reads a verify answer that says the secret works.
func (p *Defined) live(op *compiledOp, a *answer, status int, header http.Header, body []byte) Outcome {
	if why, _ := p.bodyProblem(&answer{body: "json", confirm: a.confirm, fail: make([]*fasttemplate.Template, len(a.confirm))}, "", header, body); why != "" && (a.body == "" || a.body == "json") {
		return Outcome{State: Unverified, Code: exit.Unverified, Message: Clean(fmt.Sprintf("%s answered %s but %s; %s", p.info.Title, StatusText(status), why, p.noAnswer(op)))}
	}
	return Outcome{State: Live, Code: exit.StillLive, Message: fmt.Sprintf("%s still accepts the secret (%s)", p.info.Title, StatusText(status))}
}

// undocumentedCode is the exit code of an answer an operation does not
// document.
func (p *Defined) undocumentedCode(op *compiledOp) exit.Code {
	if op.name == "verify" {
		return exit.Unverified
	}
	return exit.Unexpected
}

// noAnswer is what an undocumented answer to a secret operation leaves open.
func (p *Defined) noAnswer(op *compiledOp) string {
	switch op.name {
	case "verify":
		return "whether the secret still works is unknown: check it in " + p.info.Title + "'s dashboard"
	case "lookup":
		return "the key id is unknown: find it in " + p.info.Title + "'s dashboard"
	}
	return "the key may NOT be revoked: check it in " + p.info.Title + "'s dashboard"
}

func matches(body []byte, m *Match) bool {
	want := strings.ToLower(m.Contains)
	for _, path := range m.Paths {
		if strings.Contains(strings.ToLower(gjson.GetBytes(body, path).String()), want) {
			return true
		}
	}
	return false
}

// isJSONObject reports whether body is one complete JSON object.
func isJSONObject(body []byte) bool {
	b := bytes.TrimSpace(body)
	return len(b) > 0 && b[0] == '{' && gjson.ValidBytes(b)
}

// success checks a documented success answer: its body must look like the
// documented one, and every confirming field is read on its own, so that a
// wrong-typed unrelated field cannot hide a false one.
func (p *Defined) success(a *answer, id string, status int, header http.Header, body []byte) Outcome {
	if why, custom := p.bodyProblem(a, id, header, body); why != "" {
		if custom {
			return p.unconfirmed(why)
		}
		return p.unconfirmed(fmt.Sprintf("%s answered %s but %s", p.info.Title, StatusText(status), why))
	}
	if a.state == Submitted {
		// Accepted, not confirmed: say so, with the definition's hint (why
		// the provider's answer cannot tell more).
		msg := fmt.Sprintf("submitted (%s): %s accepted the request but does not confirm the revocation; the key may still work: verify it in %s's dashboard", StatusText(status), p.info.Title, p.info.Title)
		if a.hint != nil {
			msg = WithHint(msg, a.hint.ExecuteString(map[string]any{"auth_hint": "", "retry_after": ""}))
		}
		return Outcome{State: Submitted, Code: exit.OK, Message: msg}
	}
	return Outcome{State: Revoked, Code: exit.OK, Message: a.okMsg}
}

// bodyProblem says why a success answer's body is not the documented one,
// "" when it is; custom marks the definition's own words for it.
func (p *Defined) bodyProblem(a *answer, id string, header http.Header, body []byte) (why string, custom bool) {
	switch a.body {
	case "json":
		if !isJSONObject(body) {
			note := BodyNote(header, body)
			if note == "" {
				note = "the body is empty"
			}
			return note + ", not its documented JSON", false
		}
	case "empty":
		if len(bytes.TrimSpace(body)) != 0 {
			if isHTML(header, body) {
				return BodyNote(header, body) + ", where no body is documented", false
			}
			return "with a body where none is documented", false
		}
	case "any":
		// An undocumented body is taken as it comes, but an HTML page is
		// a proxy's or a sign-in page, never the provider's API.
		if note := BodyNote(header, body); strings.Contains(note, "HTML") {
			return note, false
		}
	}
	for i, c := range a.confirm {
		if repeated(body, c.Path) {
			return fmt.Sprintf("with %s given more than once, which JSON readers take differently", c.Path), false
		}
		r := gjson.GetBytes(body, c.Path)
		if c.Contains != "" {
			if id != "" && holds(r, strings.ReplaceAll(c.Contains, "{id}", id)) {
				continue
			}
			if t := a.fail[i]; t != nil {
				return renderPaths(t, body, ", "), true
			}
			return fmt.Sprintf("%s does not list the key", c.Path), false
		}
		if equal(r, c.Equals) {
			continue
		}
		if !r.Exists() && c.Optional {
			continue
		}
		if !r.Exists() {
			return fmt.Sprintf("without %s (documented: %v)", c.Path, c.Equals), false
		}
		if t := a.fail[i]; t != nil {
			return renderPaths(t, body, ", "), true
		}
		return fmt.Sprintf("reported %s=%s (documented: %v)", c.Path, r.Raw, c.Equals), false
	}
	return "", false
}

// repeated reports whether the last key of a confirming field's path
// appears more than once in its object: gjson reads the first of
// {"deleted":true,"deleted":false}, most JSON readers the last, so such an
// answer confirms nothing.
func repeated(body []byte, path string) bool {
	key := path[strings.LastIndexByte(path, '.')+1:]
	if quoted(body, key) < 2 {
		return false // the common answer: no parsing, no allocation
	}
	parent := gjson.ParseBytes(body)
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent = gjson.GetBytes(body, path[:i])
	}
	n := 0
	parent.ForEach(func(k, _ gjson.Result) bool {
		if k.String() == key {
			n++
		}
		return n < 2
	})
	return n > 1
}

// quoted counts the places s appears in body between double quotes.
func quoted(body []byte, s string) int {
	n := 0
	for i := 1; i+len(s) < len(body); i++ {
		if body[i-1] == '"' && body[i+len(s)] == '"' && string(body[i:i+len(s)]) == s {
			n++
		}
	}
	return n
}

// unconfirmed is the outcome of a success status whose answer does not
// confirm the revocation: failed, exit 1, saying what came back and what to
// check, since a proxy or a wrong base URL answers 200 as readily as the
// provider.
func (p *Defined) unconfirmed(what string) Outcome {
	return Outcome{State: Failed, Code: exit.Unexpected, Message: Clean(what +
		"; the key may NOT be revoked: check the base URL and any proxy, then verify the key with " + p.info.Title)}
}

// holds reports whether r is an array with the string want among its
// elements (gjson gives items.#.id as the array of each element's id).
func holds(r gjson.Result, want string) bool {
	found := false
	if r.IsArray() {
		r.ForEach(func(_, v gjson.Result) bool {
			found = v.Type == gjson.String && v.Str == want
			return !found
		})
	}
	return found
}

func equal(r gjson.Result, want any) bool {
	switch w := want.(type) {
	case bool:
		return (r.Type == gjson.True || r.Type == gjson.False) && r.Bool() == w
	case int:
		return r.Type == gjson.Number && r.Num == float64(w)
	case float64:
		return r.Type == gjson.Number && r.Num == w
	case string:
		return r.Type == gjson.String && r.Str == w
	}
	return false
}

// errorMessage finds the provider's explanation in a JSON error body.
func (p *Defined) errorMessage(op *compiledOp, body []byte) string {
	for _, m := range op.message {
		if s := m.render(body); s != "" {
			return Clean(s)
		}
	}
	return ""
}

func (m *compiledMessage) render(body []byte) string {
	var parts []string
	if len(m.text) > 0 {
		if s := renderParts(m.text, body, m.join); s != "" {
			parts = append(parts, s)
		}
	}
	if m.each != "" {
		list := gjson.GetBytes(body, m.each)
		if list.IsObject() {
			type kv struct{ k, v string }
			var items []kv
			list.ForEach(func(k, v gjson.Result) bool {
				items = append(items, kv{k.String(), v.Raw})
				return true
			})
			sort.Slice(items, func(i, j int) bool { return items[i].k < items[j].k })
			for _, it := range items {
				obj := `{"_key":` + strconv.Quote(it.k) + `,"_value":` + it.v + `}`
				if s := renderParts(m.item, []byte(obj), m.join); s != "" {
					parts = append(parts, s)
				}
			}
		} else if list.IsArray() {
			list.ForEach(func(_, v gjson.Result) bool {
				if s := renderParts(m.item, []byte(v.Raw), m.join); s != "" {
					parts = append(parts, s)
				}
				return true
			})
		}
	}
	return strings.Join(parts, "; ")
}

// renderParts renders each part whose placeholders all have a value.
func renderParts(ts []*fasttemplate.Template, body []byte, join string) string {
	var b strings.Builder
	for _, t := range ts {
		missing := false
		s := t.ExecuteFuncString(func(w io.Writer, tag string) (int, error) {
			v := scalarText(gjson.GetBytes(body, tag), join)
			if v == "" {
				missing = true
			}
			return io.WriteString(w, v)
		})
		if !missing {
			b.WriteString(s)
		}
	}
	return strings.TrimSpace(b.String())
}

func renderPaths(t *fasttemplate.Template, body []byte, join string) string {
	return t.ExecuteFuncString(func(w io.Writer, tag string) (int, error) {
		return io.WriteString(w, scalarText(gjson.GetBytes(body, tag), join))
	})
}

// scalarText is a JSON value as text: strings, numbers and booleans as they
// are, arrays of them joined; objects and nested arrays give "".
func scalarText(r gjson.Result, join string) string {
	switch r.Type {
	case gjson.String:
		return r.Str
	case gjson.Number, gjson.True, gjson.False:
		return r.Raw
	case gjson.JSON:
		if !r.IsArray() {
			return ""
		}
		var parts []string
		ok := true
		r.ForEach(func(_, v gjson.Result) bool {
			if v.Type == gjson.JSON {
				ok = false
				return false
			}
			parts = append(parts, scalarText(v, join))
			return true
		})
		if !ok {
			return ""
		}
		return strings.Join(parts, join)
	}
	return ""
}
