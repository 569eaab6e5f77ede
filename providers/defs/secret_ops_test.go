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

// exchange is one request a secret's flow must send, and the provider's
// answer to it.
type exchange struct {
	method, uri string            // request line, the URI as sent (escaped path and query)
	header      map[string]string // headers that must be sent ("" = must be absent)
	body        string            // the request body
	status      int               // the answer
	answer      string
}

// secretFlowCase is one leaked secret handled end to end against a test
// server playing the provider.
type secretFlowCase struct {
	name           string
	provider       string
	basePath       string // the path of the provider's base URL on the test server
	secret         string
	cred           string // the configured credential, "" for none
	params         map[string]string
	revoke, verify bool
	exchanges      []exchange
	state          providers.State
	code           exit.Code
	method         string // how the flow handles the secret
}

// runSecretFlow plays a secret's flow against an httptest server that
// checks every request on the wire and answers as the provider documents.
func runSecretFlow(t *testing.T, c secretFlowCase) {
	t.Helper()
	var got int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got >= len(c.exchanges) {
			t.Errorf("request %d %s %s: not expected", got+1, r.Method, r.URL.RequestURI())
			w.WriteHeader(599)
			return
		}
		want := c.exchanges[got]
		got++
		if r.Method != want.method || r.URL.RequestURI() != c.basePath+want.uri {
			t.Errorf("request %d: %s %s, want %s %s", got, r.Method, r.URL.RequestURI(), want.method, c.basePath+want.uri)
		}
		for k, v := range want.header {
			if g := r.Header.Get(k); g != v {
				t.Errorf("request %d: header %s %q, want %q", got, k, g, v)
			}
		}
		body, _ := io.ReadAll(r.Body)
		if string(body) != want.body {
			t.Errorf("request %d: body %q, want %q", got, body, want.body)
		}
		if want.answer != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(want.status)
		_, _ = io.WriteString(w, want.answer)
	}))
	defer srv.Close()
	p := defs.Builtin(c.provider)
	u, _ := url.Parse(srv.URL + c.basePath)
	flow := providers.SecretFlow(p, providers.Target{BaseURL: u, Token: c.cred, Params: c.params}, c.secret, providers.FlowOptions{Revoke: c.revoke, Verify: c.verify})
	if c.method != "" && flow.Method() != c.method {
		t.Errorf("method %s, want %s", flow.Method(), c.method)
	}
	final := drive(t, flow)
	if final.State != c.state || final.Code != c.code {
		t.Errorf("outcome %s/%d (%s), want %s/%d", final.State, final.Code, final.Message, c.state, c.code)
	}
	if strings.Contains(final.Message, c.secret) {
		t.Errorf("the secret is in the message %q", final.Message)
	}
	if got != len(c.exchanges) {
		t.Errorf("%d requests sent, want %d", got, len(c.exchanges))
	}
}

