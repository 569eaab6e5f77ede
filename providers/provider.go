// Package providers defines what a provider adapter is and keeps the registry
// of adapters. An adapter is pure: it builds the request for one key and
// classifies the response; it never does I/O and never prints.
//
// Most providers are data: a definition in providers/defs (see Definition),
// run by Defined. A provider that data cannot describe (a request-signing
// scheme) implements Provider in Go and calls Register; the engine cannot
// tell the two apart.
package providers

import (
	"context"
	"errors"
	"fmt"
	"github.com/keyctl/keyctl/internal/suggest"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/keyctl/keyctl/internal/build"
)

// Provider is one provider's revocation API.
type Provider interface {
	// Info describes the provider for `keyctl providers` and error messages.
	Info() Info
	// Request builds the revocation request for id. It validates the id and
	// returns an *IDError for one the provider cannot accept.
	Request(t Target, id string) (*Request, error)
	// Classify turns the provider's answer into an Outcome. body is at most
	// MaxBody bytes and may be empty, truncated or not JSON at all.
	Classify(status int, header http.Header, body []byte) Outcome
}

// IDClassifier is implemented by providers whose answer names the keys it
// acted on (Elasticsearch's invalidated_api_keys, New Relic's deletedKeys):
// only an answer naming the key sent confirms its revocation.
type IDClassifier interface {
	ClassifyID(id string, status int, header http.Header, body []byte) Outcome
}

// ClassifyAnswer reads p's answer to the revocation of id, with the id
// when p can use it.
func ClassifyAnswer(p Provider, id string, status int, header http.Header, body []byte) Outcome {
	if c, ok := p.(IDClassifier); ok {
		return c.ClassifyID(id, status, header, body)
	}
	return p.Classify(status, header, body)
}

// CredentialChecker is implemented by adapters that can tell a credential of
// the wrong kind from its shape. The warning must not contain the credential.
type CredentialChecker interface {
	CheckCredential(token string) (warning string)
}

// CredentialLoader is implemented by a provider that finds its credential
// itself (AWS: the SDK's chain of environment, shared config and profiles,
// SSO, roles) instead of KEYCTL_<NAME>_TOKEN and the config's token
// settings. keyctl then asks for no token of its own.
type CredentialLoader interface {
	// LoadCredential resolves the credential; an error says what to set.
	LoadCredential(ctx context.Context) (LoadedCredential, error)
	// SandboxCredential is the fixed, public credential the sandbox accepts.
	SandboxCredential() LoadedCredential
	// CredentialSource says where the credential would come from, without
	// reading files or the network (for 'keyctl providers').
	CredentialSource() (origin string, ok bool)
}

// LoadedCredential is a credential a CredentialLoader found. Request gets
// Value back as Target.Credential.
type LoadedCredential struct {
	Value   any
	Secrets []string // every secret part of Value, for the scrubber
	// Public identifies the credential without revealing it (an AWS access
	// key id): the sandbox's credential is recognised by it.
	Public string
	Origin string // where it came from, never a secret
}

// ErrNoCredential is what Request of a CredentialLoader returns for a
// target without a loaded credential, once the id has passed its checks.
var ErrNoCredential = errors.New("no credential loaded")

// ParamsOf are the extra parameters a provider takes: a definition's, or
// those a Go adapter declares with a Params method.
func ParamsOf(p Provider) []Param {
	switch x := p.(type) {
	case *Defined:
		return x.Definition().Params
	case interface{ Params() []Param }:
		return x.Params()
	}
	return nil
}

// Info describes a provider.
type Info struct {
	Name           string // lower-case brand: CLI argument, env and config name
	Title          string // brand as the provider writes it
	DefaultBaseURL string // server URL from the provider's API document
	Endpoint       string // method and path template, e.g. "DELETE /secret_keys/{id}"
	Auth           string // how the credential is sent, e.g. "Authorization: Bearer <token>"
	Credential     string // what credential is needed, in the user's words
	IDPattern      string // documented id pattern, if any
	Confidence     string // official-openapi, official-docs, partial; "" for a user's own
	Experimental   string // the doubt that remains, if the provider is experimental
	// BaseURLDescribe says what to set when there is no default base URL
	// (a host per account); "" when DefaultBaseURL is set.
	BaseURLDescribe string
}

