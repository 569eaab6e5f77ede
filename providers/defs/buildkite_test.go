package defs_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// TestBuildkiteTokensRevokeThemselves: DELETE /v2/access-token with the
// leaked token as Bearer; 204 is the revocation, nothing else is, and there
// is no documented check afterwards.
func TestBuildkiteTokensRevokeThemselves(t *testing.T) {
	const secret = "bkua_SandboxLeakEXAMPLE0000000000000000000000000001"
	r := builtRequest(t, "buildkite", providers.OpRevokeBySecret, secret)
	if r.Method != "DELETE" || r.URL != "https://api.buildkite.com/v2/access-token" || r.Header.Get("Authorization") != "Bearer "+secret || r.Body != nil {
		t.Errorf("%s %s (Authorization %q, body %q), want DELETE https://api.buildkite.com/v2/access-token with the token as Bearer", r.Method, r.URL, r.Header.Get("Authorization"), r.Body)
	}
	if got := detected(secret); got != "buildkite" {
		t.Errorf("detected as %q, want buildkite", got)
	}
	// Agent tokens belong to another API; unprefixed (pre-2023) tokens
	// are too loose to claim.
	for _, s := range []string{"bkaa_SandboxAgentEXAMPLE", "0123456789abcdef0123456789abcdef01234567"} {
		if got := detected(s); got == "buildkite" {
			t.Errorf("%s detected as buildkite's", s)
		}
	}

	cases := []struct {
		name    string
		status  int
		body    string
		header  http.Header
		state   providers.State
		code    exit.Code
		message string
	}{
		{"revoked", 204, ``, nil, providers.Revoked, exit.OK, "revoked (204 No Content)"},
		{"undocumented 200", 200, `{"uuid":"b1f3c1d0-0000-4000-8000-000000000001"}`, nil, providers.Failed, exit.Unexpected, "does not define as a revocation"},
		{"rate limited", 429, `{"message":"You have exceeded your API rate limit."}`, http.Header{"Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {"42"}}, providers.Failed, exit.RateLimited, "RateLimit-Reset"},
		{"undocumented 401", 401, `{"message":"Authentication required. Please supply a valid API Access Token"}`, nil, providers.Failed, exit.Auth, "Authentication required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSecretServer(t, map[string][]cannedAnswer{"DELETE /v2/access-token": {{status: c.status, body: c.body, header: c.header}}})
			o := runSecret(t, s, "buildkite", "/v2", secret, true, false)
			if o.State != c.state || o.Code != c.code || !strings.Contains(o.Message, c.message) {
				t.Errorf("%s/%d %q, want %s/%d containing %q", o.State, o.Code, o.Message, c.state, c.code, c.message)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if got := reqs[0]; got.Method != http.MethodDelete || got.Path != "/v2/access-token" || got.RawQuery != "" || got.Body != "" || got.Header.Get("Authorization") != "Bearer "+secret {
				t.Errorf("request %s %s?%s body %q Authorization %q", got.Method, got.Path, got.RawQuery, got.Body, got.Header.Get("Authorization"))
			}
		})
	}

	s := newSecretServer(t, map[string][]cannedAnswer{"DELETE /v2/access-token": {{status: 204}}})
	if o := runSecret(t, s, "buildkite", "/v2", secret, true, true); o.State != providers.Revoked || o.Code != exit.Unverified || len(s.requests()) != 1 {
		t.Errorf("with --verify: %s/%d after %d requests (%s), want revoked/%d after 1", o.State, o.Code, len(s.requests()), o.Message, exit.Unverified)
	}
}
