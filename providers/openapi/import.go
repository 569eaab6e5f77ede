// Package openapi drafts a provider definition from a provider's OpenAPI
// document: the server URL becomes the base URL, the operation's last path
// parameter the key id and the others parameters the user supplies, the
// security scheme the auth, each documented response an answer, the id
// parameter's pattern the id check and the error schema the message paths.
// Every guess is marked with a comment in the written definition.
package openapi

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Options choose what to import.
type Options struct {
	// Operation is an operationId or "METHOD /path"; "" picks the only
	// DELETE operation.
	Operation string
	// Name is the provider name; "" derives it from the document's title.
	Name string
	// Source names the document in the written file's header comment.
	Source string
}

type node = map[string]any

// Import writes a definition from an OpenAPI document (YAML or JSON, or
// Markdown with the document in a fenced block).
func Import(doc []byte, opts Options) (string, error) {
	root, err := parse(doc)
	if err != nil {
		return "", err
	}
	im := &importer{root: root}
	return im.run(opts)
}

// fence is a fenced block of three or more backticks, with any info string.
var fence = regexp.MustCompile("(?s)(`{3,})[^\\n]*\\n(.*?)\\n(`{3,})")

func parse(doc []byte) (node, error) {
	var root node
	if err := yaml.Unmarshal(doc, &root); err == nil && root["openapi"] != nil {
		return root, nil
	}
	for _, m := range fence.FindAllSubmatch(doc, -1) {
		var r node
		if yaml.Unmarshal(m[2], &r) == nil && r["openapi"] != nil && r["paths"] != nil {
			return r, nil
		}
	}
	return nil, fmt.Errorf("no OpenAPI document found (a YAML or JSON document with openapi: and paths:, or one in a fenced block of a Markdown file)")
}

type importer struct {
	root        node
	out         bytes.Buffer
	extraParams []string // parameters the auth needs
}

type operation struct {
	method, path string
	op           node
	params       []node // path-level and operation-level parameters, resolved
}

func (im *importer) operations() []operation {
	var ops []operation
	paths, _ := im.root["paths"].(node)
	for path, v := range paths {
		item, _ := im.resolve(v).(node)
		var shared []any
		if p, ok := item["parameters"].([]any); ok {
			shared = p
		}
		for method, ov := range item {
			m := strings.ToUpper(method)
			switch m {
			case "DELETE", "POST", "PUT", "PATCH", "GET":
			default:
				continue
			}
			op, _ := im.resolve(ov).(node)
			o := operation{method: m, path: path, op: op}
			list, _ := op["parameters"].([]any)
			for _, pv := range append(append([]any{}, shared...), list...) {
				if p, ok := im.resolve(pv).(node); ok {
					o.params = append(o.params, p)
				}
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].path != ops[j].path {
			return ops[i].path < ops[j].path
		}
		return ops[i].method < ops[j].method
	})
	return ops
}

func (im *importer) pick(want string) (operation, error) {
	ops := im.operations()
	var names []string
	for _, o := range ops {
		id, _ := o.op["operationId"].(string)
		names = append(names, fmt.Sprintf("%s %s (%s)", o.method, o.path, id))
		if want == "" {
			continue
		}
		if id == want || strings.EqualFold(o.method+" "+o.path, strings.TrimSpace(want)) {
			return o, nil
		}
	}
	if want == "" {
		var deletes []operation
		for _, o := range ops {
			if o.method == "DELETE" && strings.Contains(o.path, "{") {
				deletes = append(deletes, o)
			}
		}
		if len(deletes) == 1 {
			return deletes[0], nil
		}
		return operation{}, fmt.Errorf("choose the revoke operation with --operation (an operationId or \"METHOD /path\"): %s", strings.Join(names, ", "))
	}
	return operation{}, fmt.Errorf("no operation %q in the document; it has: %s", want, strings.Join(names, ", "))
}

// resolve follows a local $ref.
func (im *importer) resolve(v any) any {
	for i := 0; i < 16; i++ {
		n, ok := v.(node)
		if !ok {
			return v
		}
		ref, ok := n["$ref"].(string)
		if !ok {
			return v
		}
		var cur any = im.root
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(node)
			cur = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(part)]
		}
		v = cur
	}
	return v
}

