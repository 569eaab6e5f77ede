package defs_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// TestHuggingFaceRevokesLeakedTokensByValue: the token goes in a JSON body
// without authentication; the 202 Hugging Face sends for any token is
// submitted, and there is no documented way to verify.
func TestHuggingFaceRevokesLeakedTokensByValue(t *testing.T) {
	const secret = "hf_SandboxLeakEXAMPLE0000000000000000001"
	r := builtRequest(t, "huggingface", providers.OpRevokeBySecret, secret)
	if r.Method != "POST" || r.URL != "https://huggingface.co/api/credentials/revoke" {
		t.Errorf("request line %s %s, want POST https://huggingface.co/api/credentials/revoke", r.Method, r.URL)
	}
	if got := detected(secret); got != "huggingface" {
		t.Errorf("detected as %q, want huggingface", got)
	}

	cases := []struct {
		name    string
		status  int
		body    string
		state   providers.State
		code    exit.Code
		message string
	}{
		{"accepted", 202, ``, providers.Submitted, exit.OK, "confirms nothing"},
		{"accepted with a body", 202, `{}`, providers.Submitted, exit.OK, "confirms nothing"},
		{"a sign-in page", 202, `<!DOCTYPE html><html>Sign in</html>`, providers.Failed, exit.Unexpected, "HTML"},
		{"undocumented success", 200, `{}`, providers.Failed, exit.Unexpected, "does not define as a revocation"},
		{"undocumented rate limit", 429, `{"error":"Too many requests"}`, providers.Failed, exit.RateLimited, "Too many requests"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSecretServer(t, map[string][]cannedAnswer{"POST /api/credentials/revoke": {{status: c.status, body: c.body}}})
			o := runSecret(t, s, "huggingface", "", secret, true, false)
			if o.State != c.state || o.Code != c.code || !strings.Contains(o.Message, c.message) {
				t.Errorf("%s/%d %q, want %s/%d containing %q", o.State, o.Code, o.Message, c.state, c.code, c.message)
			}
			reqs := s.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.Method != http.MethodPost || got.Path != "/api/credentials/revoke" || got.RawQuery != "" {
				t.Errorf("request %s %s?%s", got.Method, got.Path, got.RawQuery)
			}
			if got.Body != `{"credentials":["`+secret+`"]}` || got.Header.Get("Content-Type") != "application/json" {
				t.Errorf("body %s (%s)", got.Body, got.Header.Get("Content-Type"))
			}
			if a := got.Header.Get("Authorization"); a != "" {
				t.Errorf("Authorization %q: the endpoint takes no authentication", a)
			}
		})
	}

	s := newSecretServer(t, map[string][]cannedAnswer{"POST /api/credentials/revoke": {{status: 202}}})
	o := runSecret(t, s, "huggingface", "", secret, true, true)
	if o.State != providers.Submitted || o.Code != exit.Unverified || len(s.requests()) != 1 {
		t.Errorf("with --verify: %s/%d after %d requests (%s), want submitted/%d after 1", o.State, o.Code, len(s.requests()), o.Message, exit.Unverified)
	}
}
