// Package httpmock is a stub HTTP transport for tests that verifies both
// ways: a request no stub expects fails the test, and a stub no request used
// fails Verify. It tests what was, and what was not, sent.
package httpmock

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
)

// Responder answers a matched request.
type Responder func(*http.Request) (*http.Response, error)

// Stub expects one request.
type Stub struct {
	method, url string // url as on the wire: scheme://host/escaped/path
	respond     Responder
	used        bool
	Request     *http.Request // the request that matched, once used
}

// Registry is an http.RoundTripper of stubs.
type Registry struct {
	t     testing.TB
	mu    sync.Mutex
	stubs []*Stub
}

// New returns an empty registry reporting to t.
func New(t testing.TB) *Registry { return &Registry{t: t} }

// Register expects one request to method and url (escaping as on the wire).
func (r *Registry) Register(method, url string, respond Responder) *Stub {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &Stub{method: method, url: url, respond: respond}
	r.stubs = append(r.stubs, s)
	return s
}

// RoundTrip answers with the first unused stub that matches.
func (r *Registry) RoundTrip(req *http.Request) (*http.Response, error) {
	url := req.URL.Scheme + "://" + req.URL.Host + req.URL.EscapedPath()
	r.mu.Lock()
	for _, s := range r.stubs {
		if !s.used && s.method == req.Method && s.url == url {
			s.used, s.Request = true, req
			r.mu.Unlock()
			resp, err := s.respond(req)
			if resp != nil {
				resp.Request = req
			}
			return resp, err
		}
	}
	r.mu.Unlock()
	r.t.Errorf("httpmock: unexpected request %s %s", req.Method, url)
	return nil, fmt.Errorf("httpmock: no stub for %s %s", req.Method, url)
}

// Verify fails the test for every stub no request used.
func (r *Registry) Verify(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.stubs {
		if !s.used {
			t.Errorf("httpmock: expected %s %s was never sent", s.method, s.url)
		}
	}
}

// Status answers with status, a JSON body and headers given as name, value pairs.
func Status(status int, body string, headers ...string) Responder {
	return func(req *http.Request) (*http.Response, error) {
		h := http.Header{}
		for i := 0; i+1 < len(headers); i += 2 {
			h.Set(headers[i], headers[i+1])
		}
		if body != "" && h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
		return &http.Response{
			StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: h, Body: io.NopCloser(bytes.NewBufferString(body)), ContentLength: int64(len(body)),
		}, nil
	}
}

// Error fails the request with err, as a transport would.
func Error(err error) Responder {
	return func(*http.Request) (*http.Response, error) { return nil, err }
}
