package contract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/providers"
)

// TestMatchOperation: a definition's request is the description's
// operation with the same method whose server path and template give the
// same path; a literal segment (self, current, me) fills a parameter, a
// definition's placeholder never fills a literal.
func TestMatchOperation(t *testing.T) {
	f, err := parseFragment("inline.openapi.yaml", []byte(`
openapi: 3.0.3
servers: [{url: "https://{host}/api/v4"}]
paths:
  /personal_access_tokens/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get: {responses: {"200": {description: ok}, "401": {description: no}}}
    delete: {responses: {"204": {description: revoked}}}
  /personal_access_tokens/self/rotate:
    post: {responses: {"200": {description: rotated}}}
  /user/tokens/{token_id}:
    get: {responses: {"200": {description: a token}}}
  /user/tokens/verify:
    get: {responses: {"200": {description: the calling token}}}
  /orgs/{org}/keys/{key}:disable:
    post: {responses: {"200": {description: disabled}}}
  /oauth/revoke:
    servers: [{url: "https://auth.example.com"}]
    post: {responses: {"200": {description: revoked}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		base, method, path string
		want, prefix       string // "" want: no match
	}{
		{"https://gitlab.com/api/v4", "DELETE", "/personal_access_tokens/{id}", "DELETE /personal_access_tokens/{id}", "/api/v4"},
		{"https://gitlab.com/api/v4", "DELETE", "/personal_access_tokens/self", "DELETE /personal_access_tokens/{id}", "/api/v4"},
		{"https://gitlab.com/api/v4", "GET", "/personal_access_tokens/self", "GET /personal_access_tokens/{id}", "/api/v4"},
		{"https://gitlab.com/api/v4", "POST", "/personal_access_tokens/self", "", ""},        // method differs
		{"https://gitlab.com/api/v4", "POST", "/personal_access_tokens/{id}/rotate", "", ""}, // a placeholder never fills a literal
		{"https://gitlab.com/api/v4", "POST", "/personal_access_tokens/self/rotate", "POST /personal_access_tokens/self/rotate", "/api/v4"},
		{"https://gitlab.com", "DELETE", "/api/v4/personal_access_tokens/{id}", "DELETE /personal_access_tokens/{id}", "/api/v4"}, // the server path in the definition's path
		{"https://gitlab.com/api/v4", "DELETE", "/api/v4/personal_access_tokens/{id}", "", ""},                                    // the server path twice
		{"https://gitlab.com/api", "DELETE", "/personal_access_tokens/{id}", "", ""},                                              // a server path cut short
		{"https://gitlab.com/api/v4", "DELETE", "/personal_access_tokens/{id}/", "", ""},                                          // a trailing slash is another path
		{"https://gitlab.com/api/v4", "GET", "/user/tokens/verify", "GET /user/tokens/verify", "/api/v4"},                         // the literal template wins
		{"https://gitlab.com/api/v4", "GET", "/user/tokens/{id}", "GET /user/tokens/{token_id}", "/api/v4"},
		{"https://gitlab.com/api/v4", "POST", "/orgs/{param.org}/keys/{id}:disable", "POST /orgs/{org}/keys/{key}:disable", "/api/v4"},
		{"https://gitlab.com/api/v4", "POST", "/orgs/{param.org}/keys/{id}", "", ""},
		{"https://auth.example.com", "POST", "/oauth/revoke", "POST /oauth/revoke", ""}, // a path's own server
		{"https://gitlab.com/api/v4", "POST", "/oauth/revoke", "", ""},
	}
	for _, c := range cases {
		m, ok := f.matchOperation(c.base, c.method, c.path)
		got := ""
		if ok {
			got = m.op.name()
		}
		if got != c.want || (ok && m.prefix != c.prefix) {
			t.Errorf("%s %s%s: matched %q through %q; want %q through %q", c.method, c.base, c.path, got, m.prefix, c.want, c.prefix)
		}
	}
}

// TestCheckOperationsReportsEveryGap: a request the description does not
// describe (wrong method, unknown path) and a documented status the
// definition does not map are each reported, naming the files, the
// operation and the status.
func TestCheckOperationsReportsEveryGap(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := providers.ParseDefinition("testdata/acme.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("testdata", "acme.openapi.yaml")
	fdata, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parseFragment(file, fdata)
	if err != nil {
		t.Fatal(err)
	}
	ops, prefix, errs := checkOperations("testdata/acme.yaml", d, f)
	want := []string{
		"testdata/acme.openapi.yaml documents 404 for DELETE /keys/{key_id}, but testdata/acme.yaml's revoke does not map it",
		"testdata/acme.yaml: lookup sends POST /v2/keys/current, which testdata/acme.openapi.yaml does not describe",
		"testdata/acme.yaml: verify sends GET /v2/whoami, which testdata/acme.openapi.yaml does not describe",
	}
	if len(errs) != len(want) {
		t.Fatalf("errors:\n%s\nwant %d", strings.Join(errs, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i], w) {
			t.Errorf("error %d: %s\nwant: %s…", i, errs[i], w)
		}
	}
	if prefix != "/v2" || len(ops) != 2 || ops[0].name != providers.OpRevoke || ops[1].name != providers.OpRevokeBySecret {
		t.Fatalf("prefix %q, ops %+v", prefix, ops)
	}
	// revoke_by_secret is the literal /keys/current, with its own statuses;
	// the revoke's mapped status is kept, the unmapped one reported.
	if ops[1].doc.name() != "DELETE /keys/current" || len(ops[1].cases) != 2 || ops[1].cases[1].outcome != "dead" || ops[1].cases[1].code != 0 {
		t.Errorf("revoke_by_secret: %+v", ops[1])
	}
	if len(ops[0].cases) != 1 || ops[0].cases[0].status != 204 {
		t.Errorf("revoke: %+v", ops[0].cases)
	}
}
