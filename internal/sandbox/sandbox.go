// Package sandbox is a loopback emulator of every defined provider's
// revocation API, played from its definition (providers/defs): the same
// paths, auth scheme, documented statuses and bodies, with state (revoke
// twice, already revoked). Scenarios data does not say (Lava's cooldown and
// last key, LangWatch's other user's key, LiveAvatar's missing space and
// validation, Altostrat's id pattern) are small named hooks in hooks.go that
// a definition's sandbox section switches on. The contract suite checks every
// answer against the provider's OpenAPI description. It lets a newcomer see
// keyctl work without a credential, lets runbooks be rehearsed, and is what
// the end-to-end tests and benchmarks run against.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/keyctl/keyctl/providers"
	_ "github.com/keyctl/keyctl/providers/all" // the built-in definitions
)

// Options tune the emulator.
type Options struct {
	// Latency is added to every provider answer.
	Latency time.Duration
	// RateLimit is the requests per second each provider accepts; beyond it
	// the provider answers 429 with Retry-After. 0 means no limit.
	RateLimit int
	// ErrorRate is the fraction (0..1) of requests answered 500 or 503.
	ErrorRate float64
	// AnyID treats every unknown id as an existing active key (benchmarks,
	// rehearsals with real-looking ids).
	AnyID bool
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
}

// Key is one emulated key.
type Key struct {
	Provider  string    `json:"provider"`
	ID        string    `json:"id"`
	State     string    `json:"state"` // active or revoked
	CreatedAt time.Time `json:"created_at"`
	Note      string    `json:"note,omitempty"`

	tag    string // a definition's mark read by hooks (other_owner, fresh)
	secret string // the key's fake secret, for the secret operations
}

// Key states.
const (
	Active  = "active"
	Revoked = "revoked"
)

// Sandbox is the emulator's state.
type Sandbox struct {
	opts      Options
	providers map[string]*emulated
	mu        sync.Mutex
	keys      map[string]map[string]*Key // provider → id → key
	secrets   map[string]map[string]*Key // provider → secret → key
	// limiter per provider: requests counted in the current one-second window.
	window map[string]*window
	seq    int
}

type window struct {
	start time.Time
	count int
}

// NoSpaceToken is a LiveAvatar key whose user has no associated space:
// every delete with it gets the documented 400.
const NoSpaceToken = "sandbox-liveavatar-nospace-key"

// Providers names every provider the emulator plays, sorted.
func Providers() []string {
	var out []string
	for _, p := range providers.All() {
		if _, ok := p.(*providers.Defined); ok || natives[p.Info().Name] != nil {
			out = append(out, p.Info().Name)
		}
	}
	return out
}

// Token is the credential the emulator accepts for provider: the
// definition's sandbox token, or sandbox-<name>-credential. These are
// public, fixed values: they open nothing but the sandbox.
func Token(provider string) string {
	p, err := providers.Lookup(provider)
	if err != nil {
		return ""
	}
	if d, ok := p.(*providers.Defined); ok {
		if sb := d.Definition().Sandbox; sb != nil && sb.Token != "" {
			return sb.Token
		}
	}
	return "sandbox-" + provider + "-credential"
}

// New returns an emulator of every defined provider, with seeded keys.
func New(opts Options) *Sandbox {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Sandbox{opts: opts, providers: map[string]*emulated{}, keys: map[string]map[string]*Key{}, secrets: map[string]map[string]*Key{}, window: map[string]*window{}}
	for _, p := range providers.All() {
		d, ok := p.(*providers.Defined)
		if !ok {
			continue
		}
		s.providers[p.Info().Name] = newEmulated(d)
		s.keys[p.Info().Name] = map[string]*Key{}
		s.secrets[p.Info().Name] = map[string]*Key{}
	}
	s.seed()
	s.seedNatives()
	return s
}

func (s *Sandbox) seed() {
	long := s.opts.Now().Add(-24 * time.Hour)
	for name, e := range s.providers {
		var seeds []providers.SKey
		if sb := e.def.Sandbox; sb != nil {
			seeds = sb.Keys
		}
		if len(seeds) == 0 {
			// A definition without seeded keys still gets three to revoke.
			for i := 1; i <= 3; i++ {
				seeds = append(seeds, providers.SKey{ID: fmt.Sprintf("demo_%d", i)})
			}
		}
		for _, sk := range seeds {
			k := &Key{Provider: name, ID: sk.ID, State: Active, CreatedAt: long, Note: sk.Note, tag: sk.Tag, secret: sk.Secret}
			if sk.Secret != "" {
				s.secrets[name][sk.Secret] = k
			}
			if sk.State == Revoked {
				k.State = Revoked
			}
			if sk.Tag == "fresh" {
				k.CreatedAt = s.opts.Now()
			}
			s.keys[name][sk.ID] = k
		}
	}
}

// altostratID builds the n-th id matching ^api_key_[0-9A-Za-z]{27}$.
func altostratID(n int) string {
	return fmt.Sprintf("api_key_demo%023d", n)
}

// BaseURLs maps each provider to its base URL under root: /<name> followed
// by the path of its documented base URL.
func BaseURLs(root string) map[string]string {
	out := map[string]string{}
	for _, name := range Providers() {
		out[name] = strings.TrimRight(root, "/") + basePath(name)
	}
	return out
}

func basePath(name string) string {
	p, err := providers.Lookup(name)
	if err != nil {
		return "/" + name
	}
	u, err := url.Parse(p.Info().DefaultBaseURL)
	if err != nil {
		return "/" + name
	}
	return "/" + name + strings.TrimRight(u.EscapedPath(), "/")
}

