package providers_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/providers"
)

// twoKeys is a definition with an extra credential sent in a second header.
const twoKeys = `name: acme
base_url: https://api.acme.example
credential:
  describe: an Acme API key
  extra:
    - {name: app_key, describe: an Acme application key}
  auth:
    headers:
      - {name: X-Api-Key, value: "{credential}"}
      - {name: X-App-Key, value: "{credential.app_key}"}
revoke:
  request: {method: DELETE, path: "/keys/{id}"}
  answers:
    "204": {outcome: revoked}
`

// TestBadCredentialDefinitions: the extra credentials, several headers and
// Digest are checked when loaded, with the field in the error.
func TestBadCredentialDefinitions(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"extra never sent", `{name: X-App-Key, value: "{credential.app_key}"}`, `{name: X-App-Key, value: "fixed"}`,
			[]string{"acme.yaml:6", "credential.extra.0.name", "{credential.app_key} is not used in credential.auth"}},
		{"unknown extra in auth", `"{credential.app_key}"`, `"{credential.app}"`, []string{"unknown template variable {credential.app}"}},
		{"extra named token", "app_key", "token_2", []string{"credential.extra.0.name", "main credential"}},
		{"extra without describe", "{name: app_key, describe: an Acme application key}", "{name: app_key}", []string{"credential.extra.0.describe", "missing"}},
		{"extra twice", "    - {name: app_key, describe: an Acme application key}\n", "    - {name: app_key, describe: an Acme application key}\n    - {name: app_key, describe: again}\n",
			[]string{"credential.extra.1.name", "already a credential"}},
		{"extra and param share a name", "credential:\n", "params: [{name: app_key, describe: x}]\ncredential:\n", []string{"credential.extra.0.name", "already a parameter"}},
		{"param named like an extra's setting", "credential:\n", "params: [{name: app_key_file, describe: x}]\ncredential:\n", []string{"params.0.name", "a setting of credential app_key"}},
		{"extra credential in the path", `path: "/keys/{id}"`, `path: "/keys/{credential.app_key}/{id}"`, []string{"revoke.request.path", "unknown template variable {credential.app_key}"}},
		{"header without a value", `{name: X-App-Key, value: "{credential.app_key}"}`, `{name: X-App-Key}`, []string{"credential.auth.headers.1", "name and a value"}},
		{"headers and bearer", "    headers:\n", "    bearer: \"{credential}\"\n    headers:\n", []string{"credential.auth", "exactly one", "digest"}},
		{"digest without password", "    headers:\n      - {name: X-Api-Key, value: \"{credential}\"}\n      - {name: X-App-Key, value: \"{credential.app_key}\"}\n",
			"    digest: {user: \"{credential.app_key}\"}\n", []string{"credential.auth.digest", "user and a password"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(twoKeys, c.old) {
				t.Fatalf("%q not in the definition", c.old)
			}
			n := 1
			if c.old == "app_key" { // renamed everywhere
				n = -1
			}
			_, err := providers.ParseDefinition("acme.yaml", []byte(strings.Replace(twoKeys, c.old, c.new, n)))
			var de *providers.DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *DefinitionError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestExtraCredentialRequest: each header carries its credential, both are
// masked in the description of the auth, and Digest is never a header.
func TestExtraCredentialRequest(t *testing.T) {
	d, err := providers.ParseDefinition("acme.yaml", []byte(twoKeys))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://api.acme.example")
	r, err := p.Request(providers.Target{BaseURL: u, Token: "api-s3cret", Extra: map[string]string{"app_key": "app-s3cret"}}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Header.Get("X-Api-Key") != "api-s3cret" || r.Header.Get("X-App-Key") != "app-s3cret" || r.Digest != nil {
		t.Errorf("headers %v digest %v", r.Header, r.Digest)
	}
	if got := p.Info().Auth; got != "X-Api-Key: <token>, X-App-Key: <app_key>" {
		t.Errorf("auth described as %q", got)
	}

	dg := strings.Replace(twoKeys, "    headers:\n      - {name: X-Api-Key, value: \"{credential}\"}\n      - {name: X-App-Key, value: \"{credential.app_key}\"}\n",
		"    digest: {user: \"{credential.app_key}\", password: \"{credential}\"}\n", 1)
	d, err = providers.ParseDefinition("acme.yaml", []byte(dg))
	if err != nil {
		t.Fatal(err)
	}
	p, _ = providers.NewDefined(d)
	r, err = p.Request(providers.Target{BaseURL: u, Token: "api-s3cret", Extra: map[string]string{"app_key": "pub"}}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Digest == nil || r.Digest.User != "pub" || r.Digest.Password != "api-s3cret" || r.Header.Get("Authorization") != "" {
		t.Errorf("digest %+v, Authorization %q", r.Digest, r.Header.Get("Authorization"))
	}
	if got := p.Info().Auth; got != "HTTP Digest (<app_key>:<token>)" {
		t.Errorf("auth described as %q", got)
	}
}
