package cmd

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
)

// paramProvider writes a user definition whose request carries two
// parameters, one with a pattern and one with a default.
func paramProvider(t *testing.T) string {
	t.Helper()
	return userProviderDir(t, "acmeparam", `name: acmeparam
base_url: https://api.acme.example
params:
  - {name: account, describe: the account that owns the key, pattern: "^AC[0-9]+$", example: AC1}
  - {name: region, describe: the key's region, default: us}
credential: {auth: {bearer: "{credential}"}}
revoke:
  request: {method: DELETE, path: "/{param.region}/accounts/{param.account}/keys/{id}"}
  answers: {"204": {outcome: revoked}}
`)
}

// TestParamPrecedence: --param beats KEYCTL_<P>_<PARAM>, which beats the
// profile, which beats the top level of the file, which beats the default;
// the value reaches the path on the wire.
func TestParamPrecedence(t *testing.T) {
	dir := paramProvider(t)
	cases := []struct {
		name     string
		flags    []string
		env      string
		file     bool
		wantPath string
	}{
		{"flag over env and file", []string{"--param", "account=AC1", "--param", "region=eu"}, "AC2", true, "/eu/accounts/AC1/keys/k1"},
		{"env over file", nil, "AC2", true, "/us/accounts/AC2/keys/k1"},
		{"profile over top level, default region", nil, "", true, "/us/accounts/AC3/keys/k1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testutil.IsolateEnv(t)
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
			t.Setenv("KEYCTL_ACMEPARAM_TOKEN", secret)
			t.Setenv("KEYCTL_ACMEPARAM_BASE_URL", srv.URL)
			if c.env != "" {
				t.Setenv("KEYCTL_ACMEPARAM_ACCOUNT", c.env)
			}
			args := []string{"--providers-dir", dir}
			if c.file {
				cfg := writeConfigFile(t, t.TempDir(), "providers:\n  acmeparam:\n    account: AC4\nprofiles:\n  p:\n    providers:\n      acmeparam:\n        account: AC3\n")
				args = append(args, "--config", cfg, "--profile", "p")
			}
			args = append(args, "revoke", "acmeparam", "k1", "-o", "json", "--no-audit")
			code, out, errOut := run(t, testutil.NewClock(), append(args, c.flags...)...)
			if code != exit.OK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || reqs[0].RequestURI != c.wantPath {
				t.Fatalf("requests %+v, want one to %s\n%s", reqs, c.wantPath, out)
			}
		})
	}
}

// TestParamErrors: a malformed --param, an unknown name or a value off the
// pattern is a usage error naming the known parameters; a parameter set
// nowhere is a config error naming where to set it. Nothing is sent.
func TestParamErrors(t *testing.T) {
	dir := paramProvider(t)
	cases := []struct {
		name  string
		args  []string
		code  exit.Code
		wants []string
	}{
		{"no equals sign", []string{"acmeparam", "k1", "--param", "account"}, exit.Usage, []string{"expected NAME=VALUE", "acmeparam takes account, region"}},
		{"unknown name", []string{"acmeparam", "k1", "--param", "acount=AC1"}, exit.Usage, []string{`unknown parameter "acount"`, "acmeparam takes account, region"}},
		{"off the pattern", []string{"acmeparam", "k1", "--param", "account=XX"}, exit.Usage, []string{`"XX" does not match ^AC[0-9]+$`}},
		{"empty value", []string{"acmeparam", "k1", "--param", "account="}, exit.Usage, []string{"empty value"}},
		{"given twice", []string{"acmeparam", "k1", "--param", "account=AC1", "--param", "account=AC2"}, exit.Usage, []string{"given twice"}},
		{"provider without parameters", []string{"lava", "k1", "--param", "account=AC1"}, exit.Usage, []string{"lava takes no parameters"}},
		{"another provider's parameter", []string{"acmeparam", "k1", "--param", "lava.account=AC1"}, exit.Usage, []string{"this run revokes acmeparam keys"}},
		{"no provider argument, no prefix", []string{"--from", "-", "--param", "account=AC1"}, exit.Usage, []string{"PROVIDER.NAME=VALUE"}},
		{"missing everywhere", []string{"acmeparam", "k1"}, exit.Config, []string{"acmeparam needs account", "--param account=VALUE", "KEYCTL_ACMEPARAM_ACCOUNT", "providers.acmeparam.account"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testutil.IsolateEnv(t)
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
			t.Setenv("KEYCTL_ACMEPARAM_TOKEN", secret)
			t.Setenv("KEYCTL_ACMEPARAM_BASE_URL", srv.URL)
			t.Setenv("KEYCTL_LAVA_TOKEN", secret)
			t.Setenv("KEYCTL_LAVA_BASE_URL", srv.URL)
			args := append([]string{"--providers-dir", dir, "revoke", "-o", "json", "--no-audit"}, c.args...)
			code, _, errOut := run(t, testutil.NewClock(), args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			for _, w := range c.wants {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if n := len(srv.Requests()); n != 0 {
				t.Fatalf("%d requests sent", n)
			}
			assertNoSecret(t, errOut)
		})
	}
}

// TestParamFromEnvOffPatternIsConfigError: a value from the environment
// that cannot be sent stops the run (exit 3) naming the variable.
func TestParamFromEnvOffPatternIsConfigError(t *testing.T) {
	dir := paramProvider(t)
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	t.Setenv("KEYCTL_ACMEPARAM_TOKEN", secret)
	t.Setenv("KEYCTL_ACMEPARAM_BASE_URL", srv.URL)
	t.Setenv("KEYCTL_ACMEPARAM_ACCOUNT", "nope")
	code, _, errOut := run(t, testutil.NewClock(), "--providers-dir", dir, "revoke", "acmeparam", "k1", "-o", "json", "--no-audit")
	if code != exit.Config || !strings.Contains(errOut, "KEYCTL_ACMEPARAM_ACCOUNT") || len(srv.Requests()) != 0 {
		t.Fatalf("exit %d, %d requests: %s", code, len(srv.Requests()), errOut)
	}
}

// TestParamPrefixedInABatch: without a provider argument each --param names
// its provider, and a batch line for that provider uses it.
func TestParamPrefixedInABatch(t *testing.T) {
	dir := paramProvider(t)
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	t.Setenv("KEYCTL_ACMEPARAM_TOKEN", secret)
	t.Setenv("KEYCTL_ACMEPARAM_BASE_URL", srv.URL)
	from := filepath.Join(t.TempDir(), "keys.txt")
	if err := os.WriteFile(from, []byte("acmeparam k1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, testutil.NewClock(), "--providers-dir", dir, "revoke", "--from", from, "--param", "acmeparam.account=AC7", "-o", "json", "--no-audit", "--yes")
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].RequestURI != "/us/accounts/AC7/keys/k1" {
		t.Fatalf("requests %+v", reqs)
	}
}
