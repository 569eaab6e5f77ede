package defs_test

import (
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestDigitalOceanRevokesATokenWithItself: POST /v1/oauth/revoke on the
// OAuth host, the token as the form field and as its own Bearer; only 200
// is a revocation.
func TestDigitalOceanRevokesATokenWithItself(t *testing.T) {
	const secret = "dop_v1_SandboxEXAMPLE00000000000000000000000000000000000000000000"
	c := secretCall{provider: "digitalocean", op: providers.OpRevokeBySecret, secret: secret}
	got, o := c.send(t, 200, nil, "")
	if got.Method != "POST" || got.Path != "/v1/oauth/revoke" || len(got.Query) != 0 {
		t.Errorf("request %s %s?%s, want POST /v1/oauth/revoke", got.Method, got.Path, got.Query.Encode())
	}
	if got.Header.Get("Authorization") != "Bearer "+secret {
		t.Errorf("Authorization %q, want the token as its own Bearer", got.Header.Get("Authorization"))
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" || got.Body != "token="+secret {
		t.Errorf("body %q (%s), want the form token=<token>", got.Body, ct)
	}
	if o.State != providers.Revoked || o.Code != exit.OK {
		t.Errorf("200: %s/%d (%s), want revoked", o.State, o.Code, o.Message)
	}
	c.checkAnswers(t, []answerCase{
		{200, "", providers.Revoked, exit.OK, "200"},
		// Nothing else is documented: never a revocation.
		{401, `{"id":"unauthorized","message":"Unable to authenticate you."}`, providers.Failed, exit.Auth, "Unable to authenticate you"},
		{204, "", providers.Failed, exit.Unexpected, "does not define"},
	})
	if b := defs.Builtin("digitalocean").Info().DefaultBaseURL; b != "https://cloud.digitalocean.com" {
		t.Errorf("base URL %s, want the OAuth host", b)
	}
	for _, s := range []string{secret, "doo_v1_SandboxEXAMPLE0", "dor_v1_SandboxEXAMPLE0"} {
		if d := detected(s); d != "digitalocean" {
			t.Errorf("%.7s… detected as %q", s, d)
		}
	}
}
