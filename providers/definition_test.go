package providers_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const minimal = `name: acme
title: Acme
base_url: https://api.acme.example/v2
credential:
  auth: {bearer: "{credential}"}
revoke:
  request: {method: DELETE, path: "/keys/{id}"}
  answers:
    "204": {outcome: revoked}
    "404": {outcome: not_found}
`

func TestParseMinimal(t *testing.T) {
	d, err := providers.ParseDefinition("acme.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://api.acme.example/v2")
	r, err := p.Request(providers.Target{BaseURL: u, Token: "tok"}, "k/1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "DELETE" || r.URL != "https://api.acme.example/v2/keys/k%2F1" || r.Header.Get("Authorization") != "Bearer tok" || r.Body != nil {
		t.Fatalf("request = %+v", r)
	}
	if o := p.Classify(204, http.Header{}, nil); o.State != providers.Revoked || o.Code != exit.OK {
		t.Fatalf("204 = %+v", o)
	}
	if o := p.Classify(200, http.Header{}, []byte(`{}`)); o.State != providers.Failed || o.Code != exit.Unexpected {
		t.Fatalf("undocumented 200 = %+v", o)
	}
}

// TestSubmittedAloneIsASuccess: a definition whose only success accepts
// the request without confirming it is valid, and its answer is
// submitted, exit 0, never revoked.
func TestSubmittedAloneIsASuccess(t *testing.T) {
	def := strings.Replace(minimal, `"204": {outcome: revoked}`, `"204": {outcome: submitted, hint: "Acme answers 204 for any id"}`, 1)
	d, err := providers.ParseDefinition("acme.yaml", []byte(def))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	o := p.Classify(204, http.Header{}, nil)
	if o.State != providers.Submitted || o.Code != exit.OK || !strings.Contains(o.Message, "does not confirm the revocation") || !strings.Contains(o.Message, "Acme answers 204 for any id") {
		t.Fatalf("204 = %+v", o)
	}
	// Its documented body still counts: a body where none is documented is
	// not even an acceptance.
	if o := p.Classify(204, http.Header{}, []byte("<html>")); o.State != providers.Failed || o.Code != exit.Unexpected {
		t.Fatalf("204 with a body = %+v", o)
	}
}

// TestBaseURLSetPerAccount: a provider with a host per account has no
// default base URL, only what the user must set.
func TestBaseURLSetPerAccount(t *testing.T) {
	def := strings.Replace(minimal, "base_url: https://api.acme.example/v2\n", "base_url_describe: the org URL, e.g. https://acme.example.com\n", 1)
	d, err := providers.ParseDefinition("acme.yaml", []byte(def))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	if i := p.Info(); i.DefaultBaseURL != "" || i.BaseURLDescribe != "the org URL, e.g. https://acme.example.com" {
		t.Fatalf("info = %+v", i)
	}
	if table := providers.MarkdownTable([]*providers.Definition{d}); !strings.Contains(table, "| set per account: the org URL, e.g. https://acme.example.com |") {
		t.Fatalf("docs table:\n%s", table)
	}
	if details := providers.MarkdownDetails([]*providers.Definition{d}); !strings.Contains(details, "- base URL: set per account: the org URL, e.g. https://acme.example.com; `KEYCTL_ACME_BASE_URL`, `--base-url` or `providers.acme.base_url`") {
		t.Fatalf("docs details:\n%s", details)
	}
}

