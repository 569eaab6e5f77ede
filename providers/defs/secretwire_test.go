package defs_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// arrived is a request as a loopback server received it.
type arrived struct {
	Method string
	Path   string // escaped, as on the wire
	Query  url.Values
	Header http.Header
	Body   string
}

// secretCall is one secret operation of a built-in provider sent for real to
// a loopback server, which answers status with body.
type secretCall struct {
	provider, op string
	base         string // the path under the server's root, e.g. /oauth2
	params       map[string]string
	credential   string
	secret, id   string
}

// send builds the operation's request as keyctl does, sends it to an
// httptest server and returns what arrived and how the answer reads.
func (c secretCall) send(t *testing.T, status int, header http.Header, body string) (arrived, providers.Outcome) {
	t.Helper()
	var got arrived
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = arrived{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(b)}
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	defer srv.Close()
	u, err := url.Parse(srv.URL + c.base)
	if err != nil {
		t.Fatal(err)
	}
	p := defs.Builtin(c.provider)
	req, err := p.SecretRequest(c.op, providers.Target{BaseURL: u, Token: c.credential, Params: c.params}, c.secret, c.id)
	if err != nil {
		t.Fatal(err)
	}
	var rb io.Reader
	if req.Body != nil {
		rb = strings.NewReader(string(req.Body))
	}
	hr, err := http.NewRequest(req.Method, req.URL, rb)
	if err != nil {
		t.Fatal(err)
	}
	hr.Header = req.Header.Clone()
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rbody, _ := io.ReadAll(resp.Body)
	return got, p.SecretClassify(c.op, resp.StatusCode, resp.Header, rbody)
}

// answerCase is one documented answer and what keyctl must make of it.
type answerCase struct {
	status int
	body   string
	state  providers.State
	code   exit.Code
	says   string // a part of the message
}

// checkAnswers sends the operation once per answer and checks each outcome.
func (c secretCall) checkAnswers(t *testing.T, cases []answerCase) {
	t.Helper()
	json := http.Header{"Content-Type": {"application/json"}}
	for _, a := range cases {
		_, o := c.send(t, a.status, json, a.body)
		if o.State != a.state || o.Code != a.code {
			t.Errorf("%s %s answered %d %s: %s/%d (%s), want %s/%d", c.provider, c.op, a.status, a.body, o.State, o.Code, o.Message, a.state, a.code)
		}
		if !strings.Contains(o.Message, a.says) {
			t.Errorf("%s %s answered %d: message %q does not say %q", c.provider, c.op, a.status, o.Message, a.says)
		}
		if c.secret != "" && strings.Contains(o.Message, c.secret) {
			t.Errorf("%s %s answered %d: the message shows the secret", c.provider, c.op, a.status)
		}
	}
}

// detected is the provider keyctl detects for a secret, "" when none or
// more than one claim it equally.
func detected(secret string) string {
	cs := providers.Candidates(secret)
	if len(cs) == 0 || (len(cs) > 1 && len(cs[0].Format.Prefix) == len(cs[1].Format.Prefix)) {
		return ""
	}
	return cs[0].Provider.Info().Name
}
