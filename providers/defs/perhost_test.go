package defs_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestPerHostProviders: the providers that live on each customer's own
// host have no default base URL, send their documented request to the
// host the user names, and read their documented answers.
func TestPerHostProviders(t *testing.T) {
	const cred = "s3cret-credential"
	wire := []struct {
		provider, base, id string
		method, url        string
		header             map[string]string
	}{
		{"okta", "https://acme.okta.com", "00Tabcdefg1234567890",
			"DELETE", "https://acme.okta.com/api/v1/api-tokens/00Tabcdefg1234567890",
			map[string]string{"Authorization": "SSWS " + cred}},
		{"jfrog", "https://acme.jfrog.io", "7e0eec00-0000-4000-8000-000000000001",
			"DELETE", "https://acme.jfrog.io/access/api/v1/tokens/7e0eec00-0000-4000-8000-000000000001",
			map[string]string{"Authorization": "Bearer " + cred}},
		{"jfrog", "http://127.0.0.1:8082", "me",
			"DELETE", "http://127.0.0.1:8082/access/api/v1/tokens/me",
			map[string]string{"Authorization": "Bearer " + cred}},
	}
	for _, c := range wire {
		t.Run(c.provider, func(t *testing.T) {
			p := defs.Builtin(c.provider)
			if i := p.Info(); i.DefaultBaseURL != "" || i.BaseURLDescribe == "" {
				t.Fatalf("%s: default base URL %q, description %q: want none, and what to set", c.provider, i.DefaultBaseURL, i.BaseURLDescribe)
			}
			u, _ := url.Parse(c.base)
			r, err := p.Request(providers.Target{BaseURL: u, Token: cred}, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Method != c.method || r.URL != c.url || r.Body != nil {
				t.Errorf("request %s %s %q, want %s %s and no body", r.Method, r.URL, r.Body, c.method, c.url)
			}
			for k, v := range c.header {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
	}

	json := http.Header{"Content-Type": {"application/json"}}
	answers := []struct {
		provider string
		status   int
		body     string
		state    providers.State
		code     exit.Code
		message  string
	}{
		{"okta", 204, ``, providers.Revoked, exit.OK, ""},
		{"okta", 200, `{}`, providers.Failed, exit.Unexpected, "does not define as a revocation"},
		{"okta", 403, `{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorLink":"E0000006","errorCauses":[]}`,
			providers.Failed, exit.Permission, "You do not have permission to perform the requested action (E0000006)"},
		{"okta", 404, `{"errorCode":"E0000007","errorSummary":"Not found: 00Tx","errorLink":"E0000007","errorCauses":[]}`, providers.NotFound, exit.NotFound, "Not found: 00Tx (E0000007)"},
		{"okta", 429, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorCauses":[]}`, providers.Failed, exit.RateLimited, "E0000047"},
		// JFrog: 200 is the revocation; 204 comes for a token already
		// revoked and for an unknown id alike, so it is never revoked.
		{"jfrog", 200, ``, providers.Revoked, exit.OK, "revoked (200 OK)"},
		{"jfrog", 200, `Token revoked`, providers.Revoked, exit.OK, "revoked (200 OK)"}, // the body is not documented
		{"jfrog", 200, `<html><body>Sign in</body></html>`, providers.Failed, exit.Unexpected, "HTML page"},
		{"jfrog", 204, ``, providers.Submitted, exit.OK, "does not tell a revoked token from an unknown id"},
		{"jfrog", 400, ``, providers.Failed, exit.Conflict, "revoke it on the JFrog instance that created it"},
		{"jfrog", 401, ``, providers.Failed, exit.Auth, "401"},
		{"jfrog", 403, ``, providers.Failed, exit.Permission, "only the token's owner or an admin"},
		{"jfrog", 404, ``, providers.NotFound, exit.NotFound, "404"},
		{"okta", 401, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorCauses":[]}`, providers.Failed, exit.Auth, "Invalid token provided"},
	}
	for _, c := range answers {
		o := defs.Builtin(c.provider).Classify(c.status, json, []byte(c.body))
		if o.State != c.state || o.Code != c.code || !strings.Contains(o.Message, c.message) {
			t.Errorf("%s %d %s: %s/%d (%s), want %s/%d with %q", c.provider, c.status, c.body, o.State, o.Code, o.Message, c.state, c.code, c.message)
		}
	}
}
