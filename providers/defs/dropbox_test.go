package defs_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// TestDropboxTokensRevokeThemselves: auth/token/revoke with the leaked
// token as Bearer and no body; check/user with it and an echoed query. Of
// the 401 tags, only an invalid or expired token is dead.
func TestDropboxTokensRevokeThemselves(t *testing.T) {
	const secret = "sl.SandboxLeakEXAMPLE-0000000000000000000000000000001"
	r := builtRequest(t, "dropbox", providers.OpRevokeBySecret, secret)
	if r.Method != "POST" || r.URL != "https://api.dropboxapi.com/2/auth/token/revoke" || r.Header.Get("Authorization") != "Bearer "+secret || r.Body != nil {
		t.Errorf("revoke: %s %s (Authorization %q, body %q)", r.Method, r.URL, r.Header.Get("Authorization"), r.Body)
	}
	r = builtRequest(t, "dropbox", providers.OpVerify, secret)
	if r.Method != "POST" || r.URL != "https://api.dropboxapi.com/2/check/user" || r.Header.Get("Authorization") != "Bearer "+secret ||
		string(r.Body) != `{"query":"keyctl"}` || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("verify: %s %s (Authorization %q, body %q, %s)", r.Method, r.URL, r.Header.Get("Authorization"), r.Body, r.Header.Get("Content-Type"))
	}
	if got := detected(secret); got != "dropbox" {
		t.Errorf("detected as %q, want dropbox", got)
	}
	if got := detected("SandboxLongLivedEXAMPLE000000000000000000000000000000000"); got == "dropbox" {
		t.Error("an unprefixed secret is claimed as Dropbox's")
	}

	authError := func(tag string) string {
		return `{"error_summary":"` + tag + `/..","error":{".tag":"` + tag + `"}}`
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
		{"revoked", 200, `null`, nil, providers.Revoked, exit.OK, "revoked (200 OK)"},
		{"a sign-in page", 200, `<html><body>Sign in</body></html>`, nil, providers.Failed, exit.Unexpected, "HTML"},
		{"invalid_access_token", 401, authError("invalid_access_token"), nil, providers.Dead, exit.OK, "no longer works"},
		{"expired_access_token", 401, authError("expired_access_token"), nil, providers.Dead, exit.OK, "expired_access_token"},
		{"user_suspended", 401, authError("user_suspended"), nil, providers.Failed, exit.Auth, "user_suspended"},
		{"missing_scope", 401, `{"error_summary":"missing_scope/..","error":{".tag":"missing_scope","required_scope":"account_info.read"}}`, nil, providers.Failed, exit.Auth, "missing_scope"},
		{"rate limited", 429, `{"error_summary":"too_many_requests/..","error":{"reason":{".tag":"too_many_requests"},"retry_after":300}}`,
			http.Header{"Retry-After": {"300"}}, providers.Failed, exit.RateLimited, "Retry-After: 300"},
	}
	for _, c := range revoke {
		t.Run("revoke/"+c.name, func(t *testing.T) {
			s := newSecretServer(t, map[string][]cannedAnswer{"POST /2/auth/token/revoke": {{status: c.status, body: c.body, header: c.header}}})
			o := runSecret(t, s, "dropbox", "/2", secret, true, false)
			if o.State != c.state || o.Code != c.code || !strings.Contains(o.Message, c.message) {
				t.Errorf("%s/%d %q, want %s/%d containing %q", o.State, o.Code, o.Message, c.state, c.code, c.message)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if got := reqs[0]; got.Method != http.MethodPost || got.Path != "/2/auth/token/revoke" || got.RawQuery != "" || got.Body != "" || got.Header.Get("Authorization") != "Bearer "+secret {
				t.Errorf("request %s %s?%s body %q Authorization %q", got.Method, got.Path, got.RawQuery, got.Body, got.Header.Get("Authorization"))
			}
		})
	}

	verify := []struct {
		name   string
		status int
		body   string
		state  providers.State
		code   exit.Code
	}{
		{"live", 200, `{"result":"keyctl"}`, providers.Live, exit.StillLive},
		{"not the echo", 200, `{"result":"something else"}`, providers.Unverified, exit.Unverified},
		{"invalid_access_token", 401, authError("invalid_access_token"), providers.Dead, exit.OK},
		{"expired_access_token", 401, authError("expired_access_token"), providers.Dead, exit.OK},
		{"missing_scope", 401, `{"error_summary":"missing_scope/..","error":{".tag":"missing_scope","required_scope":"account_info.read"}}`, providers.Unverified, exit.Auth},
	}
	for _, c := range verify {
		t.Run("verify/"+c.name, func(t *testing.T) {
			s := newSecretServer(t, map[string][]cannedAnswer{"POST /2/check/user": {{status: c.status, body: c.body}}})
			o := runSecret(t, s, "dropbox", "/2", secret, false, true)
			if o.State != c.state || o.Code != c.code {
				t.Errorf("%s/%d %q, want %s/%d", o.State, o.Code, o.Message, c.state, c.code)
			}
			got := s.requests()
			if len(got) != 1 || got[0].Path != "/2/check/user" || got[0].Body != `{"query":"keyctl"}` || got[0].Header.Get("Authorization") != "Bearer "+secret {
				t.Errorf("requests %+v", got)
			}
		})
	}

	s := newSecretServer(t, map[string][]cannedAnswer{
		"POST /2/auth/token/revoke": {{status: 200, body: `null`}},
		"POST /2/check/user":        {{status: 401, body: authError("invalid_access_token")}},
	})
	if o := runSecret(t, s, "dropbox", "/2", secret, true, true); o.State != providers.Confirmed || o.Code != exit.OK {
		t.Errorf("revoke --verify: %s/%d %q, want confirmed", o.State, o.Code, o.Message)
	}
}
