package providers

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/valyala/fasttemplate"
	"go.yaml.in/yaml/v3"

	"github.com/keyctl/keyctl/internal/exit"
)

// Definition is one provider described as data: who it is, how the
// credential is sent, the revoke request, how each documented answer maps to
// an outcome and exit code, and how the sandbox emulates it. The format is
// documented in docs/definitions.md; providers/defs holds the built-ins.
//
// Templates ({id}, {credential}, {param.project_id}) are fasttemplate
// placeholders in OpenAPI's path-template style; paths into JSON bodies are
// gjson paths (error.message, detail.#.msg).
type Definition struct {
	Name     string `yaml:"name"`
	Title    string `yaml:"title"`
	Docs     string `yaml:"docs"`
	BaseURL  string `yaml:"base_url"`
	Override bool   `yaml:"override"` // a user definition replacing a built-in
	// Params are extra values a user supplies (project id, account SID,
	// region): providers.<name>.<param> or KEYCTL_<NAME>_<PARAM>.
	Params     []Param       `yaml:"params"`
	Credential CredentialDef `yaml:"credential"`
	ID         IDDef         `yaml:"id"`
	RateLimit  string        `yaml:"rate_limit"` // the documented limit, in words
	// Confidence is how sure the facts are, as the provider's sources allow:
	// official-openapi, official-docs or partial. Sources name them (an
	// official OpenAPI file as owner/repo:path@commit, or a docs page).
	Confidence string   `yaml:"confidence"`
	Sources    []string `yaml:"sources"`
	// Experimental, when set, is the doubt that remains (an endpoint whose
	// availability is unverified): shown by 'keyctl providers' and the docs.
	Experimental string    `yaml:"experimental"`
	Revoke       Operation `yaml:"revoke"`
	// Secret, RevokeBySecret, Lookup and Verify describe what keyctl can do
	// with a leaked secret rather than a key id: recognise it, revoke it
	// with itself, find its id, and ask whether it still works.
	Secret         *SecretDef       `yaml:"secret"`
	RevokeBySecret *SecretOperation `yaml:"revoke_by_secret"`
	Lookup         *SecretOperation `yaml:"lookup"`
	Verify         *SecretOperation `yaml:"verify"`
	Sandbox        *SandboxDef      `yaml:"sandbox"`
	// BaseURLDescribe replaces BaseURL for a provider that lives on a host
	// of each customer's own (an Okta org, a Databricks workspace): what the
	// user sets, with an example. Nothing is sent until a base URL is set.
	BaseURLDescribe string `yaml:"base_url_describe"`

	file string // where it was loaded from, for messages
}

// Param is an extra value the request needs besides the id.
type Param struct {
	Name     string `yaml:"name"`
	Describe string `yaml:"describe"`
	Default  string `yaml:"default"`
	Pattern  string `yaml:"pattern"`
	// Example is a value of the documented shape: the sandbox and the
	// contract tests send it, and the docs show it. It is not a default.
	Example string `yaml:"example"`
	// Optional parameters may stay unset: the request then goes without
	// them. Only a Go adapter declares one (AWS's user_name).
	Optional bool `yaml:"-"`
}

// SandboxValue is what a rehearsal sends when nobody set the parameter:
// its default, its example, or "sandbox".
func (p Param) SandboxValue() string {
	switch {
	case p.Default != "":
		return p.Default
	case p.Example != "":
		return p.Example
	}
	return "sandbox"
}

// CredentialDef says what the credential is and how it is sent.
type CredentialDef struct {
	Describe string       `yaml:"describe"`
	Auth     AuthDef      `yaml:"auth"`
	Warn     []ShapeCheck `yaml:"warn"` // shapes of a credential of the wrong kind
	// Extra are further secrets the provider needs besides the main
	// credential (Datadog's application key, MongoDB Atlas' public key),
	// used in auth as {credential.NAME}. Each is supplied and guarded like
	// the main one: KEYCTL_<PROVIDER>_<NAME>, providers.<name>.<NAME> or
	// its _command, _file and _env forms; never a flag, never shown.
	Extra []ExtraCredential `yaml:"extra"`
}

// ExtraCredential is a further secret a provider's auth needs.
type ExtraCredential struct {
	Name     string `yaml:"name"`
	Describe string `yaml:"describe"`
}

// ExtraCredentialSuffixes are the config fields that give an extra
// credential NAME besides NAME itself, as for the main token.
var ExtraCredentialSuffixes = []string{"_command", "_command_timeout", "_file", "_env"}

// AuthDef is exactly one way of sending the credential.
type AuthDef struct {
	Bearer string     `yaml:"bearer"`
	Header *NameValue `yaml:"header"`
	Basic  *BasicAuth `yaml:"basic"`
	Query  *NameValue `yaml:"query"`
	None   bool       `yaml:"none"`
	// Headers sends several headers (Datadog's DD-API-KEY and
	// DD-APPLICATION-KEY); every one is masked like a credential.
	Headers []NameValue `yaml:"headers"`
	// Digest is HTTP Digest (RFC 7616): the request goes out without
	// credentials, and is sent again answering the server's challenge.
	Digest *BasicAuth `yaml:"digest"`
}

