package providers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const bySecret = `name: acme
base_url: https://api.acme.example
credential: {auth: {header: {name: X-Key, value: "{credential}"}}}
secret:
  formats: [{name: key, pattern: '^acme_[a-z0-9]{8}$', prefix: acme_}]
revoke_by_secret:
  auth: none
  request: {method: POST, path: /revoke, body: {json: {tokens: ["{secret}"]}}}
  answers:
    "200":
      outcome: revoked
      confirm: [{path: ok, equals: true}]
      cases:
        - {paths: [error], contains: token_revoked, outcome: already_revoked}
        - {paths: [error], contains: invalid_auth, outcome: dead}
`

func TestBySecretOnlyDefinition(t *testing.T) {
	d, err := providers.ParseDefinition("acme.yaml", []byte(bySecret))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://api.acme.example")
	tgt := providers.Target{BaseURL: u}
	if _, err := p.Request(tgt, "key_1"); err == nil || !strings.Contains(err.Error(), "--secret-stdin") {
		t.Fatalf("revoke by id: %v", err)
	}
	r, err := p.SecretRequest(providers.OpRevokeBySecret, tgt, "acme_abcd1234", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.URL != "https://api.acme.example/revoke" || string(r.Body) != `{"tokens":["acme_abcd1234"]}` || r.Header.Get("X-Key") != "" {
		t.Fatalf("request %s %s %s %v", r.Method, r.URL, r.Body, r.Header)
	}
	cases := []struct {
		body  string
		state providers.State
		code  exit.Code
	}{
		{`{"ok":true}`, providers.Revoked, exit.OK},
		{`{"ok":false,"error":"token_revoked"}`, providers.AlreadyRevoked, exit.OK},
		{`{"ok":false,"error":"invalid_auth"}`, providers.Dead, exit.OK},
		{`{"ok":false,"error":"ratelimited"}`, providers.Failed, exit.Unexpected},
		{`{"ok":true,"ok":false}`, providers.Failed, exit.Unexpected},
		{`<html>sign in</html>`, providers.Failed, exit.Unexpected},
	}
	for _, c := range cases {
		o := p.SecretClassify(providers.OpRevokeBySecret, 200, http.Header{"Content-Type": {"application/json"}}, []byte(c.body))
		if o.State != c.state || o.Code != c.code {
			t.Errorf("%s: %s exit %d (%s)", c.body, o.State, o.Code, o.Message)
		}
	}
	if h, ok := interface{}(p).(providers.SecretHandler); !ok || len(h.SecretFormats()) != 1 {
		t.Fatal("not a secret handler")
	}
	if got := p.MaskSecrets("echo acme_abcd1234 back"); got != "echo <secret> back" {
		t.Fatalf("masked %q", got)
	}
}

func TestBadSecretDefinitions(t *testing.T) {
	cases := []struct{ replace, with, want string }{
		{"'^acme_[a-z0-9]{8}$'", "'acme_[a-z0-9]{8}'", "secret.formats.0.pattern"},
		{"prefix: acme_", "prefix: beta_", "secret.formats.0.prefix"},
		{`["{secret}"]`, `["x"]`, "revoke_by_secret.request"},
		{"auth: none", "auth: maybe", "revoke_by_secret.auth"},
		{"outcome: already_revoked}", "outcome: revoked}\n        - {paths: [error], contains: x, outcome: live}", "outcome"},
		{"secret:\n  formats: [{name: key, pattern: '^acme_[a-z0-9]{8}$', prefix: acme_}]\n", "", "secret.formats"},
	}
	for _, c := range cases {
		src := strings.Replace(bySecret, c.replace, c.with, 1)
		if src == bySecret {
			t.Fatalf("replacement %q not applied", c.replace)
		}
		_, err := providers.ParseDefinition("acme.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q → %q: error %v, want one naming %s", c.replace, c.with, err, c.want)
		}
	}
	lookup := bySecret + `lookup:
  auth: secret
  request: {method: GET, path: /self}
  answers: {"200": {outcome: found}}
`
	if _, err := providers.ParseDefinition("acme.yaml", []byte(lookup)); err == nil || !strings.Contains(err.Error(), "lookup.id") {
		t.Errorf("a lookup without id: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	fp := providers.Fingerprint("ghp_", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")
	if !strings.HasPrefix(fp, "ghp_…6789 sha256:") || len(fp) != len("ghp_…6789 sha256:")+12 {
		t.Fatalf("fingerprint %q", fp)
	}
	if fp == providers.Fingerprint("ghp_", "ghp_abcdefghijklmnopqrstuvwxyz0123456780") {
		t.Fatal("two secrets, one fingerprint")
	}
	if short := providers.Fingerprint("", "abc"); strings.Contains(short, "abc") {
		t.Fatalf("a short secret shows: %q", short)
	}
}