// Keys lists every key, sorted.
func (s *Sandbox) Keys() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Key
	for _, byID := range s.keys {
		for _, k := range byID {
			out = append(out, *k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Provider != out[j].Provider {
			return out[i].Provider < out[j].Provider
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Create adds an active key created now (a Lava key is then in its 15 s
// cooldown), its id from the definition's sandbox.new_id.
func (s *Sandbox) Create(provider string) (Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byID, ok := s.keys[provider]
	if !ok {
		return Key{}, fmt.Errorf("unknown provider %q", provider)
	}
	s.seq++
	format := provider + "_new_%d"
	if n := natives[provider]; n != nil {
		format = n.newID
	} else if sb := s.providers[provider].def.Sandbox; sb != nil && sb.NewID != "" {
		format = sb.NewID
	}
	id := fmt.Sprintf(format, s.seq)
	k := &Key{Provider: provider, ID: id, State: Active, CreatedAt: s.opts.Now()}
	byID[id] = k
	return *k, nil
}

// lookup finds a key, creating it in AnyID mode. Call with s.mu held.
func (s *Sandbox) lookup(provider, id string) *Key {
	k, ok := s.keys[provider][id]
	if !ok && s.opts.AnyID {
		k = &Key{Provider: provider, ID: id, State: Active, CreatedAt: s.opts.Now().Add(-time.Hour)}
		s.keys[provider][id] = k
	}
	return k
}

// Handler serves every provider under its base path, plus the /_sandbox
// admin endpoints.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, name := range sortedNames(s.providers) {
		e := s.providers[name]
		if e.route == "" {
			continue
		}
		mux.Handle(e.route, s.provider(name, func(w http.ResponseWriter, r *http.Request) { s.serve(e, w, r) }))
	}
	for _, name := range sortedNames(s.providers) {
		e := s.providers[name]
		byRoute := map[string][]*secretOp{}
		var routes []string
		for _, o := range e.secretOps {
			if o.route == "" {
				continue
			}
			if _, seen := byRoute[o.route]; !seen {
				routes = append(routes, o.route)
			}
			byRoute[o.route] = append(byRoute[o.route], o)
		}
		for _, route := range routes {
			ops := byRoute[route]
			handle(mux, route, s.provider(name, func(w http.ResponseWriter, r *http.Request) { s.serveSecret(e, ops, w, r) }))
		}
	}
	for name, n := range natives {
		mux.Handle(n.route, s.provider(name, func(w http.ResponseWriter, r *http.Request) { n.serve(s, w, r) }))
	}
	mux.HandleFunc("GET /_sandbox/keys", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Keys())
	})
	mux.HandleFunc("POST /_sandbox/{provider}/keys", func(w http.ResponseWriter, r *http.Request) {
		k, err := s.Create(r.PathValue("provider"))
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, k)
	})
	return mux
}

// handle registers a route, skipping one that conflicts with a route
// already registered (ServeMux panics on those); the sandbox tests list
// every operation that is not routed.
func handle(mux *http.ServeMux, route string, h http.Handler) {
	defer func() { _ = recover() }()
	mux.Handle(route, h)
}

// Secrets lists the fake secrets of the seeded keys, by provider, for
// keyctl sandbox leak.
func (s *Sandbox) Secrets() []Key {
	var out []Key
	for _, k := range s.Keys() {
		if k.secret != "" {
			out = append(out, k)
		}
	}
	return out
}

// Secret is a seeded key's fake secret.
func (k Key) Secret() string { return k.secret }

// provider wraps a provider handler with the fault knobs.
func (s *Sandbox) provider(name string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Latency > 0 {
			t := time.NewTimer(s.opts.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if retryAfter, limited := s.limited(name); limited {
			w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
			s.rateLimited(name, w)
			return
		}
		if s.opts.ErrorRate > 0 && rand.Float64() < s.opts.ErrorRate {
			if rand.IntN(2) == 0 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusServiceUnavailable)
			} else {
				w.WriteHeader(http.StatusInternalServerError)
			}
			return
		}
		h(w, r)
	})
}

// limited applies the per-provider rate limit: a fixed one-second window.
func (s *Sandbox) limited(provider string) (retryAfter int, limited bool) {
	if s.opts.RateLimit <= 0 {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	win := s.window[provider]
	if win == nil || now.Sub(win.start) >= time.Second {
		win = &window{start: now}
		s.window[provider] = win
	}
	win.count++
	if win.count <= s.opts.RateLimit {
		return 0, false
	}
	return 1, true
}

// rateLimited answers 429 in the provider's own error shape.
func (s *Sandbox) rateLimited(provider string, w http.ResponseWriter) {
	if n := natives[provider]; n != nil {
		n.rateLimited(w)
		return
	}
	s.providers[provider].answer(w, http.StatusTooManyRequests, "")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Server is a running emulator.
type Server struct {
	*Sandbox
	URL string
	srv *http.Server
}

// Start listens on addr (loopback only unless allowRemote) and serves.
func Start(s *Sandbox, addr string, allowRemote bool) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); !allowRemote && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("the sandbox listens on loopback only; %q is not a loopback address (pass --allow-remote to override)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	// The server's own complaints (malformed requests, TLS noise) quote what
	// clients sent and would otherwise go to the standard logger, behind the
	// caller's back; the emulator has nothing useful to add to them.
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener was closed under us; Close reports nothing more useful
		}
	}()
	return &Server{Sandbox: s, URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