// NameValue is a header or query parameter.
type NameValue struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// BasicAuth is HTTP Basic with templated user and password.
type BasicAuth struct {
	User     string `yaml:"user"`
	Password string `yaml:"password"`
}

// ShapeCheck warns when a credential matches Pattern.
type ShapeCheck struct {
	Pattern string `yaml:"pattern"`
	Message string `yaml:"message"`
}

// IDDef is the documented shape of a key id.
type IDDef struct {
	Describe string `yaml:"describe"`
	Pattern  string `yaml:"pattern"`
	Example  string `yaml:"example"`
}

// Operation is one request and the reading of its answers. Revoke is the
// only operation today; revoke-by-secret, lookup and verify take the same
// shape.
type Operation struct {
	Request RequestDef        `yaml:"request"`
	Answers map[string]Answer `yaml:"answers"`
	// Message lists ways to find the provider's own explanation in an error
	// body; the first that yields text wins.
	Message []MessageDef `yaml:"message"`
}

// SecretDef is the documented shape of the provider's secrets.
type SecretDef struct {
	Describe string `yaml:"describe"`
	// Formats recognise a secret as this provider's (detection) and give the
	// public prefix its fingerprint may show.
	Formats []SecretFormat `yaml:"formats"`
	// ID derives the key id from the secret where its documented format
	// carries it: the first capture group of Pattern.
	ID *DeriveID `yaml:"id"`
	// Manual is the next step when no request can revoke the secret.
	Manual string `yaml:"manual"`
}

// SecretFormat is one documented shape of a secret.
type SecretFormat struct {
	Name    string `yaml:"name"`
	Pattern string `yaml:"pattern"` // matches the whole secret
	Prefix  string `yaml:"prefix"`  // the documented public prefix, shown in fingerprints
	// Loose marks a shape the provider does not document (any token): it
	// lets a named provider take the secret, but never detects a provider
	// (it would claim every other provider's secrets) nor masks text (it
	// would mask every word of a message).
	Loose bool `yaml:"loose"`
}

// DeriveID reads the key id out of the secret.
type DeriveID struct {
	Pattern  string `yaml:"pattern"` // the id is the first capture group
	Describe string `yaml:"describe"`
}

// SecretOperation is a request made about a leaked secret: {secret} is the
// secret in its templates.
type SecretOperation struct {
	Operation `yaml:",inline"`
	// Auth is what authenticates the request: secret (the leaked secret,
	// sent the way credential.auth sends a credential), credential (the
	// configured credential) or none.
	Auth string `yaml:"auth"`
	// ID is, for lookup, the JSON path of the key id in the answer whose
	// outcome is found.
	ID string `yaml:"id"`
	// Propagation is how long the provider documents a revocation may take
	// to be seen (verify retries until then), as a Go duration.
	Propagation string `yaml:"propagation"`
	// Batch is how many secrets one revoke_by_secret request may carry:
	// the JSON body's array holding "{secret}" then holds them all.
	Batch int `yaml:"batch"`
}

// RequestDef is the request on the wire.
type RequestDef struct {
	Method  string            `yaml:"method"`
	Path    string            `yaml:"path"`
	Headers map[string]string `yaml:"headers"`
	Query   map[string]string `yaml:"query"`
	Body    *BodyDef          `yaml:"body"`
}

// BodyDef is a JSON, form or GraphQL body whose string leaves are templates.
type BodyDef struct {
	JSON    any               `yaml:"json"`
	Form    map[string]string `yaml:"form"`
	GraphQL *GraphQLBody      `yaml:"graphql"`
}

// kinds counts the kinds of body given; a body is exactly one.
func (b *BodyDef) kinds() int {
	n := 0
	for _, given := range []bool{b.JSON != nil, b.Form != nil, b.GraphQL != nil} {
		if given {
			n++
		}
	}
	return n
}

// GraphQLBody is a GraphQL request sent as JSON ({"query", "variables"}).
// The query is sent as written: its braces are GraphQL's own, and values
// reach it only through variables, whose string leaves are templates, as
// GraphQL intends (no value is ever spliced into the query text).
type GraphQLBody struct {
	Query     string `yaml:"query"`
	Variables any    `yaml:"variables"`
}