// TestBadDefinitions: every mistake is an error naming file, line and field.
func TestBadDefinitions(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"unknown field", "title: Acme", "title: Acme\ntitel: Acme", []string{"acme.yaml:3: titel: field titel not found"}},
		{"unknown nested field", `"404": {outcome: not_found}`, "\"404\": {outcome: not_found, hnit: x}", []string{"acme.yaml:10: revoke.answers.404.hnit", "not found"}},
		{"unknown template variable", `path: "/keys/{id}"`, `path: "/keys/{key_id}"`, []string{"acme.yaml:7", "revoke.request.path", "unknown template variable {key_id}", "{id}"}},
		{"unknown credential variable", `bearer: "{credential}"`, `bearer: "{token}"`, []string{"acme.yaml:5", "credential.auth.bearer", "{token}"}},
		{"status mapped twice", `"404": {outcome: not_found}`, "\"404\": {outcome: not_found}\n    \"0404\": {outcome: failed}", []string{"acme.yaml:", "mapped twice"}},
		{"duplicate key", `"404": {outcome: not_found}`, "\"404\": {outcome: not_found}\n    \"404\": {outcome: failed}", []string{"acme.yaml:11", "already defined"}},
		{"http off loopback", "https://api.acme.example/v2", "http://api.acme.example/v2", []string{"acme.yaml:3", "base_url", "loopback"}},
		{"invalid json path", `"404": {outcome: not_found}`, "\"404\": {outcome: not_found}\n  message:\n    - text: [\"{error..message}\"]", []string{"acme.yaml:", "revoke.message.0.text", "invalid JSON path"}},
		{"invalid query path", `"204": {outcome: revoked}`, "\"200\": {outcome: revoked, confirm: [{path: \"items.#(id==1)\", equals: true}]}", []string{"confirm.0.path", "invalid JSON path"}},
		{"unknown outcome", `{outcome: not_found}`, `{outcome: gone}`, []string{"acme.yaml:10", "revoke.answers.404.outcome", "gone"}},
		{"unknown exit", `{outcome: not_found}`, `{outcome: failed, exit: nope}`, []string{"revoke.answers.404.exit", "nope"}},
		{"revoked on 4xx", `{outcome: not_found}`, `{outcome: revoked}`, []string{"only a 2xx"}},
		{"two auth schemes", `auth: {bearer: "{credential}"}`, `auth: {bearer: "{credential}", header: {name: X-Key, value: "{credential}"}}`, []string{"credential.auth", "exactly one"}},
		{"bad name", "name: acme", "name: Acme Corp", []string{"acme.yaml:1", "name"}},
		{"bad regexp", "title: Acme", "title: Acme\nid: {pattern: \"([a-z\"}", []string{"id.pattern", "regular expression"}},
		{"unbalanced template", `path: "/keys/{id}"`, `path: "/keys/{id"`, []string{"revoke.request.path"}},
		{"no success", `"204": {outcome: revoked}`, `"204": {outcome: failed}`, []string{"no answer has outcome revoked"}},
		{"not yaml", "title: Acme", "title: [Acme", []string{"acme.yaml"}},
		{"wrong type", "title: Acme", "title: {a: 1}", []string{"acme.yaml:2"}},
		{"submitted on 4xx", `{outcome: not_found}`, `{outcome: submitted}`, []string{"revoke.answers.404.outcome", "only a 2xx"}},
		{"submitted with another exit", `"204": {outcome: revoked}`, `"204": {outcome: revoked}
    "202": {outcome: submitted, exit: server}`, []string{"revoke.answers.202.exit", "exits ok"}},
		{"no base URL, no description", "base_url: https://api.acme.example/v2\n", "", []string{"acme.yaml:", "base_url", "missing", "base_url_describe"}},
		{"base URL and a description", "base_url: https://api.acme.example/v2\n", "base_url: https://api.acme.example/v2\nbase_url_describe: the org URL\n", []string{"acme.yaml:4", "base_url_describe", "not both"}},
		{"param example off its pattern", "title: Acme", "title: Acme\nparams: [{name: region, pattern: \"^[a-z]+-[0-9]+$\", example: EU}]", []string{"acme.yaml:", "params.0.example", "does not match"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(minimal, c.old) {
				t.Fatalf("%q not in the minimal definition", c.old)
			}
			_, err := providers.ParseDefinition("acme.yaml", []byte(strings.Replace(minimal, c.old, c.new, 1)))
			var de *providers.DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *DefinitionError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoopbackHTTPAllowed(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:8080", "http://localhost:9/x", "http://[::1]:1"} {
		if _, err := providers.ParseDefinition("a.yaml", []byte(strings.Replace(minimal, "https://api.acme.example/v2", base, 1))); err != nil {
			t.Errorf("%s: %v", base, err)
		}
	}
}

// TestGarbageNeverPanics feeds truncated and mangled definitions.
func TestGarbageNeverPanics(t *testing.T) {
	for _, data := range []string{"", "- a\n- b\n", "just text", "name: [", "\x00\x01"} {
		if _, err := providers.ParseDefinition("g.yaml", []byte(data)); err == nil {
			t.Errorf("%q was accepted", data)
		}
	}
	for i := 0; i < len(minimal); i++ {
		for _, data := range []string{minimal[:i], minimal[:i] + "\x00{[", strings.Repeat(minimal[i:i+1], i)} {
			_, _ = providers.ParseDefinition("g.yaml", []byte(data))
		}
	}
}

func TestRequestShapes(t *testing.T) {
	def := `name: acme
base_url: https://api.acme.example
params:
  - {name: account, describe: the account SID, pattern: "^AC[0-9a-f]+$"}
  - {name: region, describe: the region, default: us}
credential:
  auth: {basic: {user: "{param.account}", password: "{credential}"}}
revoke:
  request:
    method: POST
    path: "/{param.region}/accounts/{param.account}/keys/revoke"
    headers: {X-Request-Source: keyctl}
    body: {json: {key: {id: "{id}"}, reason: compromised}}
  answers:
    "200": {outcome: revoked, confirm: [{path: ok, equals: true}]}
`
	d, err := providers.ParseDefinition("acme.yaml", []byte(def))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := providers.NewDefined(d)
	u, _ := url.Parse("https://api.acme.example")
	tgt := providers.Target{BaseURL: u, Token: "s3cret", Params: map[string]string{"account": "AC12"}}
	r, err := p.Request(tgt, `k"1`)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.URL != "https://api.acme.example/us/accounts/AC12/keys/revoke" {
		t.Errorf("request line = %s %s", r.Method, r.URL)
	}
	if string(r.Body) != `{"key":{"id":"k\"1"},"reason":"compromised"}` || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("body = %s (%s)", r.Body, r.Header.Get("Content-Type"))
	}
	if r.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte("AC12:s3cret")) || r.Header.Get("X-Request-Source") != "keyctl" {
		t.Errorf("headers = %v", r.Header)
	}
	if o := p.Classify(200, http.Header{}, []byte(`{"ok":false}`)); o.State != providers.Failed || !strings.Contains(o.Message, "ok=false") {
		t.Errorf("ok:false in a 200 = %+v", o)
	}
	tgt.Params = nil
	var me *providers.MissingParamError
	if _, err := p.Request(tgt, "k"); !errors.As(err, &me) || !strings.Contains(err.Error(), "KEYCTL_ACME_ACCOUNT") {
		t.Errorf("missing param: %v", err)
	}
	tgt.Params = map[string]string{"account": "nope"}
	if _, err := p.Request(tgt, "k"); err == nil || !strings.Contains(err.Error(), "^AC[0-9a-f]+$") {
		t.Errorf("bad param: %v", err)
	}
}
