package defs_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestSandboxPlaysTheLeakedSecrets: the fake secrets seeded for the
// providers that revoke a leaked secret by value are revoked through the
// emulator with the definition's own request, and a provider with a verify
// request sees them live before and dead after.
func TestSandboxPlaysTheLeakedSecrets(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	srv, err := sandbox.Start(sb, "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bases := sandbox.BaseURLs(srv.URL)
	seeded := map[string][]string{}
	for _, k := range sb.Secrets() {
		seeded[k.Provider] = append(seeded[k.Provider], k.Secret())
	}
	call := func(t *testing.T, name, op, secret string) providers.Outcome {
		t.Helper()
		u, err := url.Parse(bases[name])
		if err != nil {
			t.Fatal(err)
		}
		p := defs.Builtin(name)
		tgt := providers.Target{BaseURL: u, Token: sandbox.Token(name), Params: sandbox.Params(name), Sandbox: true}
		req, err := p.SecretRequest(op, tgt, secret, "")
		if err != nil {
			t.Fatal(err)
		}
		hr, err := http.NewRequest(req.Method, req.URL, bytes.NewReader(req.Body))
		if err != nil {
			t.Fatal(err)
		}
		hr.Header = req.Header.Clone()
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return p.SecretClassify(op, resp.StatusCode, resp.Header, body)
	}
	for _, name := range []string{"digitalocean", "shopify", "twitch", "npm"} {
		t.Run(name, func(t *testing.T) {
			secrets := seeded[name]
			if len(secrets) < 2 {
				t.Fatalf("%d fake secrets seeded, want at least 2", len(secrets))
			}
			verifies := defs.Builtin(name).SecretPlan().Verify
			for _, s := range secrets {
				if d := detected(s); d != name {
					t.Errorf("a seeded secret is detected as %q", d)
				}
				if verifies {
					if o := call(t, name, providers.OpVerify, s); o.State != providers.Live {
						t.Errorf("verify before: %s (%s), want live", o.State, o.Message)
					}
				}
				if o := call(t, name, providers.OpRevokeBySecret, s); o.State != providers.Revoked {
					t.Errorf("revoke: %s (%s), want revoked", o.State, o.Message)
				}
				if verifies {
					if o := call(t, name, providers.OpVerify, s); o.State != providers.Dead {
						t.Errorf("verify after: %s (%s), want dead", o.State, o.Message)
					}
				}
			}
		})
	}
}