// Answer maps one documented status to an outcome.
type Answer struct {
	Outcome string `yaml:"outcome"` // revoked, already_revoked, not_found, failed
	Exit    string `yaml:"exit"`    // an exit code name (internal/exit); default from the status
	Hint    string `yaml:"hint"`    // advice appended to the message
	// Describe is what the provider's document says the answer means; it
	// goes into the generated docs.
	Describe string `yaml:"describe"`
	// Body is what a success body must be: json (a JSON object), empty or
	// any. A revoked answer defaults to json, or empty for 204.
	Body    string  `yaml:"body"`
	Confirm []Check `yaml:"confirm"` // fields a success must carry, each checked on its own
	KeyOnly *Match  `yaml:"key_only"`
	// Cases refine the answer by its body, first match wins: Slack answers
	// 200 to everything, with {"ok": false, "error": "token_revoked"}.
	Cases []Case `yaml:"cases"`
}

// Case is an answer told apart by its body.
type Case struct {
	Match    `yaml:",inline"`
	Outcome  string `yaml:"outcome"`
	Exit     string `yaml:"exit"`
	Describe string `yaml:"describe"`
}

// Check is a field a success body must hold: a value it equals, or, for
// an answer that lists what it acted on, the id among the values.
type Check struct {
	Path   string `yaml:"path"`
	Equals any    `yaml:"equals"`
	// Contains is a template ({id}) naming a string the field must hold:
	// the field is an array (deleted_ids, or items.#.id for a field of
	// every element) and one of its elements is that string.
	Contains string `yaml:"contains"`
	Fail     string `yaml:"fail"` // message when it does not; {path} placeholders read the body
	// Optional: the document does not require the field (or gives Equals as
	// its default), so an answer without it still confirms; a present field
	// must still equal Equals.
	Optional bool `yaml:"optional"`
}

// Condition is the check in words, for the docs: "`success` = `true`" or
// "`deleted.#.id` listing the id".
func (c Check) Condition() string {
	if c.Contains != "" {
		what := "the id"
		if c.Contains != "{id}" {
			what = fmt.Sprintf("%q", c.Contains)
		}
		return fmt.Sprintf("`%s` listing %s", c.Path, what)
	}
	return fmt.Sprintf("`%s` = `%v`", c.Path, c.Equals)
}

// Match tells one kind of answer from another by its body.
type Match struct {
	Paths    []string `yaml:"paths"`
	Contains string   `yaml:"contains"` // case-insensitive
}

// MessageDef renders text from an error body. Text parts are templates of
// gjson paths; a part is kept only when every placeholder in it has a value.
// With Each, Item is rendered for every element (or every key, as {@key}, of
// an object, as {_key} and {_value}) and appended "; "-separated. Arrays of scalars are joined with
// Join (default ", ").
type MessageDef struct {
	Text []string `yaml:"text"`
	Each string   `yaml:"each"`
	Item []string `yaml:"item"`
	Join string   `yaml:"join"`
}

// SandboxDef is how the emulator plays the provider.
type SandboxDef struct {
	Token string   `yaml:"token"` // the public credential the emulator accepts
	Keys  []SKey   `yaml:"keys"`  // seeded keys
	NewID string   `yaml:"new_id"`
	Hooks []string `yaml:"hooks"` // named Go scenarios in internal/sandbox
	// Bodies are the answers the emulator sends, by status, as YAML that is
	// sent as JSON; "{id}" in a string is the key's id. A status without a
	// body is sent empty.
	Bodies map[string]any `yaml:"bodies"`
	// OpBodies are the bodies of the secret operations' answers, by
	// operation and status, like Bodies.
	OpBodies map[string]map[string]any `yaml:"op_bodies"`
}

// SKey is a seeded sandbox key.
type SKey struct {
	ID    string `yaml:"id"`
	State string `yaml:"state"`
	Note  string `yaml:"note"`
	Tag   string `yaml:"tag"` // read by hooks (e.g. other_owner)
	// Secret is the key's fake secret, in a documented format: what
	// keyctl sandbox leak prints and the secret operations accept.
	Secret string `yaml:"secret"`
}

// HasRevoke reports whether the definition revokes by id; a provider that
// only revokes leaked secrets by value (GitHub) has no revoke section.
func (d *Definition) HasRevoke() bool {
	return d.Revoke.Request.Method != "" || d.Revoke.Request.Path != "" || len(d.Revoke.Answers) > 0
}

// File is where the definition was loaded from.
func (d *Definition) File() string { return d.file }

// DefinitionError is a definition that cannot be used; it names the file,
// the line and the field.
type DefinitionError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *DefinitionError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// ParseDefinition reads and checks one definition. It never panics on bad
// input; every problem is a *DefinitionError.
func ParseDefinition(file string, data []byte) (d *Definition, err error) {
	defer func() {
		if r := recover(); r != nil { // a library's panic must not take keyctl down
			d, err = nil, &DefinitionError{File: file, Msg: fmt.Sprint("unreadable definition: ", r)}
		}
	}()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, &DefinitionError{File: file, Line: root.Line, Msg: "a definition is a YAML mapping (name:, base_url:, credential:, revoke:)"}
	}
	d = &Definition{file: file}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(d); err != nil {
		de := yamlError(file, err)
		if m := unknownField.FindStringSubmatch(de.Msg); m != nil {
			de.Field = fieldAt(root.Content[0], de.Line, m[1], "")
		}
		return nil, de
	}
	c := checker{file: file, root: root.Content[0], def: d}
	d.check(&c)
	if c.err != nil {
		return nil, c.err
	}
	return d, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

