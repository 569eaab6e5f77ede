package defs_test

import (
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestShopifyUninstallsTheTokensApp: the leaked token itself, as
// X-Shopify-Access-Token, deletes /admin/api_permissions/current.json on
// the store's host; 200 is the documented success and nothing else is.
func TestShopifyUninstallsTheTokensApp(t *testing.T) {
	const secret = "shpat_SandboxEXAMPLE000000000000000001"
	c := secretCall{provider: "shopify", op: providers.OpRevokeBySecret, secret: secret}
	got, _ := c.send(t, 200, nil, "")
	if got.Method != "DELETE" || got.Path != "/admin/api_permissions/current.json" || len(got.Query) != 0 || got.Body != "" {
		t.Errorf("request %s %s?%s %q, want DELETE /admin/api_permissions/current.json without a body", got.Method, got.Path, got.Query.Encode(), got.Body)
	}
	if got.Header.Get("X-Shopify-Access-Token") != secret || got.Header.Get("Authorization") != "" {
		t.Errorf("X-Shopify-Access-Token %q, Authorization %q: want the token in its header only", got.Header.Get("X-Shopify-Access-Token"), got.Header.Get("Authorization"))
	}
	c.checkAnswers(t, []answerCase{
		{200, "", providers.Revoked, exit.OK, "200"},
		{200, `{}`, providers.Revoked, exit.OK, "200"},
		{401, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`, providers.Failed, exit.Auth, "401"},
		{204, "", providers.Failed, exit.Unexpected, "does not define"},
	})
	if i := defs.Builtin("shopify").Info(); i.DefaultBaseURL != "" || i.BaseURLDescribe == "" {
		t.Errorf("default base URL %q: every store has its own host", i.DefaultBaseURL)
	}
	for s, want := range map[string]string{
		secret:                                   "shopify",
		"shpca_SandboxEXAMPLE000000000000000002": "shopify",
		"shppa_SandboxEXAMPLE000000000000000003": "shopify",
		"shpat_short":                            "", // 38 characters, documented
	} {
		if d := detected(s); d != want {
			t.Errorf("%.6s… (%d characters) detected as %q, want %q", s, len(s), d, want)
		}
	}
}
