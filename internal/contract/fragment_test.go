package contract

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/keyctl/keyctl/providers"
)

// fragment is what the suite reads of a provider's OpenAPI description:
// its operations, the servers each is reached through, and the statuses
// each documents.
type fragment struct {
	file string
	ops  []fragmentOp
}

// fragmentOp is one operation of a description.
type fragmentOp struct {
	method   string // upper case
	template string // the path template as the description writes it
	servers  []string
	statuses []int // the numeric response keys; default and 4XX say nothing exact
}

// name is how messages show the operation: DELETE /personal_access_tokens/{id}.
func (o fragmentOp) name() string { return o.method + " " + o.template }

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

type server struct {
	URL string `yaml:"url"`
}

// parseFragment reads a description. Servers may be given for the whole
// document, a path or an operation, the nearest winning (Google's fragment
// reaches three hosts).
func parseFragment(file string, data []byte) (*fragment, error) {
	var doc struct {
		Servers []server                        `yaml:"servers"`
		Paths   map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	f := &fragment{file: file}
	for template, item := range doc.Paths {
		pathServers := doc.Servers
		if n, ok := item["servers"]; ok {
			if err := n.Decode(&pathServers); err != nil {
				return nil, fmt.Errorf("%s: %s servers: %v", file, template, err)
			}
		}
		for method, node := range item {
			if !httpMethods[strings.ToLower(method)] {
				continue // parameters, servers, summary
			}
			var op struct {
				Servers   []server       `yaml:"servers"`
				Responses map[string]any `yaml:"responses"`
			}
			if err := node.Decode(&op); err != nil {
				return nil, fmt.Errorf("%s: %s %s: %v", file, method, template, err)
			}
			fo := fragmentOp{method: strings.ToUpper(method), template: template}
			servers := pathServers
			if len(op.Servers) > 0 {
				servers = op.Servers
			}
			for _, s := range servers {
				fo.servers = append(fo.servers, urlPath(s.URL))
			}
			if len(fo.servers) == 0 {
				fo.servers = []string{""} // OpenAPI's default server is "/"
			}
			for key := range op.Responses {
				if st, err := strconv.Atoi(key); err == nil {
					fo.statuses = append(fo.statuses, st)
				}
			}
			sort.Ints(fo.statuses)
			f.ops = append(f.ops, fo)
		}
	}
	sort.Slice(f.ops, func(i, j int) bool { return f.ops[i].name() < f.ops[j].name() })
	return f, nil
}

// urlPath is the path of a URL or URL template without its trailing slash:
// "/api/v4" for https://{host}/api/v4, "" for https://api.lava.so.
func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		j := strings.Index(rest, "/")
		if j < 0 {
			return ""
		}
		u = rest[j:]
	}
	return strings.TrimRight(u, "/")
}

// placeholder is a {name} in a path template, the definition's or the
// description's.
var placeholder = regexp.MustCompile(`\{[^{}/]*\}`)

// hole stands for a definition's placeholder when its path is matched
// against a description's templates: a description's parameter matches it,
// a literal segment never does.
const hole = "\x00"

// templateRegexp turns a description's path template into a regular
// expression whose parameters match any non-empty segment text.
func templateRegexp(template string) string {
	var b strings.Builder
	last := 0
	for _, m := range placeholder.FindAllStringIndex(template, -1) {
		b.WriteString(regexp.QuoteMeta(template[last:m[0]]))
		b.WriteString(`[^/]+`)
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(template[last:]))
	return b.String()
}

// opMatch is the description's operation a definition's request is, and
// the concrete server path it is reached through ("/api/v4").
type opMatch struct {
	op     fragmentOp
	prefix string
}

// matchOperation finds the description's operation for a request: same
// method, and the definition's path appended to its base URL's path is one
// of the operation's servers' paths followed by its template. Where
// several match, the most specific template wins, as in OpenAPI: a
// literal /tokens/verify over /tokens/{id}.
func (f *fragment) matchOperation(baseURL, method, path string) (opMatch, bool) {
	full := urlPath(baseURL) + placeholder.ReplaceAllString(path, hole)
	var found []opMatch
	for _, op := range f.ops {
		if op.method != strings.ToUpper(method) {
			continue
		}
		for _, s := range op.servers {
			re := regexp.MustCompile(`^(` + templateRegexp(s) + `)` + templateRegexp(op.template) + `$`)
			m := re.FindStringSubmatch(full)
			if m == nil || strings.Contains(m[1], hole) {
				continue
			}
			found = append(found, opMatch{op: op, prefix: m[1]})
			break
		}
	}
	if len(found) == 0 {
		return opMatch{}, false
	}
	sort.SliceStable(found, func(i, j int) bool {
		pi, pj := len(placeholder.FindAllString(found[i].op.template, -1)), len(placeholder.FindAllString(found[j].op.template, -1))
		return pi < pj
	})
	return found[0], true
}

// operation is one request a definition sends, matched to its description.
type operation struct {
	name   string // providers.OpRevoke, OpRevokeBySecret, OpLookup, OpVerify
	method string
	path   string // the definition's path template
	doc    fragmentOp
	cases  []statusCase
}

// definitionOps are the requests a definition sends, by operation name,
// in the order keyctl tries them.
func definitionOps(d *providers.Definition) []struct {
	name string
	op   providers.Operation
} {
	type named = struct {
		name string
		op   providers.Operation
	}
	var out []named
	if d.HasRevoke() {
		out = append(out, named{providers.OpRevoke, d.Revoke})
	}
	for _, s := range []struct {
		name string
		op   *providers.SecretOperation
	}{{providers.OpRevokeBySecret, d.RevokeBySecret}, {providers.OpLookup, d.Lookup}, {providers.OpVerify, d.Verify}} {
		if s.op != nil {
			out = append(out, named{s.name, s.op.Operation})
		}
	}
	return out
}

// checkOperations matches each of a definition's requests to the
// description's operation: a request the description does not describe is
// an error (Prism could not validate it, nor could the provider be trusted
// to take it), and so is a status the description documents for it that
// the definition does not map. prefix is the server path the requests are
// reached through.
func checkOperations(defFile string, d *providers.Definition, f *fragment) (ops []operation, prefix string, errs []string) {
	for _, o := range definitionOps(d) {
		req := o.op.Request
		m, ok := f.matchOperation(d.BaseURL, req.Method, req.Path)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: %s sends %s %s%s, which %s does not describe: the description must describe every request keyctl sends",
				defFile, o.name, req.Method, urlPath(d.BaseURL), req.Path, f.file))
			continue
		}
		if len(ops) == 0 {
			prefix = m.prefix
		} else if m.prefix != prefix {
			errs = append(errs, fmt.Sprintf("%s: %s reaches %s through the server path %q, the other requests through %q",
				defFile, o.name, m.op.name(), m.prefix, prefix))
			continue
		}
		x := operation{name: o.name, method: strings.ToUpper(req.Method), path: req.Path, doc: m.op}
		for _, st := range m.op.statuses {
			a, ok := o.op.Answers[strconv.Itoa(st)]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s documents %d for %s, but %s's %s does not map it", f.file, st, m.op.name(), defFile, o.name))
				continue
			}
			x.cases = append(x.cases, statusCase{status: st, outcome: outcomeOf(a), code: int(codeOf(a, st)), answer: a})
		}
		ops = append(ops, x)
	}
	return ops, prefix, errs
}