var unknownField = regexp.MustCompile(`field (\S+) not found`)

// fieldAt is the dotted path of the mapping key name on line, "" if none.
func fieldAt(n *yaml.Node, line int, name, prefix string) string {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			path := n.Content[i].Value
			if prefix != "" {
				path = prefix + "." + path
			}
			if n.Content[i].Line == line && n.Content[i].Value == name {
				return path
			}
			if f := fieldAt(n.Content[i+1], line, name, path); f != "" {
				return f
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if f := fieldAt(c, line, name, prefix+"."+strconv.Itoa(i)); f != "" {
				return f
			}
		}
	}
	return ""
}

func yamlError(file string, err error) *DefinitionError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(strings.Replace(msg, m[0]+":", "", 1))
		msg = strings.TrimSpace(strings.Replace(msg, m[0], "", 1))
	}
	msg = strings.ReplaceAll(msg, "in type providers.", "in ")
	return &DefinitionError{File: file, Line: line, Msg: msg}
}

// checker collects the first problem with its position.
type checker struct {
	def  *Definition // the definition being checked
	file string
	root *yaml.Node
	err  *DefinitionError
}

// fail records a problem at field (a dotted path such as revoke.answers.200.exit).
func (c *checker) fail(field, format string, args ...any) {
	if c.err != nil {
		return
	}
	c.err = &DefinitionError{File: c.file, Line: c.line(field), Field: field, Msg: fmt.Sprintf(format, args...)}
}