func (im *importer) line(format string, args ...any) {
	fmt.Fprintf(&im.out, format+"\n", args...)
}

// q quotes a YAML scalar (JSON strings are YAML double-quoted scalars).
func q(s string) string { return strconv.Quote(s) }

var (
	nonName   = regexp.MustCompile(`[^a-z0-9]+`)
	camel     = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	paramName = regexp.MustCompile(`\{([^}]+)\}`)
	prefixed  = regexp.MustCompile(`(?i)prefixed with (?:the )?["'\x60]?([A-Za-z][A-Za-z0-9-]*)["'\x60]?`)
)

func snake(s string) string {
	s = strings.ToLower(camel.ReplaceAllString(s, "${1}_${2}"))
	s = strings.Trim(regexp.MustCompile(`[^a-z0-9_]+`).ReplaceAllString(s, "_"), "_")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "p_" + s
	}
	return s
}

func (im *importer) run(opts Options) (string, error) {
	o, err := im.pick(opts.Operation)
	if err != nil {
		return "", err
	}
	info, _ := im.root["info"].(node)
	title, _ := info["title"].(string)
	base, baseNote := im.server(o)
	name := opts.Name
	if name == "" {
		name = brand(base)
	}
	displayTitle := name
	for _, w := range strings.Fields(title) {
		if strings.EqualFold(nonName.ReplaceAllString(strings.ToLower(w), ""), name) {
			displayTitle = strings.Trim(w, "()")
		}
	}
	opID, _ := o.op["operationId"].(string)
	src := opts.Source
	if src == "" {
		src = "an OpenAPI document"
	}
	im.line("# Drafted by keyctl providers import from %s, operation %s %s (%s).", src, o.method, o.path, opID)
	im.line("# Lines marked GUESS need a person's check against the provider's documentation;")
	im.line("# then run keyctl providers validate on this file.")
	im.line("name: %s", name)
	if opts.Name == "" {
		im.line("# GUESS: the name comes from the server's domain; pass --name to choose another")
	}
	im.line("title: %s", q(displayTitle))

	im.line("base_url: %s", q(base))
	if baseNote != "" {
		im.line("# GUESS: %s", baseNote)
	}

	// Path parameters: the last is the key id, the others the user's.
	idName, others := "", []node{}
	var pathParams []string
	for _, m := range paramName.FindAllStringSubmatch(o.path, -1) {
		pathParams = append(pathParams, m[1])
	}
	if len(pathParams) > 0 {
		idName = pathParams[len(pathParams)-1]
	}
	var idParam node
	for _, p := range o.params {
		if p["in"] != "path" {
			continue
		}
		if p["name"] == idName {
			idParam = p
		} else {
			others = append(others, p)
		}
	}
	// The auth section first, into its own buffer: it may need a parameter.
	head := im.out
	im.out = bytes.Buffer{}
	im.auth(o)
	authText := im.out.String()
	im.out = head
	path := o.path
	var paramLines []string
	for _, p := range others {
		pn, _ := p["name"].(string)
		desc, _ := p["description"].(string)
		if desc == "" {
			desc = "the " + pn
		}
		paramLines = append(paramLines, fmt.Sprintf("  - {name: %s, describe: %s}", snake(pn), q(oneLine(desc))))
		path = strings.ReplaceAll(path, "{"+pn+"}", "{param."+snake(pn)+"}")
	}
	if ps := append(paramLines, im.extraParams...); len(ps) > 0 {
		im.line("params:")
		for _, l := range ps {
			im.line("%s", l)
		}
	}
	im.out.WriteString(authText)
	if idName != "" {
		path = strings.ReplaceAll(path, "{"+idName+"}", "{id}")
	}

	if idParam != nil {
		schema, _ := im.resolve(idParam["schema"]).(node)
		pattern, _ := schema["pattern"].(string)
		example := fmt.Sprint(first(schema["example"], idParam["example"]))
		if pattern != "" {
			im.line("id:")
			im.line("  pattern: %s", q(pattern))
			if re, err := regexp.Compile(pattern); err == nil && example != "<nil>" && re.MatchString(example) {
				im.line("  example: %s", q(example))
			} else if example != "<nil>" {
				im.line("  # the document's example %q does not match its own pattern", example)
			}
		}
	}
	if len(pathParams) > 1 {
		im.line("# GUESS: {%s}, the last path parameter, is the key id", idName)
	}

	im.line("revoke:")
	im.line("  request: {method: %s, path: %s}", o.method, q(path))
	if idName == "" {
		im.line("  # GUESS: the path names no key: this operation revokes the credential it is called with")
	}
	im.answers(o)
	im.messages(o)
	out := im.out.String()
	if idName == "" {
		// The format needs the id in the path or the body; say so plainly.
		out = strings.Replace(out, "revoke:\n", "# NOTE: keyctl needs {id} in the path or a body; edit before use\nrevoke:\n", 1)
	}
	return out, nil
}

