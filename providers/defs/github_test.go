package defs_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// TestGitHubRevokesLeakedTokensByValue: the credential revocation API gets
// the token in a JSON body, without any authentication; its 202 is
// submitted, never revoked, and there is nothing to verify with.
func TestGitHubRevokesLeakedTokensByValue(t *testing.T) {
	const secret = "ghp_SandboxLeakEXAMPLE000000000000000000001"
	r := builtRequest(t, "github", providers.OpRevokeBySecret, secret)
	if r.Method != "POST" || r.URL != "https://api.github.com/credentials/revoke" {
		t.Errorf("request line %s %s, want POST https://api.github.com/credentials/revoke", r.Method, r.URL)
	}

	for _, tc := range []struct {
		secret, kind string
	}{
		{secret, "classic PAT"},
		{"github_pat_SandboxLeakEXAMPLE_000000000000000000000000000002", "fine-grained PAT"},
		{"gho_SandboxLeakEXAMPLE000000000000000000003", "OAuth app token"},
		{"ghu_SandboxLeakEXAMPLE000000000000000000004", "user-to-server token"},
		{"ghr_SandboxLeakEXAMPLE00000000000000000000000000000000000000000000000000000000005", "refresh token"},
	} {
		if got := detected(tc.secret); got != "github" {
			t.Errorf("%s: detected as %q, want github", tc.kind, got)
		}
	}
	// Installation tokens are not accepted by the endpoint: never sent there.
	if got := detected("ghs_SandboxLeakEXAMPLE000000000000000000006"); got == "github" {
		t.Error("an installation token (ghs_) is detected as github's, but the credential revocation API does not take it")
	}

	cases := []struct {
		name    string
		status  int
		body    string
		state   providers.State
		code    exit.Code
		message string
	}{
		{"accepted", 202, `{}`, providers.Submitted, exit.OK, "confirms nothing"},
		{"accepted, not JSON", 202, `<html>Sign in</html>`, providers.Failed, exit.Unexpected, "not"},
		{"validation failed", 422, `{"message":"Validation Failed","documentation_url":"https://docs.github.com/rest","errors":["credentials is invalid"]}`,
			providers.Failed, exit.Invalid, "Validation Failed (credentials is invalid)"},
		{"internal error", 500, `{"message":"Internal Error","documentation_url":"https://docs.github.com/rest"}`, providers.Failed, exit.Server, "Internal Error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSecretServer(t, map[string][]cannedAnswer{"POST /credentials/revoke": {{status: c.status, body: c.body}}})
			o := runSecret(t, s, "github", "", secret, true, false)
			if o.State != c.state || o.Code != c.code || !strings.Contains(o.Message, c.message) {
				t.Errorf("%s/%d %q, want %s/%d containing %q", o.State, o.Code, o.Message, c.state, c.code, c.message)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.Method != http.MethodPost || got.Path != "/credentials/revoke" || got.RawQuery != "" {
				t.Errorf("request %s %s?%s", got.Method, got.Path, got.RawQuery)
			}
			if got.Body != `{"credentials":["`+secret+`"]}` {
				t.Errorf("body %s", got.Body)
			}
			if got.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", got.Header.Get("Content-Type"))
			}
			if a := got.Header.Get("Authorization"); a != "" {
				t.Errorf("Authorization %q: the endpoint answers 403 to an authenticated request", a)
			}
		})
	}

	// --verify: GitHub documents no check for a token; one request is
	// sent and the result is unverified, not confirmed.
	s := newSecretServer(t, map[string][]cannedAnswer{"POST /credentials/revoke": {{status: 202, body: `{}`}}})
	o := runSecret(t, s, "github", "", secret, true, true)
	if o.State != providers.Submitted || o.Code != exit.Unverified || len(s.requests()) != 1 {
		t.Errorf("with --verify: %s/%d after %d requests (%s), want submitted/%d after 1", o.State, o.Code, len(s.requests()), o.Message, exit.Unverified)
	}
}