// Target is where and with what credential a request is sent.
type Target struct {
	BaseURL     *url.URL
	Token       string
	SkipIDCheck bool // skip a provider's documented id pattern check
	// Params are a definition's extra parameters (a project id, an account
	// SID, a region), by name: they select where a key lives beyond the base
	// URL, so they are part of the Place and --resume compares them.
	Params map[string]string
	// Extra are a definition's extra credentials (Datadog's application
	// key), by name. Secrets like Token: never part of the Place.
	Extra map[string]string
	// Sandbox marks a run against keyctl's emulator, not the provider.
	Sandbox bool
	// Credential is what a CredentialLoader loaded (Token stays empty).
	Credential any
}

// Place is where a key is revoked, without any credential: what the audit
// log records and --resume compares, so a key revoked in the sandbox or at
// another base URL is never taken as revoked at this one.
type Place struct {
	BaseURL string            `json:"base_url"`
	Params  map[string]string `json:"params,omitempty"`
	Sandbox bool              `json:"sandbox,omitempty"`
}

// Place is the target without its credential: the base URL with any
// userinfo, query and fragment dropped, scheme and host in lower case and
// no trailing slash, so one target always has one spelling.
func (t Target) Place() Place {
	p := Place{Params: t.Params, Sandbox: t.Sandbox}
	if t.BaseURL != nil {
		u := *t.BaseURL
		u.User = nil
		u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
		u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
		switch {
		case u.Scheme == "https" && u.Port() == "443", u.Scheme == "http" && u.Port() == "80":
			u.Host = u.Hostname()
			if strings.Contains(u.Host, ":") {
				u.Host = "[" + u.Host + "]"
			}
		}
		p.BaseURL = strings.TrimRight(u.String(), "/")
	}
	return p
}

// Key is the place as one comparable string.
func (p Place) Key() string {
	names := make([]string, 0, len(p.Params))
	for k := range p.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(p.BaseURL)
	for _, k := range names {
		b.WriteString("\x00" + k + "=" + p.Params[k])
	}
	if p.Sandbox {
		b.WriteString("\x00sandbox")
	}
	return b.String()
}

// MissingBaseURLError is a provider without a default base URL (a host per
// account) for which nobody set one.
type MissingBaseURLError struct {
	Provider, Describe string
}

func (e *MissingBaseURLError) Error() string {
	return fmt.Sprintf("%s has no default base URL: its host is set per account (%s): set KEYCTL_%s_BASE_URL, --base-url or providers.%s.base_url in the config",
		e.Provider, e.Describe, strings.ToUpper(e.Provider), e.Provider)
}

// Request is the exact request an adapter wants on the wire.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte // nil for a request without a body
	// Digest, when set, is sent as HTTP Digest: the request goes out
	// without credentials and, on a 401 with a Digest challenge, once
	// more with the answer (internal/httpclient). Never a header here.
	Digest *DigestAuth
}

// DigestAuth is an HTTP Digest user and password.
type DigestAuth struct {
	User, Password string
}

// MaxBody is the most of a response body keyctl reads; a larger body is cut.
const MaxBody = 1 << 20

var (
	mu       sync.RWMutex
	registry = map[string]Provider{} // built-ins: definitions and Go adapters
	users    = map[string]Provider{} // the user's definitions, replaced as a whole
	// lazy holds built-in definitions not parsed yet, by name. Parsing and
	// compiling one takes about a millisecond: start-up parses none, and a
	// run parses only the providers it uses, so a single revocation stays as
	// fast as curl however many providers are built in.
	lazy = map[string]func() (Provider, error){}
)

// Register adds an adapter. It panics on a duplicate name: that is a
// programming error caught by the first test run.
func Register(p Provider) {
	mu.Lock()
	defer mu.Unlock()
	name := p.Info().Name
	if builtinLocked(name) {
		panic("providers: duplicate provider " + name)
	}
	registry[name] = p
}

