package defs_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// TestSlackTokensRevokeThemselves: auth.revoke and auth.test get the leaked
// token as a Bearer header, nothing in the URL or body; Slack's answers, all
// 200s, are told apart by ok, revoked and error.
func TestSlackTokensRevokeThemselves(t *testing.T) {
	const secret = "xoxb-0000000000-SandboxLeakEXAMPLE1"
	for op, url := range map[string]string{
		providers.OpRevokeBySecret: "https://slack.com/api/auth.revoke",
		providers.OpVerify:         "https://slack.com/api/auth.test",
	} {
		r := builtRequest(t, "slack", op, secret)
		if r.Method != "POST" || r.URL != url || r.Header.Get("Authorization") != "Bearer "+secret || r.Body != nil {
			t.Errorf("%s: %s %s (Authorization %q, body %q), want POST %s with the token as Bearer and no body", op, r.Method, r.URL, r.Header.Get("Authorization"), r.Body, url)
		}
	}
	for _, s := range []string{secret, "xoxp-1-SandboxLeakEXAMPLE2"} {
		if got := detected(s); got != "slack" {
			t.Errorf("%s…: detected as %q, want slack", s[:5], got)
		}
	}

	revoke := []struct {
		name    string
		status  int
		body    string
		header  http.Header
		state   providers.State
		code    exit.Code
		message string
	}{
		{"revoked", 200, `{"ok":true,"revoked":true}`, nil, providers.Revoked, exit.OK, "revoked"},
		{"not revoked", 200, `{"ok":true,"revoked":false}`, nil, providers.Failed, exit.Unexpected, "revoked: false"},
		{"invalid_auth", 200, `{"ok":false,"error":"invalid_auth"}`, nil, providers.Dead, exit.OK, "no longer works"},
		{"token_revoked", 200, `{"ok":false,"error":"token_revoked"}`, nil, providers.Dead, exit.OK, "token_revoked"},
		{"account_inactive", 200, `{"ok":false,"error":"account_inactive"}`, nil, providers.Dead, exit.OK, "account_inactive"},
		{"not_authed", 200, `{"ok":false,"error":"not_authed"}`, nil, providers.Failed, exit.Auth, "not_authed"},
		{"no_permission", 200, `{"ok":false,"error":"no_permission"}`, nil, providers.Failed, exit.Permission, "no_permission"},
		{"another error", 200, `{"ok":false,"error":"fatal_error"}`, nil, providers.Failed, exit.Unexpected, "ok: false (fatal_error)"},
		{"rate limited", 429, ``, http.Header{"Retry-After": {"30"}}, providers.Failed, exit.RateLimited, "Retry-After: 30"},
	}
	for _, c := range revoke {
		t.Run("revoke/"+c.name, func(t *testing.T) {
			s := newSecretServer(t, map[string][]cannedAnswer{"POST /api/auth.revoke": {{status: c.status, body: c.body, header: c.header}}})
			o := runSecret(t, s, "slack", "/api", secret, true, false)
			if o.State != c.state || o.Code != c.code || !strings.Contains(o.Message, c.message) {
				t.Errorf("%s/%d %q, want %s/%d containing %q", o.State, o.Code, o.Message, c.state, c.code, c.message)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if got := reqs[0]; got.Method != http.MethodPost || got.Path != "/api/auth.revoke" || got.RawQuery != "" || got.Body != "" || got.Header.Get("Authorization") != "Bearer "+secret {
				t.Errorf("request %s %s?%s body %q Authorization %q", got.Method, got.Path, got.RawQuery, got.Body, got.Header.Get("Authorization"))
			}
		})
	}

	live := `{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"bot","team_id":"T1","user_id":"U1"}`
	verify := []struct {
		name  string
		body  string
		state providers.State
		code  exit.Code
	}{
		{"live", live, providers.Live, exit.StillLive},
		{"invalid_auth", `{"ok":false,"error":"invalid_auth"}`, providers.Dead, exit.OK},
		{"token_revoked", `{"ok":false,"error":"token_revoked"}`, providers.Dead, exit.OK},
		{"account_inactive", `{"ok":false,"error":"account_inactive"}`, providers.Dead, exit.OK},
		{"not_authed", `{"ok":false,"error":"not_authed"}`, providers.Unverified, exit.Auth},
		{"another error", `{"ok":false,"error":"fatal_error"}`, providers.Unverified, exit.Unverified},
	}
	for _, c := range verify {
		t.Run("verify/"+c.name, func(t *testing.T) {
			s := newSecretServer(t, map[string][]cannedAnswer{"POST /api/auth.test": {{status: 200, body: c.body}}})
			o := runSecret(t, s, "slack", "/api", secret, false, true)
			if o.State != c.state || o.Code != c.code {
				t.Errorf("%s/%d %q, want %s/%d", o.State, o.Code, o.Message, c.state, c.code)
			}
			if got := s.requests(); len(got) != 1 || got[0].Path != "/api/auth.test" || got[0].Header.Get("Authorization") != "Bearer "+secret {
				t.Errorf("requests %+v", got)
			}
		})
	}

	// revoke --verify: confirmed once auth.test refuses the token; a token
	// auth.test keeps accepting is reported still live.
	s := newSecretServer(t, map[string][]cannedAnswer{
		"POST /api/auth.revoke": {{status: 200, body: `{"ok":true,"revoked":true}`}},
		"POST /api/auth.test":   {{status: 200, body: live}, {status: 200, body: `{"ok":false,"error":"token_revoked"}`}},
	})
	if o := runSecret(t, s, "slack", "/api", secret, true, true); o.State != providers.Confirmed || o.Code != exit.OK {
		t.Errorf("revoke --verify: %s/%d %q, want confirmed", o.State, o.Code, o.Message)
	}
	s = newSecretServer(t, map[string][]cannedAnswer{
		"POST /api/auth.revoke": {{status: 200, body: `{"ok":true,"revoked":true}`}},
		"POST /api/auth.test":   {{status: 200, body: live}},
	})
	if o := runSecret(t, s, "slack", "/api", secret, true, true); o.State != providers.Revoked || o.Code != exit.StillLive {
		t.Errorf("revoke --verify of a token still accepted: %s/%d %q, want revoked/%d", o.State, o.Code, o.Message, exit.StillLive)
	}
}
