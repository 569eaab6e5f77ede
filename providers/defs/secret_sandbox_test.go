package defs_test

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestSandboxPlaysSecrets: each provider's seeded fake secret can be
// rehearsed offline: keyctl verify finds it live where the provider has a
// check, and revoke --verify ends as the provider's documented answers
// allow (confirmed, revoked but unverifiable, or the manual next step).
func TestSandboxPlaysSecrets(t *testing.T) {
	type outcome struct {
		state providers.State
		code  exit.Code
	}
	live, unverified := outcome{providers.Live, exit.StillLive}, outcome{providers.Unverified, exit.Unverified}
	confirmed, revokedOnly, manual := outcome{providers.Confirmed, exit.OK}, outcome{providers.Revoked, exit.Unverified}, outcome{providers.Failed, exit.Manual}
	want := map[string][2]outcome{ // verify, then revoke --verify
		"vercel":            {live, confirmed},
		"okta":              {live, revokedOnly},
		"jfrog":             {live, confirmed},
		"cloudflare":        {live, revokedOnly},
		"cloudflareaccount": {live, revokedOnly},
		"launchdarkly":      {live, confirmed},
		"langwatch":         {unverified, revokedOnly},
		"discord":           {unverified, revokedOnly},
		"openai":            {live, manual},
		"openaiadmin":       {unverified, manual},
		"anthropic":         {live, manual},
		"sendgrid":          {live, manual},
		"pulumi":            {live, manual},
		"databricks":        {live, manual},
		"contentful":        {live, manual},
		"terraformcloud":    {live, manual},
		"supabase":          {unverified, manual},
	}
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	bases := sandbox.BaseURLs(srv.URL)
	seen := map[string]bool{}
	for _, k := range sb.Secrets() {
		w, ok := want[k.Provider]
		if !ok || seen[k.Provider] {
			continue
		}
		seen[k.Provider] = true
		t.Run(k.Provider, func(t *testing.T) {
			p := defs.Builtin(k.Provider)
			d := p.Definition()
			params := map[string]string{}
			for _, prm := range d.Params {
				params[prm.Name] = prm.SandboxValue()
			}
			u, _ := url.Parse(bases[k.Provider])
			tgt := providers.Target{BaseURL: u, Token: d.Sandbox.Token, Params: params, Sandbox: true}
			if _, ok := p.MatchSecret(k.Secret()); !ok {
				t.Errorf("the seeded secret has none of the documented formats")
			}
			for i, revoke := range []bool{false, true} {
				o := drive(t, providers.SecretFlow(p, tgt, k.Secret(), providers.FlowOptions{Revoke: revoke, Verify: true}))
				if o.State != w[i].state || o.Code != w[i].code {
					t.Errorf("revoke=%v: %s/%d (%s), want %s/%d", revoke, o.State, o.Code, o.Message, w[i].state, w[i].code)
				}
			}
		})
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("%s has no seeded secret", name)
		}
	}
}
