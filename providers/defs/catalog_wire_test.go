package defs_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestCatalogRequestsOnTheWire: each provider sends its documented request:
// method, escaped URL with its parameters, the credential where the
// provider reads it, the documented extra headers and body.
func TestCatalogRequestsOnTheWire(t *testing.T) {
	const cred = "s3cret-credential"
	cases := []struct {
		provider, base, id string
		params             map[string]string
		method, url        string
		header             map[string]string
		body               string
	}{
		{"openai", "https://api.openai.com/v1", "key_a/b", map[string]string{"project_id": "proj_1"},
			"DELETE", "https://api.openai.com/v1/organization/projects/proj_1/api_keys/key_a%2Fb",
			map[string]string{"Authorization": "Bearer " + cred}, ""},
		{"openaiadmin", "https://api.openai.com/v1", "key_abc", nil,
			"DELETE", "https://api.openai.com/v1/organization/admin_api_keys/key_abc",
			map[string]string{"Authorization": "Bearer " + cred}, ""},
		{"anthropic", "https://api.anthropic.com", "apikey_01Rj2N8SVvo6BePZj99NhmiT", nil,
			"POST", "https://api.anthropic.com/v1/organizations/api_keys/apikey_01Rj2N8SVvo6BePZj99NhmiT",
			map[string]string{"X-Api-Key": cred, "Anthropic-Version": "2023-06-01", "Content-Type": "application/json", "Authorization": ""},
			`{"status":"inactive"}`},
		{"cloudflare", "https://api.cloudflare.com/client/v4", "ed17574386854bf78a67040be0a770b0", nil,
			"DELETE", "https://api.cloudflare.com/client/v4/user/tokens/ed17574386854bf78a67040be0a770b0",
			map[string]string{"Authorization": "Bearer " + cred}, ""},
		{"cloudflareaccount", "https://api.cloudflare.com/client/v4", "ed17574386854bf78a67040be0a770b0", map[string]string{"account_id": "023e105f4ecef8ad9ca31a8372d0c353"},
			"DELETE", "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/tokens/ed17574386854bf78a67040be0a770b0",
			map[string]string{"Authorization": "Bearer " + cred}, ""},
		{"gitlab", "https://gitlab.example.com/api/v4", "42", nil,
			"DELETE", "https://gitlab.example.com/api/v4/personal_access_tokens/42",
			map[string]string{"Private-Token": cred, "Authorization": ""}, ""},
		{"gitlabproject", "https://gitlab.com/api/v4", "7", map[string]string{"project": "my-group/my-project"},
			"DELETE", "https://gitlab.com/api/v4/projects/my-group%2Fmy-project/access_tokens/7",
			map[string]string{"Private-Token": cred}, ""},
		{"gitlabgroup", "https://gitlab.com/api/v4", "7", map[string]string{"group": "5"},
			"DELETE", "https://gitlab.com/api/v4/groups/5/access_tokens/7",
			map[string]string{"Private-Token": cred}, ""},
		{"sendgrid", "https://api.eu.sendgrid.com", "qfTQ6KG0QBiwWdJ0-pCLCA", nil,
			"DELETE", "https://api.eu.sendgrid.com/v3/api_keys/qfTQ6KG0QBiwWdJ0-pCLCA",
			map[string]string{"Authorization": "Bearer " + cred}, ""},
		{"twilio", "https://iam.twilio.com", "SK0123456789abcdef0123456789abcdef", map[string]string{"account_sid": "AC0123456789abcdef0123456789abcdef"},
			"DELETE", "https://iam.twilio.com/v1/Keys/SK0123456789abcdef0123456789abcdef",
			map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("AC0123456789abcdef0123456789abcdef:"+cred))}, ""},
	}
	for _, c := range cases {
		t.Run(c.provider, func(t *testing.T) {
			u, _ := url.Parse(c.base)
			r, err := defs.Builtin(c.provider).Request(providers.Target{BaseURL: u, Token: cred, Params: c.params}, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Method != c.method || r.URL != c.url {
				t.Errorf("request line %s %s, want %s %s", r.Method, r.URL, c.method, c.url)
			}
			for k, v := range c.header {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if string(r.Body) != c.body {
				t.Errorf("body %q, want %q", r.Body, c.body)
			}
			if strings.Contains(r.URL, cred) {
				t.Error("the credential is in the URL")
			}
		})
	}
}

// TestCatalogAnswers: the documented successes are revoked only with their
// confirming field; the answers that are not a revocation are not.
func TestCatalogAnswers(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		provider string
		status   int
		body     string
		state    providers.State
		code     exit.Code
	}{
		{"openai", 200, `{"object":"organization.project.api_key.deleted","id":"key_abc","deleted":true}`, providers.Revoked, exit.OK},
		{"openai", 200, `{"object":"organization.project.api_key.deleted","id":"key_abc","deleted":false}`, providers.Failed, exit.Unexpected},
		{"openai", 400, `{"error":{"message":"key belongs to a service account","type":"invalid_request_error","param":null,"code":null}}`, providers.Failed, exit.Conflict},
		{"openaiadmin", 200, `{"id":"key_abc","object":"organization.admin_api_key.deleted","deleted":true}`, providers.Revoked, exit.OK},
		{"anthropic", 200, `{"id":"apikey_1","type":"api_key","status":"inactive"}`, providers.Revoked, exit.OK},
		{"anthropic", 200, `{"id":"apikey_1","type":"api_key","status":"active"}`, providers.Failed, exit.Unexpected},
		{"anthropic", 404, `{"type":"error","error":{"type":"not_found_error","message":"not found"}}`, providers.NotFound, exit.NotFound},
		{"anthropic", 529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, providers.Failed, exit.Server},
		{"cloudflare", 200, `{"success":true,"errors":[],"messages":[],"result":{"id":"ed17574386854bf78a67040be0a770b0"}}`, providers.Revoked, exit.OK},
		{"cloudflare", 200, `{"success":false,"errors":[{"code":1000,"message":"no"}],"messages":[],"result":null}`, providers.Failed, exit.Unexpected},
		{"cloudflareaccount", 200, `{"success":true,"errors":[],"messages":[],"result":{"id":"ed17574386854bf78a67040be0a770b0"}}`, providers.Revoked, exit.OK},
		{"gitlab", 204, ``, providers.Revoked, exit.OK},
		{"gitlab", 400, `{"message":"400 (Bad request)"}`, providers.Failed, exit.Conflict},
		{"gitlabproject", 404, `{"message":"404 Not Found"}`, providers.NotFound, exit.NotFound},
		{"gitlabgroup", 404, `{"message":"404 Not Found"}`, providers.Failed, exit.NotFound}, // documented as "not revoked successfully"
		{"sendgrid", 204, ``, providers.Revoked, exit.OK},
		{"sendgrid", 404, `{"errors":[{"field":null,"message":"unable to find API Key"}]}`, providers.NotFound, exit.NotFound},
		{"twilio", 204, ``, providers.Revoked, exit.OK},
		{"twilio", 401, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`, providers.Failed, exit.Auth},
	}
	for _, c := range cases {
		o := defs.Builtin(c.provider).Classify(c.status, json, []byte(c.body))
		if o.State != c.state || o.Code != c.code {
			t.Errorf("%s %d %s: %s/%d (%s), want %s/%d", c.provider, c.status, c.body, o.State, o.Code, o.Message, c.state, c.code)
		}
	}
	// The provider's own words reach the message.
	if o := defs.Builtin("gitlab").Classify(400, json, []byte(`{"message":{"name":["has already been taken"]}}`)); !strings.Contains(o.Message, "name: has already been taken") {
		t.Errorf("gitlab field errors: %q", o.Message)
	}
	if o := defs.Builtin("anthropic").Classify(404, json, []byte(`{"type":"error","error":{"type":"not_found_error","message":"no such key"}}`)); !strings.Contains(o.Message, "no such key (not_found_error)") {
		t.Errorf("anthropic message: %q", o.Message)
	}
}
