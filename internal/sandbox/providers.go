package sandbox

import (
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/keyctl/keyctl/providers"
)

// emulated is one provider as the emulator plays it, compiled from its
// definition.
type emulated struct {
	name  string
	def   *providers.Definition
	route string // ServeMux pattern; "" when the path cannot be routed
	// idPath finds the id in a request body when the path has none.
	idPath, idForm string
	success        int // the documented revoked status
	already        int // the already-revoked status, 0 when undocumented
	notFound       int
	authName       string // header carrying the credential, "" for none
	authValue      string
	hooks          []hook
	unknownHooks   []string

	// idQuery names the query parameter carrying the id, when one does.
	idQuery string
	// secretOps are the operations on a leaked secret, if any.
	secretOps []*secretOp

	// authHeaders are every header carrying a credential, when there are
	// several (Datadog's API and application keys); each must match.
	authHeaders http.Header
	digest      *digestAuth // HTTP Digest, nil for other schemes
	// idSuffix follows the id in its path segment (Google's custom
	// methods, keys/{id}:disable): ServeMux routes whole segments only, so
	// the route takes the segment and serve cuts the suffix off.
	idSuffix string
}

func newEmulated(p *providers.Defined) *emulated {
	d := p.Definition()
	e := &emulated{name: d.Name, def: d, notFound: http.StatusNotFound}
	statuses := make([]int, 0, len(d.Revoke.Answers))
	for key := range d.Revoke.Answers {
		st, _ := strconv.Atoi(key)
		statuses = append(statuses, st)
	}
	sort.Ints(statuses)
	for _, st := range statuses {
		switch d.Revoke.Answers[strconv.Itoa(st)].Outcome {
		case "submitted":
			// A provider that documents no 404 and answers an id it does
			// not know with its unconfirmed acceptance (JFrog's 204) is
			// played that way.
			if _, has404 := d.Revoke.Answers["404"]; !has404 {
				e.notFound = st
			}
			if e.success == 0 {
				e.success = st
			}
		case "revoked":
			if e.success == 0 {
				e.success = st
			}
		case "already_revoked":
			e.already = st
		case "not_found":
			e.notFound = st
		}
	}
	tgt := providers.Target{Token: Token(d.Name), Params: sandboxParams(d), Extra: ExtraCredentials(d.Name)}
	e.authName, e.authValue, _ = p.AuthHeader(tgt)
	if h, _ := p.AuthHeaders(tgt); len(h) > 1 {
		e.authHeaders = h
	}
	if dg, _ := p.DigestCredentials(tgt); dg != nil {
		e.digest = &digestAuth{want: *dg, prefix: basePath(d.Name), nonces: map[string]bool{}}
	}
	rq := d.Revoke.Request
	path := rq.Path
	for _, prm := range d.Params {
		path = strings.ReplaceAll(path, "{param."+prm.Name+"}", "{param_"+prm.Name+"}")
	}
	if !strings.Contains(path, "{id}") {
		for k, v := range rq.Query {
			if v == "{id}" {
				e.idQuery = k
			}
		}
	}
	if !strings.Contains(path, "{id}") && rq.Body != nil {
		if rq.Body.JSON != nil {
			e.idPath = leafPathOf(rq.Body.JSON, "", "{id}")
		}
		if g := rq.Body.GraphQL; g != nil {
			if p := leafPathOf(g.Variables, "", "{id}"); p != "" {
				e.idPath = "variables." + p
			}
		}
		for k, v := range rq.Body.Form {
			if v == "{id}" {
				e.idForm = k
			}
		}
	}
	path, e.idSuffix = cutIDSuffix(path)
	route := rq.Method + " " + basePath(d.Name) + path
	if d.HasRevoke() && routable(route) {
		e.route = route
	}
	e.secretOps = secretOps(p)
	if sb := d.Sandbox; sb != nil {
		for _, name := range sb.Hooks {
			h, ok := hooks[name]
			if !ok {
				e.unknownHooks = append(e.unknownHooks, name)
				continue
			}
			e.hooks = append(e.hooks, h)
		}
	}
	return e
}

// Params are the parameter values the emulator expects of provider (a
// Basic user name such as Confluent Cloud's api_key is checked); nil for a
// provider without parameters.
func Params(provider string) map[string]string {
	p, err := providers.Lookup(provider)
	if err != nil {
		return nil
	}
	if d, ok := p.(*providers.Defined); ok && len(d.Definition().Params) > 0 {
		return sandboxParams(d.Definition())
	}
	return nil
}

// sandboxParams gives each parameter its default or a fixed sandbox value.
func sandboxParams(d *providers.Definition) map[string]string {
	out := map[string]string{}
	for _, p := range d.Params {
		out[p.Name] = p.SandboxValue()
	}
	return out
}

