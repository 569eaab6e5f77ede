package defs_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// wireRequest is a request as the provider's server received it.
type wireRequest struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// cannedAnswer is what the test server answers to one request.
type cannedAnswer struct {
	status int
	body   string
	header http.Header
}

// secretServer is a loopback stand-in for a provider: it answers each
// "METHOD /path" with its canned answers in turn (the last one repeats) and
// records every request.
type secretServer struct {
	mu       sync.Mutex
	answers  map[string][]cannedAnswer
	received []wireRequest
	srv      *httptest.Server
}

func newSecretServer(t *testing.T, answers map[string][]cannedAnswer) *secretServer {
	t.Helper()
	s := &secretServer{answers: answers}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.received = append(s.received, wireRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
		key := r.Method + " " + r.URL.Path
		queue := s.answers[key]
		if len(queue) == 0 {
			s.mu.Unlock()
			http.Error(w, "no answer for "+key, http.StatusTeapot)
			return
		}
		a := queue[0]
		if len(queue) > 1 {
			s.answers[key] = queue[1:]
		}
		s.mu.Unlock()
		for k, v := range a.header {
			w.Header()[k] = v
		}
		if a.body != "" && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *secretServer) requests() []wireRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]wireRequest(nil), s.received...)
}

// runSecret plays one secret's flow (revoke, verify or both) against the
// server, as the engine does without its retries and waits, and returns the
// final outcome. basePath is the provider's base URL path (/api for Slack).
func runSecret(t *testing.T, s *secretServer, provider, basePath, secret string, revoke, verify bool) providers.Outcome {
	t.Helper()
	base, err := url.Parse(s.srv.URL + basePath)
	if err != nil {
		t.Fatal(err)
	}
	p := defs.Builtin(provider)
	flow := providers.SecretFlow(p, providers.Target{BaseURL: base}, secret, providers.FlowOptions{Revoke: revoke, Verify: verify})
	var prev *providers.Outcome
	for range 1000 {
		call, final := flow.Next(prev)
		if call == nil {
			if final == nil {
				t.Fatal("a flow ended without an outcome")
			}
			return *final
		}
		var body io.Reader
		if call.Request.Body != nil {
			body = bytes.NewReader(call.Request.Body)
		}
		req, err := http.NewRequest(call.Request.Method, call.Request.URL, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = call.Request.Header.Clone()
		resp, err := s.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		o := call.Classify(resp.StatusCode, resp.Header, data)
		prev = &o
	}
	t.Fatal("a flow that never ends")
	return providers.Outcome{}
}

// builtRequest is an operation's request for a secret at the provider's
// documented base URL.
func builtRequest(t *testing.T, provider, op, secret string) *providers.Request {
	t.Helper()
	p := defs.Builtin(provider)
	base, _ := url.Parse(p.Info().DefaultBaseURL)
	r, err := p.SecretRequest(op, providers.Target{BaseURL: base}, secret, "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.URL, secret) {
		t.Errorf("%s %s: the secret is in the URL %s", provider, op, r.URL)
	}
	return r
}