// brand is the server's registered domain label: api.lava.so → lava.
func brand(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return "provider"
	}
	labels := strings.Split(u.Hostname(), ".")
	name := labels[0]
	if len(labels) >= 2 {
		name = labels[len(labels)-2]
	}
	name = nonName.ReplaceAllString(strings.ToLower(name), "")
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return "provider"
	}
	return name
}

func first(vs ...any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// server is the operation's (or the document's) first server URL.
func (im *importer) server(o operation) (string, string) {
	servers, _ := o.op["servers"].([]any)
	if len(servers) == 0 {
		servers, _ = im.root["servers"].([]any)
	}
	if len(servers) == 0 {
		return "https://api.example.com", "the document lists no server"
	}
	s, _ := servers[0].(node)
	raw, _ := s["url"].(string)
	note := ""
	if len(servers) > 1 {
		note = fmt.Sprintf("the first of %d servers; others go in KEYCTL_<NAME>_BASE_URL", len(servers))
	}
	if vars, ok := s["variables"].(node); ok {
		for k, v := range vars {
			vn, _ := v.(node)
			def := fmt.Sprint(vn["default"])
			raw = strings.ReplaceAll(raw, "{"+k+"}", def)
			note = fmt.Sprintf("the server variable {%s} is set to its default %q; each user sets theirs with KEYCTL_<NAME>_BASE_URL", k, def)
		}
	}
	if u, err := url.Parse(raw); err != nil || u.Host == "" {
		return "https://api.example.com", fmt.Sprintf("the server URL %q is not absolute", raw)
	}
	return strings.TrimRight(raw, "/"), note
}

// auth writes the credential section from the operation's security scheme.
func (im *importer) auth(o operation) {
	sec, ok := o.op["security"].([]any)
	if !ok {
		sec, _ = im.root["security"].([]any)
	}
	schemes, _ := im.resolve(im.root["components"]).(node)
	schemes, _ = schemes["securitySchemes"].(node)
	var chosen node
	var chosenName string
	for _, req := range sec {
		r, _ := req.(node)
		for n := range r {
			if s, ok := im.resolve(schemes[n]).(node); ok && chosen == nil {
				chosen, chosenName = s, n
			}
		}
	}
	im.line("credential:")
	desc, _ := chosen["description"].(string)
	if desc != "" {
		im.line("  describe: %s", q(oneLine(desc)))
	}
	typ, _ := chosen["type"].(string)
	scheme, _ := chosen["scheme"].(string)
	in, _ := chosen["in"].(string)
	hname, _ := chosen["name"].(string)
	switch {
	case chosen == nil:
		im.line("  auth: {none: true}")
		im.line("  # GUESS: the operation names no security scheme")
	case typ == "http" && strings.EqualFold(scheme, "bearer"):
		im.line("  auth: {bearer: \"{credential}\"}  # security scheme %s", chosenName)
	case typ == "http" && strings.EqualFold(scheme, "basic"):
		im.line("  auth: {basic: {user: \"{param.username}\", password: \"{credential}\"}}  # security scheme %s", chosenName)
		im.line("  # GUESS: Basic auth; the user name is the parameter username, the credential the password")
		im.extraParams = append(im.extraParams, "  - {name: username, describe: the user name of HTTP Basic auth}")
	case typ == "apiKey" && in == "header":
		value := "{credential}"
		if m := prefixed.FindStringSubmatch(desc); m != nil {
			value = m[1] + " {credential}"
			im.line("  # GUESS: the value is prefixed with %q, from the scheme's description", m[1])
		}
		im.line("  auth: {header: {name: %s, value: %s}}  # security scheme %s", hname, q(value), chosenName)
	case typ == "apiKey" && in == "query":
		im.line("  auth: {none: true}")
		im.line("  # NOTE: the document sends the credential in the query parameter %q, which keyctl does not support yet", hname)
	default:
		im.line("  auth: {bearer: \"{credential}\"}")
		im.line("  # GUESS: security scheme %s (%s) taken as a Bearer token", chosenName, typ)
	}
}

var confirmNames = map[string]bool{"deleted": true, "success": true, "revoked": true, "ok": true, "removed": true}

// answers maps each documented response.
func (im *importer) answers(o operation) {
	responses, _ := o.op["responses"].(node)
	var codes []int
	for k := range responses {
		if st, err := strconv.Atoi(k); err == nil {
			codes = append(codes, st)
		}
	}
	sort.Ints(codes)
	im.line("  answers:")
	for _, st := range codes {
		r, _ := im.resolve(responses[strconv.Itoa(st)]).(node)
		desc, _ := r["description"].(string)
		desc = oneLine(desc)
		schema := im.jsonSchema(r)
		fields := []string{}
		if desc != "" {
			fields = append(fields, "describe: "+q(desc))
		}
		var notes []string
		switch {
		case st >= 200 && st < 300:
			fields = append(fields, "outcome: revoked")
			switch {
			case st == 204:
				fields = append(fields, "body: empty")
			case schema != nil:
				fields = append(fields, "body: json")
				if c := im.confirm(schema); c != "" {
					fields = append(fields, "confirm: ["+c+"]")
					notes = append(notes, "GUESS: the confirming field comes from the success schema")
				}
			default:
				fields = append(fields, "body: any")
				notes = append(notes, "GUESS: no success body is documented")
			}
		case st == 404:
			fields = append(fields, "outcome: not_found")
		case st == 409 && strings.Contains(strings.ToLower(desc), "already"):
			fields = append(fields, "outcome: already_revoked")
		default:
			fields = append(fields, "outcome: failed")
			if st == 429 && strings.Contains(strings.ToLower(desc), "cooldown") {
				if paths := im.errorPaths(schema); len(paths) > 0 {
					fields = append(fields, "key_only: {paths: ["+strings.Join(paths, ", ")+"], contains: cooldown}")
					notes = append(notes, "GUESS: the description speaks of a cooldown: this 429 concerns one key")
				}
			}
			if desc != "" && !generic(st, desc) && st != 401 && st != 429 && st < 500 {
				fields = append(fields, "hint: "+q(desc))
			}
		}
		im.line("    %q: {%s}", strconv.Itoa(st), strings.Join(fields, ", "))
		for _, n := range notes {
			im.line("    # %s", n)
		}
	}
}

// generic reports a description that only restates the status.
func generic(status int, desc string) bool {
	d := strings.ToLower(strings.Trim(desc, ". "))
	switch d {
	case "unauthorized", "forbidden", "not found", "validation error", "too many requests", "rate limited", "bad request", "conflict", "invalid request", "error":
		return true
	}
	return false
}

// jsonSchema is a response's application/json schema, resolved.
func (im *importer) jsonSchema(r node) node {
	content, _ := r["content"].(node)
	for ct, v := range content {
		if !strings.Contains(ct, "json") {
			continue
		}
		m, _ := v.(node)
		s, _ := im.resolve(m["schema"]).(node)
		return s
	}
	return nil
}

// confirm guesses the field a success body confirms the revocation with.
func (im *importer) confirm(schema node) string {
	props, _ := schema["properties"].(node)
	var names []string
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, _ := im.resolve(props[n]).(node)
		switch {
		case p["type"] == "boolean" && confirmNames[strings.ToLower(n)]:
			return fmt.Sprintf("{path: %s, equals: true%s}", n, optional(schema, n, p))
		case p["type"] == "integer" && n == "code" && first(p["default"], p["example"]) != nil:
			return fmt.Sprintf("{path: code, equals: %v%s}", first(p["default"], p["example"]), optional(schema, n, p))
		}
	}
	return ""
}