// drive sends a flow's requests until it ends (without its waits) and
// returns its outcome.
func drive(t *testing.T, flow providers.Flow) providers.Outcome {
	t.Helper()
	var prev *providers.Outcome
	for i := 0; i < 20; i++ {
		call, final := flow.Next(prev)
		if call == nil {
			return *final
		}
		req, err := http.NewRequest(call.Request.Method, call.Request.URL, strings.NewReader(string(call.Request.Body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = call.Request.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		o := call.Classify(resp.StatusCode, resp.Header, body)
		prev = &o
	}
	t.Fatal("the flow does not end")
	return providers.Outcome{}
}

// TestSecretFlows: each provider's leaked-secret operations send their
// documented request (method, path, where the secret goes and how the
// request is authenticated) and read each documented answer into the
// right outcome and exit code.
func TestSecretFlows(t *testing.T) {
	for _, c := range secretFlowCases {
		t.Run(c.provider+"/"+c.name, func(t *testing.T) { runSecretFlow(t, c) })
	}
}

var secretFlowCases = []secretFlowCase{}

// addFlows registers a provider's cases; each provider's file adds its own.
func addFlows(cs ...secretFlowCase) bool {
	secretFlowCases = append(secretFlowCases, cs...)
	return true
}

// TestLooseFormats: a provider whose secrets have no documented format
// takes a secret only when it is named: its loose format neither detects
// it (it would claim anyone's secret) nor masks the words of a message.
func TestLooseFormats(t *testing.T) {
	for _, name := range []string{"vercel", "okta", "jfrog", "launchdarkly", "contentful", "cloudflare", "cloudflareaccount"} {
		p := defs.Builtin(name)
		f, ok := p.MatchSecret("anything-at-all")
		if !ok || !f.Loose {
			t.Errorf("%s: a named secret of no documented shape: %v %+v", name, ok, f)
		}
		for _, c := range providers.Candidates("anything-at-all") {
			if c.Provider.Info().Name == name {
				t.Errorf("%s is a candidate for a secret of no documented shape", name)
			}
		}
		if got := p.MaskSecrets("Token not found"); got != "Token not found" {
			t.Errorf("%s masks a message: %q", name, got)
		}
	}
}

// secretAnswer is one documented answer to a secret operation and what it
// means.
type secretAnswer struct {
	provider, op string
	status       int
	body         string
	state        providers.State
	code         exit.Code
	id           string // the key id a lookup reads
}

var secretAnswers []secretAnswer

func addAnswers(as ...secretAnswer) bool {
	secretAnswers = append(secretAnswers, as...)
	return true
}

// TestSecretAnswers: every documented answer of every secret operation is
// read as the provider defines it; a lookup reads the id where it is.
func TestSecretAnswers(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	for _, a := range secretAnswers {
		o := defs.Builtin(a.provider).SecretClassify(a.op, a.status, json, []byte(a.body))
		if o.State != a.state || o.Code != a.code || o.ID != a.id {
			t.Errorf("%s %s %d %s: %s/%d id %q (%s), want %s/%d id %q", a.provider, a.op, a.status, a.body, o.State, o.Code, o.ID, o.Message, a.state, a.code, a.id)
		}
	}
}

// TestSecretDetection: a secret of a documented format is taken as its
// provider's; a family another provider owns is never claimed by a shorter
// prefix (an Anthropic admin key is not an OpenAI key).
func TestSecretDetection(t *testing.T) {
	cases := map[string]string{
		"sk-proj-SandboxLeakEXAMPLE0001":                                   "openai",
		"sk-SandboxLeakEXAMPLE0001":                                        "openai",
		"sk-admin-SandboxLeakEXAMPLE0001":                                  "openaiadmin",
		"sk-ant-api03-SandboxLeakEXAMPLE0001":                              "anthropic",
		"sk-ant-admin01-SandboxLeakEXAMPLE01":                              "",
		"sk-lw-lwleak1_SandboxSecretEXAMPLE1":                              "langwatch",
		"sk-lw-SandboxProjectKeyEXAMPLE":                                   "",
		"cfut_SandboxLeakEXAMPLE00000000001":                               "cloudflare",
		"cfat_SandboxLeakEXAMPLE00000000001":                               "cloudflareaccount",
		"cmVmdSandboxLeakEXAMPLE00000000000000000000000000000000000000001": "jfrog",
		"cmVmdSandboxLeakEXAMPLE-too-short":                                "",
		"vercel-SandboxLeakEXAMPLE0001":                                    "",
	}
	for secret, want := range cases {
		got := ""
		if cs := providers.Candidates(secret); len(cs) > 0 {
			got = cs[0].Provider.Info().Name
			if len(cs) > 1 && len(cs[1].Format.Prefix) == len(cs[0].Format.Prefix) {
				got = "ambiguous"
			}
		}
		if got != want {
			t.Errorf("%s: detected as %q, want %q", secret, got, want)
		}
	}
}