// routable reports whether ServeMux accepts pattern (a placeholder inside a
// path segment, for one, it does not).
func routable(pattern string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	http.NewServeMux().HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
	return true
}

// cutIDSuffix splits a last path segment such as "{id}:disable" into the
// routable "{id}" and its suffix ":disable".
func cutIDSuffix(path string) (string, string) {
	i := strings.LastIndex(path, "/{id}")
	if i < 0 {
		return path, ""
	}
	end := i + len("/{id}")
	suffix := path[end:]
	if suffix == "" || strings.ContainsAny(suffix, "/{}") {
		return path, ""
	}
	return path[:end], suffix
}

// call is one request being answered.
type call struct {
	s          *Sandbox
	e          *emulated
	w          http.ResponseWriter
	r          *http.Request
	id         string
	credential string
	key        *Key // set after the lookup
}

// serve answers one revoke request: auth, hooks, lookup, state.
func (s *Sandbox) serve(e *emulated, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, providers.MaxBody))
	c := &call{s: s, e: e, w: w, r: r, id: r.PathValue("id")}
	if e.idSuffix != "" {
		id, ok := strings.CutSuffix(c.id, e.idSuffix)
		if !ok { // keys/{id} without :disable is another method
			http.NotFound(w, r)
			return
		}
		c.id = id
	}
	switch {
	case e.idPath != "":
		c.id = gjson.GetBytes(body, e.idPath).String()
	case e.idForm != "":
		form, _ := url.ParseQuery(string(body))
		c.id = form.Get(e.idForm)
	case e.idQuery != "":
		c.id = r.URL.Query().Get(e.idQuery)
	}
	if e.authName != "" {
		c.credential = r.Header.Get(e.authName)
		ok := c.credential == e.authValue
		for _, h := range e.hooks {
			if h.credential != "" && c.credential == strings.Replace(e.authValue, Token(e.name), h.credential, 1) {
				c.credential, ok = h.credential, true
			}
		}
		if !ok {
			e.answer(w, http.StatusUnauthorized, c.id)
			return
		}
	}
	for name := range e.authHeaders {
		if r.Header.Get(name) != e.authHeaders.Get(name) {
			e.answer(w, http.StatusUnauthorized, c.id)
			return
		}
	}
	if e.digest != nil && !e.digest.check(w, r) {
		e.answer(w, http.StatusUnauthorized, c.id)
		return
	}
	for _, h := range e.hooks {
		if h.beforeLookup != nil && h.beforeLookup(c) {
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.key = s.lookup(e.name, c.id)
	switch {
	case c.key == nil:
		e.answer(w, e.notFound, c.id)
		return
	case c.key.State == Revoked && e.already != 0:
		e.answer(w, e.already, c.id)
		return
	case c.key.State == Revoked:
		e.answer(w, e.notFound, c.id)
		return
	}
	for _, h := range e.hooks {
		if h.beforeRevoke != nil && h.beforeRevoke(c) {
			return
		}
	}
	c.key.State = Revoked
	e.answer(w, e.success, c.id)
}

// answer sends status with the definition's sandbox body for it ({id}
// replaced), an empty body when it has none, or for a success without one
// the smallest body its confirming fields accept.
func (e *emulated) answer(w http.ResponseWriter, status int, id string) {
	var body any
	if sb := e.def.Sandbox; sb != nil {
		body = sb.Bodies[strconv.Itoa(status)]
	}
	if body == nil && status == e.success {
		a := e.def.Revoke.Answers[strconv.Itoa(status)]
		if a.Body != "empty" && a.Body != "any" && status != http.StatusNoContent {
			obj := map[string]any{}
			for _, c := range a.Confirm {
				if c.Contains != "" { // a list naming the key
					setList(obj, c.Path, c.Contains)
					continue
				}
				setPath(obj, c.Path, c.Equals)
			}
			body = obj
		}
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, substitute(body, id))
}

func setPath(obj map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := obj[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[p] = next
		}
		obj = next
	}
	obj[parts[len(parts)-1]] = v
}

// setList sets path to a list holding v: [v] for a plain path, and
// [{field: v}] for list.#.field.
func setList(obj map[string]any, path, v string) {
	list, field, each := strings.Cut(path, ".#.")
	if !each {
		setPath(obj, path, []any{v})
		return
	}
	item := map[string]any{}
	setPath(item, field, v)
	setPath(obj, list, []any{item})
}

// substitute copies a body, putting id in place of "{id}" in its strings.
func substitute(v any, id string) any {
	switch x := v.(type) {
	case string:
		return strings.ReplaceAll(x, "{id}", id)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = substitute(e, id)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = substitute(e, id)
		}
		return out
	}
	return v
}

func sortedNames(m map[string]*emulated) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