// optional marks a confirming field the schema does not require, or whose
// documented default is the confirming value: an answer without it still
// matches the documented success.
func optional(schema node, name string, prop node) string {
	if prop["default"] != nil {
		return ", optional: true"
	}
	req, _ := schema["required"].([]any)
	for _, r := range req {
		if r == name {
			return ""
		}
	}
	return ", optional: true"
}

// errorSchema is the JSON schema of the first documented error response.
func (im *importer) errorSchema(o operation) node {
	responses, _ := o.op["responses"].(node)
	var codes []int
	for k := range responses {
		if st, err := strconv.Atoi(k); err == nil && st >= 400 {
			codes = append(codes, st)
		}
	}
	sort.Ints(codes)
	for _, st := range codes {
		r, _ := im.resolve(responses[strconv.Itoa(st)]).(node)
		if s := im.jsonSchema(r); s != nil {
			return s
		}
	}
	return nil
}

func (im *importer) props(s node) node {
	p, _ := s["properties"].(node)
	return p
}

func (im *importer) prop(s node, name string) node {
	p, _ := im.resolve(im.props(s)[name]).(node)
	return p
}

// errorPaths are the paths of an error's code and message.
func (im *importer) errorPaths(s node) []string {
	if e := im.prop(s, "error"); e != nil && e["type"] != "string" {
		var out []string
		for _, n := range []string{"code", "message"} {
			if im.prop(e, n) != nil {
				out = append(out, "error."+n)
			}
		}
		return out
	}
	var out []string
	for _, n := range []string{"code", "message"} {
		if im.prop(s, n) != nil {
			out = append(out, n)
		}
	}
	return out
}