// RegisterLazy adds a built-in provider that load builds on first use. It
// panics on a duplicate name.
func RegisterLazy(name string, load func() (Provider, error)) {
	mu.Lock()
	defer mu.Unlock()
	if builtinLocked(name) {
		panic("providers: duplicate provider " + name)
	}
	lazy[name] = load
}

// builtinLocked reports whether name is a built-in, parsed or not.
func builtinLocked(name string) bool {
	_, parsed := registry[name]
	_, pending := lazy[name]
	return parsed || pending
}

// resolveLocked builds a lazily registered built-in; mu is held for
// writing. A built-in that does not build is a defect of the binary that the
// first test run catches, so it panics.
func resolveLocked(name string) (Provider, bool) {
	load, ok := lazy[name]
	if !ok {
		return nil, false
	}
	p, err := load()
	if err != nil {
		panic(err)
	}
	delete(lazy, name)
	registry[name] = p
	return p, true
}

// Lookup finds an adapter by name (case-insensitive).
func Lookup(name string) (Provider, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	mu.RLock()
	p, ok := users[key]
	if !ok {
		p, ok = registry[key]
	}
	_, pending := lazy[key]
	mu.RUnlock()
	if !ok && pending {
		mu.Lock()
		if p, ok = registry[key]; !ok {
			p, ok = resolveLocked(key)
		}
		mu.Unlock()
	}
	if !ok {
		return nil, &UnknownProviderError{Name: name, Known: Names()}
	}
	return p, nil
}

// All returns every adapter sorted by name.
func All() []Provider {
	mu.Lock()
	defer mu.Unlock()
	for name := range lazy {
		resolveLocked(name)
	}
	out := make([]Provider, 0, len(registry)+len(users))
	for name, p := range registry {
		if _, replaced := users[name]; !replaced {
			out = append(out, p)
		}
	}
	for _, p := range users {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Info().Name < out[j].Info().Name })
	return out
}

// Names returns the registered provider names, sorted, without building
// the providers not used yet.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	seen := make(map[string]bool, len(registry)+len(lazy)+len(users))
	for _, m := range []map[string]Provider{registry, users} {
		for name := range m {
			seen[name] = true
		}
	}
	for name := range lazy {
		seen[name] = true
	}
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// UnknownProviderError is returned by Lookup.
type UnknownProviderError struct {
	Name  string
	Known []string
}

func (e *UnknownProviderError) Error() string {
	// A typo gets its fix; the full list, which grows with every provider,
	// only when nothing is close.
	if s := suggest.Closest(strings.ToLower(e.Name), e.Known); s != "" {
		return fmt.Sprintf("unknown provider %q; did you mean %q? ('keyctl providers' lists all %d)", e.Name, s, len(e.Known))
	}
	return fmt.Sprintf("unknown provider %q (known providers: %s)", e.Name, strings.Join(e.Known, ", "))
}

// NewRequest builds a request with the headers every provider gets. The id is
// validated and escaped as exactly one path segment appended to the base
// URL's path and the provider's path prefix.
func NewRequest(t Target, pathPrefix, id string) (*Request, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if t.BaseURL == nil {
		return nil, fmt.Errorf("no base URL")
	}
	u, err := appendPath(t.BaseURL, pathPrefix+url.PathEscape(id))
	if err != nil {
		return nil, err
	}
	return &Request{Method: http.MethodDelete, URL: u.String(), Header: defaultHeader()}, nil
}

// appendPath is base with an already escaped path appended to its own, and
// no query or fragment.
func appendPath(base *url.URL, escaped string) (url.URL, error) {
	u := *base
	escaped = strings.TrimRight(u.EscapedPath(), "/") + escaped
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	unescaped, err := url.PathUnescape(escaped)
	if err != nil {
		return u, fmt.Errorf("base URL path: %w", err)
	}
	u.Path, u.RawPath = unescaped, escaped
	return u, nil
}

// defaultHeader holds the headers every provider gets.
func defaultHeader() http.Header {
	h := http.Header{}
	h.Set("User-Agent", build.UserAgent())
	h.Set("Accept", "application/json")
	return h
}