// line finds the line of a dotted field path in the YAML tree; the closest
// existing ancestor when the field itself is absent.
func (c *checker) line(field string) int {
	n := c.root
	line := n.Line
	for _, part := range strings.Split(field, ".") {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == part {
					line = n.Content[i].Line
					next = n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(part); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

var (
	namePattern  = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	paramPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// jsonPath is the subset of gjson paths definitions use: dotted keys,
	// array indexes and # (every element). Queries and modifiers are refused
	// so a typo cannot silently match nothing.
	jsonPath = regexp.MustCompile(`^[A-Za-z0-9_\-]+(\.([A-Za-z0-9_\-]+|#))*$`)
)

// Outcome names a definition may use.
var outcomeNames = map[string]State{
	"revoked": Revoked, "submitted": Submitted, "already_revoked": AlreadyRevoked, "not_found": NotFound, "failed": Failed,
}

// opOutcomes are the outcomes each operation's answers may name.
var opOutcomes = map[string]map[string]State{
	"revoke":           outcomeNames,
	"revoke_by_secret": {"revoked": Revoked, "submitted": Submitted, "already_revoked": AlreadyRevoked, "not_found": NotFound, "dead": Dead, "failed": Failed},
	"lookup":           {"found": Found, "dead": Dead, "not_found": NotFound, "failed": Failed},
	"verify":           {"live": Live, "dead": Dead, "failed": Failed},
}

func outcomeList(m map[string]State) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// opSuccess is the outcome an operation must document at least once.
var opSuccess = map[string][]string{
	"revoke":           {"revoked", "submitted"},
	"revoke_by_secret": {"revoked", "submitted"},
	"lookup":           {"found"},
	"verify":           {"live", "dead"},
}

func exitByName(name string) (exit.Code, bool) {
	for _, e := range exit.Table {
		if e.Name == name {
			return e.Code, true
		}
	}
	return 0, false
}

// requestVars are the placeholders of request templates besides params.
func (d *Definition) requestVars(withCredential bool) map[string]bool {
	v := map[string]bool{"id": true}
	if withCredential {
		v["credential"] = true
		for _, x := range d.Credential.Extra {
			v["credential."+x.Name] = true
		}
	}
	for _, p := range d.Params {
		v["param."+p.Name] = true
	}
	return v
}

func (d *Definition) check(c *checker) {
	if !namePattern.MatchString(d.Name) {
		c.fail("name", "%q: a provider name is lower-case letters and digits, starting with a letter (it becomes KEYCTL_<NAME>_TOKEN)", d.Name)
	}
	if d.Title == "" {
		d.Title = d.Name
	}
	switch {
	case d.BaseURL != "" && d.BaseURLDescribe != "":
		c.fail("base_url_describe", "give base_url (the provider's one server) or base_url_describe (a host per account), not both")
	case d.BaseURL == "" && d.BaseURLDescribe != "":
		// No default: the user sets the base URL, checked when it is read.
	default:
		checkBaseURL(c, "base_url", d.BaseURL)
	}
	switch d.Confidence {
	case "", "official-openapi", "official-docs", "partial":
	default:
		c.fail("confidence", "%q: one of official-openapi, official-docs or partial", d.Confidence)
	}
	seen := map[string]bool{}
	for i, p := range d.Params {
		f := fmt.Sprintf("params.%d.name", i)
		switch {
		case !paramPattern.MatchString(p.Name):
			c.fail(f, "%q: a parameter name is lower-case letters, digits and _", p.Name)
		case seen[p.Name]:
			c.fail(f, "parameter %q defined twice", p.Name)
		case p.Name == "token" || p.Name == "base_url" || strings.HasPrefix(p.Name, "token_"):
			c.fail(f, "%q is a credential setting, not a parameter", p.Name)
		}
		seen[p.Name] = true
		if re := checkRegexp(c, fmt.Sprintf("params.%d.pattern", i), p.Pattern); re != nil && p.Example != "" && !re.MatchString(p.Example) {
			c.fail(fmt.Sprintf("params.%d.example", i), "%q does not match the parameter's pattern", p.Example)
		}
	}
	d.checkAuth(c)
	d.checkExtra(c)
	for i, w := range d.Credential.Warn {
		checkRegexp(c, fmt.Sprintf("credential.warn.%d.pattern", i), w.Pattern)
		if w.Pattern == "" || w.Message == "" {
			c.fail(fmt.Sprintf("credential.warn.%d", i), "a credential check needs a pattern and a message")
		}
	}
	if d.ID.Pattern != "" {
		re := checkRegexp(c, "id.pattern", d.ID.Pattern)
		if re != nil && d.ID.Example != "" && !re.MatchString(d.ID.Example) {
			c.fail("id.example", "%q does not match id.pattern", d.ID.Example)
		}
	}
	if d.HasRevoke() || d.RevokeBySecret == nil {
		d.Revoke.check(c, "revoke", d.requestVars(false))
	}
	d.checkSecret(c)
	if d.Sandbox != nil {
		d.Sandbox.check(c)
	}
}

func checkBaseURL(c *checker, field, raw string) {
	if raw == "" {
		c.fail(field, "missing: the provider's server URL from its API document, or base_url_describe: what the user sets when every account has its own host")
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		c.fail(field, "%q is not an absolute http(s) URL", raw)
		return
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		c.fail(field, "%q: plain http is allowed only to loopback (127.0.0.1, ::1, localhost); a credential must not cross a network in clear text", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		c.fail(field, "%q: a base URL has no query, fragment or user info", raw)
	}
}

// IsLoopback reports whether host names this machine: lower-case localhost
// or a loopback IP (the same rule as Go's proxy bypass).
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkRegexp(c *checker, field, pattern string) *regexp.Regexp {
	if pattern == "" {
		return nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		c.fail(field, "invalid regular expression: %v", err)
		return nil
	}
	return re
}

// checkTemplate refuses placeholders outside vars and unbalanced braces.
func checkTemplate(c *checker, field, tmpl string, vars map[string]bool) {
	eachPlaceholder(c, field, tmpl, func(tag string) {
		if !vars[tag] {
			c.fail(field, "unknown template variable {%s} (known: %s)", tag, knownList(vars))
		}
	})
}

// checkPathTemplate checks a template whose placeholders are JSON paths.
func checkPathTemplate(c *checker, field, tmpl string) {
	eachPlaceholder(c, field, tmpl, func(tag string) { checkJSONPath(c, field, tag) })
}

// eachPlaceholder hands every {placeholder} of tmpl to check, after
// refusing unbalanced braces and what fasttemplate cannot parse.
func eachPlaceholder(c *checker, field, tmpl string, check func(tag string)) {
	if strings.Count(tmpl, "{") != strings.Count(tmpl, "}") {
		c.fail(field, "%q: unbalanced { }", tmpl)
		return
	}
	t, err := fasttemplate.NewTemplate(tmpl, "{", "}")
	if err != nil {
		c.fail(field, "%q: %v", tmpl, err)
		return
	}
	_, _ = t.ExecuteFunc(discard{}, func(_ io.Writer, tag string) (int, error) {
		check(tag)
		return 0, nil
	})
}

func checkJSONPath(c *checker, field, path string) {
	if !jsonPath.MatchString(path) {
		c.fail(field, "invalid JSON path %q: use dotted keys, array indexes and # (e.g. error.message, detail.#.msg)", path)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func knownList(vars map[string]bool) string {
	names := make([]string, 0, len(vars))
	for v := range vars {
		names = append(names, "{"+v+"}")
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func (d *Definition) checkAuth(c *checker) {
	a := d.Credential.Auth
	vars := d.requestVars(true)
	n := 0
	if a.Bearer != "" {
		n++
		checkTemplate(c, "credential.auth.bearer", a.Bearer, vars)
	}
	if a.Header != nil {
		n++
		if a.Header.Name == "" || a.Header.Value == "" {
			c.fail("credential.auth.header", "a header needs a name and a value")
		}
		checkTemplate(c, "credential.auth.header.value", a.Header.Value, vars)
	}
	if a.Basic != nil {
		n++
		checkTemplate(c, "credential.auth.basic.user", a.Basic.User, vars)
		checkTemplate(c, "credential.auth.basic.password", a.Basic.Password, vars)
	}
	if a.Query != nil {
		n++
		// The format has room for it, but a credential in the URL would
		// reach error messages and traces that mask headers only.
		c.fail("credential.auth.query", "a credential in the query string is not supported yet: it would appear wherever the URL is shown")
	}
	if a.None {
		n++
	}
	if len(a.Headers) > 0 {
		n++
		for i, h := range a.Headers {
			f := fmt.Sprintf("credential.auth.headers.%d", i)
			if h.Name == "" || h.Value == "" {
				c.fail(f, "a header needs a name and a value")
			}
			checkTemplate(c, f+".value", h.Value, vars)
		}
	}
	if a.Digest != nil {
		n++
		if a.Digest.User == "" || a.Digest.Password == "" {
			c.fail("credential.auth.digest", "Digest needs a user and a password")
		}
		checkTemplate(c, "credential.auth.digest.user", a.Digest.User, vars)
		checkTemplate(c, "credential.auth.digest.password", a.Digest.Password, vars)
	}
	if n != 1 {
		c.fail("credential.auth", "give exactly one of bearer, header, headers, basic, digest, query or none (found %d)", n)
	}
}

// checkExtra checks the extra credentials: names that make distinct
// settings and variables, and each one used by the auth (a secret asked
// for and never sent is a mistake in the definition).
func (d *Definition) checkExtra(c *checker) {
	used := map[string]bool{}
	for _, t := range d.Credential.Auth.templates() {
		eachPlaceholder(c, "credential.auth", t, func(tag string) { used[tag] = true })
	}
	taken := map[string]string{}
	for _, p := range d.Params {
		taken[p.Name] = "a parameter"
	}
	for i, x := range d.Credential.Extra {
		f := fmt.Sprintf("credential.extra.%d", i)
		switch {
		case !paramPattern.MatchString(x.Name):
			c.fail(f+".name", "%q: a credential name is lower-case letters, digits and _", x.Name)
		case x.Name == "token" || x.Name == "base_url" || strings.HasPrefix(x.Name, "token_"):
			c.fail(f+".name", "%q is the main credential's setting; name the extra one after what it is (application_key)", x.Name)
		case taken[x.Name] != "":
			c.fail(f+".name", "%q is already %s", x.Name, taken[x.Name])
		case x.Describe == "":
			c.fail(f+".describe", "missing: say what the credential is, for the message when it is not set")
		case !used["credential."+x.Name]:
			c.fail(f+".name", "{credential.%s} is not used in credential.auth", x.Name)
		}
		taken[x.Name] = "a credential"
		for _, sfx := range ExtraCredentialSuffixes {
			taken[x.Name+sfx] = "a setting of credential " + x.Name
		}
	}
	for i, p := range d.Params {
		if what := taken[p.Name]; what != "" && what != "a parameter" {
			c.fail(fmt.Sprintf("params.%d.name", i), "%q is already %s", p.Name, what)
		}
	}
}

// templates are the auth's templates, in a fixed order.
func (a AuthDef) templates() []string {
	var out []string
	if a.Bearer != "" {
		out = append(out, a.Bearer)
	}
	if a.Header != nil {
		out = append(out, a.Header.Value)
	}
	if a.Basic != nil {
		out = append(out, a.Basic.User, a.Basic.Password)
	}
	if a.Query != nil {
		out = append(out, a.Query.Value)
	}
	for _, h := range a.Headers {
		out = append(out, h.Value)
	}
	if a.Digest != nil {
		out = append(out, a.Digest.User, a.Digest.Password)
	}
	return out
}

// idInQuery reports whether a query parameter carries the id alone (Azure
// DevOps names the PAT to revoke with ?authorizationId=).
func idInQuery(q map[string]string) bool {
	for _, v := range q {
		if v == "{id}" {
			return true
		}
	}
	return false
}

var methods = map[string]bool{http.MethodDelete: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true, http.MethodGet: true}

func (o *Operation) check(c *checker, field string, vars map[string]bool) {
	r := o.Request
	if !methods[r.Method] {
		c.fail(field+".request.method", "%q: use DELETE, POST, PUT, PATCH or GET", r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") {
		c.fail(field+".request.path", "%q must start with /", r.Path)
	}
	checkTemplate(c, field+".request.path", r.Path, vars)
	if field == "revoke" && !strings.Contains(r.Path, "{id}") && r.Body == nil && !idInQuery(r.Query) {
		c.fail(field+".request.path", "%q: the id must appear in the path ({id}), a query parameter or the body", r.Path)
	}
	for k, v := range r.Headers {
		checkTemplate(c, field+".request.headers."+k, v, vars)
		if strings.EqualFold(k, "Authorization") {
			c.fail(field+".request.headers."+k, "the credential goes in credential.auth, not in a request header")
		}
	}
	for k, v := range r.Query {
		checkTemplate(c, field+".request.query."+k, v, vars)
	}
	if b := r.Body; b != nil {
		switch {
		case b.kinds() > 1:
			c.fail(field+".request.body", "give one of json, form or graphql")
		case b.JSON != nil:
			walkStrings(b.JSON, func(s string) { checkTemplate(c, field+".request.body.json", s, vars) })
		case b.Form != nil:
			for k, v := range b.Form {
				checkTemplate(c, field+".request.body.form."+k, v, vars)
			}
		case b.GraphQL != nil:
			if strings.TrimSpace(b.GraphQL.Query) == "" {
				c.fail(field+".request.body.graphql.query", "missing: the GraphQL document (values go in variables)")
			}
			walkStrings(b.GraphQL.Variables, func(s string) { checkTemplate(c, field+".request.body.graphql.variables", s, vars) })
		default:
			c.fail(field+".request.body", "give json, form or graphql")
		}
	}
	if len(o.Answers) == 0 {
		c.fail(field+".answers", "missing: map every documented status to an outcome")
	}
	statuses := map[int]string{}
	success := false
	for key, a := range o.Answers {
		f := field + ".answers." + key
		st, err := strconv.Atoi(key)
		if err != nil || st < 100 || st > 599 {
			c.fail(f, "%q is not an HTTP status", key)
			continue
		}
		if prev, dup := statuses[st]; dup {
			c.fail(f, "status %d is mapped twice (also as %q)", st, prev)
		}
		statuses[st] = key
		a.check(c, f, st, field)
		for _, want := range opSuccess[field] {
			if a.Outcome == want {
				success = true
			}
		}
	}
	if !success && c.err == nil {
		c.fail(field+".answers", "no answer has outcome %s: which documented answer says so?", strings.Join(opSuccess[field], " or "))
	}
	for i, m := range o.Message {
		f := fmt.Sprintf("%s.message.%d", field, i)
		for _, t := range m.Text {
			checkPathTemplate(c, f+".text", t)
		}
		for _, t := range m.Item {
			checkPathTemplate(c, f+".item", t)
		}
		if m.Each != "" {
			checkJSONPath(c, f+".each", m.Each)
		}
		if (m.Each == "") != (len(m.Item) == 0) {
			c.fail(f, "each and item go together")
		}
		if len(m.Text) == 0 && m.Each == "" {
			c.fail(f, "give text, or each with item")
		}
	}
}

func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case map[string]any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	}
}

func (a *Answer) check(c *checker, f string, status int, op string) {
	allowed := opOutcomes[op]
	checkOutcome := func(field, outcome string) {
		if _, ok := allowed[outcome]; outcome != "" && !ok {
			c.fail(field, "%q: use %s", outcome, outcomeList(allowed))
		}
	}
	checkOutcome(f+".outcome", a.Outcome)
	for i, cs := range a.Cases {
		cf := fmt.Sprintf("%s.cases.%d", f, i)
		checkOutcome(cf+".outcome", cs.Outcome)
		if cs.Outcome == "" {
			c.fail(cf+".outcome", "say what this answer means")
		}
		if (cs.Outcome == "revoked" || cs.Outcome == "submitted" || cs.Outcome == "found" || cs.Outcome == "live") && cs.Outcome != a.Outcome {
			c.fail(cf+".outcome", "a case may not turn an answer into a success; map the status itself")
		}
		for j, p := range cs.Paths {
			checkJSONPath(c, fmt.Sprintf("%s.paths.%d", cf, j), p)
		}
		if len(cs.Paths) == 0 || cs.Contains == "" {
			c.fail(cf, "give paths and contains")
		}
		if cs.Exit != "" {
			if _, ok := exitByName(cs.Exit); !ok {
				c.fail(cf+".exit", "%q is not an exit code name (see keyctl help exit-codes)", cs.Exit)
			}
		}
	}
	if a.Outcome == "found" || a.Outcome == "live" {
		if status < 200 || status > 299 {
			c.fail(f+".outcome", "only a 2xx answer can say %s", a.Outcome)
		}
		if a.Body != "" && a.Body != "json" {
			c.fail(f+".body", "a %s answer is read as JSON", a.Outcome)
		}
		for i, ch := range a.Confirm {
			checkJSONPath(c, fmt.Sprintf("%s.confirm.%d.path", f, i), ch.Path)
		}
		checkTemplate(c, f+".hint", a.Hint, hintVars)
		return
	}
	if a.Exit != "" {
		if _, ok := exitByName(a.Exit); !ok {
			c.fail(f+".exit", "%q is not an exit code name (see keyctl help exit-codes)", a.Exit)
		}
	}
	// A submitted answer is a success that confirms nothing: it is checked
	// like a revoked one (a 2xx, exit ok, its documented body).
	revoked := a.Outcome == "revoked" || a.Outcome == "submitted"
	if status >= 200 && status < 300 && a.Outcome == "" {
		c.fail(f+".outcome", "say what this success status means: revoked, or another outcome")
	}
	if revoked && (status < 200 || status > 299) {
		c.fail(f+".outcome", "only a 2xx answer can confirm (or accept) a revocation")
	}
	if revoked && a.Exit != "" && a.Exit != "ok" {
		c.fail(f+".exit", "a revoked or submitted answer exits ok")
	}
	switch a.Body {
	case "", "json", "empty", "any":
	default:
		c.fail(f+".body", "%q: use json, empty or any", a.Body)
	}
	if (a.Body != "" || len(a.Confirm) > 0) && !revoked {
		c.fail(f+".body", "body and confirm describe a revoked or submitted answer")
	}
	if len(a.Confirm) > 0 && a.Body != "" && a.Body != "json" {
		c.fail(f+".confirm", "confirm reads a JSON body (body: json)")
	}
	for i, ch := range a.Confirm {
		cf := fmt.Sprintf("%s.confirm.%d", f, i)
		checkJSONPath(c, cf+".path", ch.Path)
		switch ch.Equals.(type) {
		case nil:
			if ch.Contains == "" {
				c.fail(cf+".equals", "give the documented value (true, 100, \"ok\"), or contains: \"{id}\" for a list of what was revoked")
			}
		case bool, int, float64, string:
			if ch.Contains != "" {
				c.fail(cf+".contains", "give equals or contains, not both")
			}
		default:
			c.fail(cf+".equals", "give the documented value (true, 100, \"ok\")")
		}
		if ch.Contains != "" {
			checkTemplate(c, cf+".contains", ch.Contains, map[string]bool{"id": true})
			if ch.Optional {
				c.fail(cf+".optional", "a list that must name the key cannot be optional")
			}
		}
		if ch.Fail != "" {
			checkPathTemplate(c, cf+".fail", ch.Fail)
		}
	}
	if a.KeyOnly != nil {
		if status != http.StatusTooManyRequests {
			c.fail(f+".key_only", "only a 429 can concern one key only")
		}
		for i, p := range a.KeyOnly.Paths {
			checkJSONPath(c, fmt.Sprintf("%s.key_only.paths.%d", f, i), p)
		}
		if len(a.KeyOnly.Paths) == 0 || a.KeyOnly.Contains == "" {
			c.fail(f+".key_only", "give paths and contains")
		}
	}
	checkTemplate(c, f+".hint", a.Hint, hintVars)
}

// hintVars are the placeholders a hint may use.
var hintVars = map[string]bool{"auth_hint": true, "retry_after": true}

func (s *SandboxDef) check(c *checker) {
	seen := map[string]bool{}
	for i, k := range s.Keys {
		f := fmt.Sprintf("sandbox.keys.%d", i)
		if k.ID == "" || seen[k.ID] {
			c.fail(f+".id", "a seeded key needs a unique id")
		}
		seen[k.ID] = true
		if k.Secret != "" && !matchesAnyFormat(c.def, k.Secret) {
			c.fail(f+".secret", "the seeded secret matches none of secret.formats")
		}
		if k.State != "" && k.State != "active" && k.State != "revoked" {
			c.fail(f+".state", "%q: use active or revoked", k.State)
		}
	}
	if s.NewID != "" && strings.Count(s.NewID, "%") != 1 {
		c.fail("sandbox.new_id", "%q: one %%d (or %%0Nd) verb for the sequence number", s.NewID)
	}
	for op, bodies := range s.OpBodies {
		if _, ok := opOutcomes[op]; !ok || op == "revoke" {
			c.fail("sandbox.op_bodies."+op, "%q: use revoke_by_secret, lookup or verify", op)
		}
		for key := range bodies {
			if st, err := strconv.Atoi(key); err != nil || st < 100 || st > 599 {
				c.fail("sandbox.op_bodies."+op+"."+key, "%q is not an HTTP status", key)
			}
		}
	}
	for key := range s.Bodies {
		if st, err := strconv.Atoi(key); err != nil || st < 100 || st > 599 {
			c.fail("sandbox.bodies."+key, "%q is not an HTTP status", key)
		}
		walkStrings(s.Bodies[key], func(v string) { checkTemplate(c, "sandbox.bodies."+key, v, map[string]bool{"id": true}) })
	}
}
