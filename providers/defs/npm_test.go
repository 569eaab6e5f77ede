package defs_test

import (
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// TestNpmRevokesByKeyOrByTheTokenItself: the same DELETE
// /-/npm/v1/tokens/token/{…} takes the token's key or the full token,
// escaped in the path, authenticated by the owner's session token; the
// documented answers read the same both ways.
func TestNpmRevokesByKeyOrByTheTokenItself(t *testing.T) {
	const (
		session = "s3ssion-credential"
		secret  = "npm_SandboxEXAMPLE00000000000000000000001"
		key     = "0f6b6b2e-2bd5-4a59-9b0a-6d4c2d8e1a11"
	)
	byValue := secretCall{provider: "npm", op: providers.OpRevokeBySecret, credential: session, secret: secret}
	byKey := secretCall{provider: "npm", op: providers.OpRevoke, credential: session, secret: secret, id: key}
	for _, c := range []struct {
		call secretCall
		path string
	}{
		{byValue, "/-/npm/v1/tokens/token/" + secret},
		{byKey, "/-/npm/v1/tokens/token/" + key},
	} {
		got, o := c.call.send(t, 204, nil, "")
		if got.Method != "DELETE" || got.Path != c.path || len(got.Query) != 0 || got.Body != "" {
			t.Errorf("%s: request %s %s?%s %q, want DELETE %s", c.call.op, got.Method, got.Path, got.Query.Encode(), got.Body, c.path)
		}
		if a := got.Header.Get("Authorization"); a != "Bearer "+session {
			t.Errorf("%s: Authorization %q, want the session token, never the leaked one", c.call.op, a)
		}
		if o.State != providers.Revoked {
			t.Errorf("%s: 204 gave %s", c.call.op, o.State)
		}
		c.call.checkAnswers(t, []answerCase{
			{204, "", providers.Revoked, exit.OK, "204"},
			{400, `{"message":"Invalid token format or token not found"}`, providers.Failed, exit.Invalid, "Invalid token format"},
			{401, `{"error":"otp required"}`, providers.Failed, exit.Auth, "npm-otp"},
			{404, `{"message":"Token does not exist"}`, providers.NotFound, exit.NotFound, "Token does not exist"},
			{500, `{"message":"Internal server error"}`, providers.Failed, exit.Server, "Internal server error"},
			{200, `{}`, providers.Failed, exit.Unexpected, "does not define"},
		})
	}
	// A token value escapes the path like any other.
	odd := secretCall{provider: "npm", op: providers.OpRevokeBySecret, credential: session, secret: "npm_a/b?c"}
	if got, _ := odd.send(t, 204, nil, ""); got.Path != "/-/npm/v1/tokens/token/npm_a%2Fb%3Fc" || len(got.Query) != 0 {
		t.Errorf("path %s?%s: the token must stay one escaped segment", got.Path, got.Query.Encode())
	}
	if d := detected(secret); d != "npm" {
		t.Errorf("npm_… detected as %q", d)
	}
}
