// Package providertest runs table tests of adapters: the request on the wire
// and the reading of each documented response.
package providertest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// Case is one response and the outcome it must produce.
type Case struct {
	Name    string
	Status  int
	Header  http.Header
	Body    string
	State   providers.State
	Code    exit.Code
	Message []string // substrings the message must contain
}

// Classify checks every case against p.
func Classify(t *testing.T, p providers.Provider, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			h := c.Header
			if h == nil {
				h = http.Header{}
			}
			o := p.Classify(c.Status, h, []byte(c.Body))
			if o.State != c.State || o.Code != c.Code {
				t.Errorf("Classify(%d) = %s/%v (%q), want %s/%v", c.Status, o.State, o.Code, o.Message, c.State, c.Code)
			}
			if o.Message == "" {
				t.Errorf("Classify(%d) gave an empty message", c.Status)
			}
			for _, want := range c.Message {
				if !strings.Contains(o.Message, want) {
					t.Errorf("message %q does not contain %q", o.Message, want)
				}
			}
		})
	}
}

// Target is a target at base with token.
func Target(t *testing.T, base, token string) providers.Target {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return providers.Target{BaseURL: u, Token: token}
}

// GarbageCases are bodies no provider documents; each must still give a
// sensible outcome from the status.
func GarbageCases() []Case {
	return []Case{
		{Name: "empty 500", Status: 500, Body: "", State: providers.Failed, Code: exit.Server, Message: []string{"500 Internal Server Error"}},
		{Name: "html 502", Status: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
			State: providers.Failed, Code: exit.Server, Message: []string{"502 Bad Gateway", "HTML"}},
		{Name: "truncated json 404", Status: 404, Body: `{"error": {"message": "not fo`, State: providers.NotFound, Code: exit.NotFound, Message: []string{"404 Not Found"}},
		{Name: "plain text 418", Status: 418, Header: http.Header{"Content-Type": {"text/plain"}}, Body: "teapot", State: providers.Failed, Code: exit.Invalid, Message: []string{"418"}},
		{Name: "json array 401", Status: 401, Body: `[1,2,3]`, State: providers.Failed, Code: exit.Auth, Message: []string{"401"}},
		{Name: "huge body 400", Status: 400, Body: strings.Repeat("x", providers.MaxBody), State: providers.Failed, Code: exit.Conflict, Message: []string{"400 Bad Request", "cut"}},
		{Name: "redirect", Status: 307, Header: http.Header{"Location": {"https://evil.example/steal"}}, State: providers.Failed, Code: exit.Unexpected,
			Message: []string{"redirect", "https://evil.example/steal", "not followed"}},
		{Name: "unknown 5xx", Status: 599, State: providers.Failed, Code: exit.Server, Message: []string{"599"}},
	}
}

// CheckRequest asserts the request's method, URL and headers exactly.
func CheckRequest(t *testing.T, r *providers.Request, wantURL string, wantHeader http.Header) {
	t.Helper()
	if r.Method != http.MethodDelete {
		t.Errorf("method = %s, want DELETE", r.Method)
	}
	if r.URL != wantURL {
		t.Errorf("URL = %s, want %s", r.URL, wantURL)
	}
	for k := range wantHeader {
		if got := r.Header.Get(k); got != wantHeader.Get(k) {
			t.Errorf("header %s = %q, want %q", k, got, wantHeader.Get(k))
		}
	}
	for k := range r.Header {
		if _, ok := wantHeader[http.CanonicalHeaderKey(k)]; !ok {
			t.Errorf("unexpected header %s", k)
		}
	}
}