// messages writes where the provider's explanation sits in an error body.
func (im *importer) messages(o operation) {
	s := im.errorSchema(o)
	if s == nil {
		return
	}
	var lines []string
	if e := im.prop(s, "error"); e != nil && e["type"] != "string" {
		text := `["{error.message}"`
		if im.prop(e, "code") != nil {
			text += `, " ({error.code})"`
		}
		text += "]"
		line := "    - text: " + text
		if is := im.prop(e, "issues"); is != nil {
			items, _ := im.resolve(is["items"]).(node)
			if im.prop(items, "path") != nil && im.prop(items, "message") != nil {
				line += "\n      each: error.issues\n      item: [\"{path}: \", \"{message}\"]\n      join: \".\""
			}
		}
		lines = append(lines, line)
	}
	if d := im.prop(s, "detail"); d != nil {
		if d["type"] == "array" {
			items, _ := im.resolve(d["items"]).(node)
			if im.prop(items, "msg") != nil {
				// FastAPI: {"detail": "…"} from HTTPException, a list from validation.
				lines = append(lines, `    - text: ["{detail}"]`,
					"    - each: detail\n      item: [\"{loc}: \", \"{msg}\", \" ({type})\"]\n      join: \".\"")
			}
		} else {
			lines = append(lines, `    - text: ["{detail}"]`)
		}
	}
	if im.prop(s, "message") != nil {
		line := `    - text: ["{message}"]`
		if es := im.prop(s, "errors"); es != nil && es["type"] == "object" {
			line += "\n      each: errors\n      item: [\"{_key}: \", \"{_value}\"]"
		}
		lines = append(lines, line)
	}
	if es := im.prop(s, "errors"); es != nil && es["type"] == "array" {
		items, _ := im.resolve(es["items"]).(node)
		for _, n := range []string{"detail", "title", "message"} {
			if im.prop(items, n) != nil {
				lines = append(lines, "    - each: errors\n      item: [\"{"+n+"}\"]")
				break
			}
		}
	}
	for _, n := range []string{"errorSummary", "error_description", "title"} {
		if im.prop(s, n) != nil {
			lines = append(lines, `    - text: ["{`+n+`}"]`)
		}
	}
	if len(lines) == 0 {
		return
	}
	if !strings.Contains(strings.Join(lines, "\n"), `"{message}"`) {
		lines = append(lines, `    - text: ["{message}"]  # GUESS: a plain {"message": …} as a last resort`)
	}
	im.line("  # from the error schema of the documented error answers")
	im.line("  message:")
	for _, l := range lines {
		im.line("%s", l)
	}
}
