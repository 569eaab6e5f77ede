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

// perAccountProvider writes a user definition without a default base URL:
// every account has its own host.
func perAccountProvider(t *testing.T) string {
	t.Helper()
	return userProviderDir(t, "acmeorg", `name: acmeorg
base_url_describe: "the org URL, e.g. https://ORG.acme.example"
credential: {auth: {bearer: "{credential}"}}
revoke:
  request: {method: DELETE, path: "/api/keys/{id}"}
  answers: {"204": {outcome: revoked}}
`)
}

// TestMissingBaseURLSendsNothing: a provider with a host per account and no
// base URL set is a config error (exit 3) naming every place to set it and
// what to set; nothing is sent, not even in a batch, where the key alone
// fails and the others go on.
func TestMissingBaseURLSendsNothing(t *testing.T) {
	dir := perAccountProvider(t)
	wants := []string{"acmeorg has no default base URL", "the org URL, e.g. https://ORG.acme.example", "KEYCTL_ACMEORG_BASE_URL", "--base-url", "providers.acmeorg.base_url"}
	for _, name := range []string{"provider argument", "dry run", "batch"} {
		t.Run(name, func(t *testing.T) {
			testutil.IsolateEnv(t)
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				testutil.Respond(w, 200, `{"id":"sk_1","deleted":true}`)
			})
			t.Setenv("KEYCTL_ACMEORG_TOKEN", secret)
			t.Setenv("KEYCTL_LAVA_TOKEN", secret)
			t.Setenv("KEYCTL_LAVA_BASE_URL", srv.URL)
			args := []string{"--providers-dir", dir, "revoke", "-o", "json", "--no-audit"}
			switch name {
			case "provider argument":
				args = append(args, "acmeorg", "k1")
			case "dry run":
				args = append(args, "acmeorg", "k1", "--dry-run")
			case "batch":
				in := filepath.Join(t.TempDir(), "keys.txt")
				if err := os.WriteFile(in, []byte("acmeorg k1\nlava sk_1\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--from", in, "--yes")
			}
			code, out, errOut := run(t, testutil.NewClock(), args...)
			text := errOut
			if name == "batch" {
				rs := results(t, out)
				if len(rs) != 2 {
					t.Fatalf("results %+v", rs)
				}
				for _, r := range rs {
					if r.ID == "k1" {
						if r.ExitCode != exit.Config || r.HTTPStatus != 0 {
							t.Fatalf("acmeorg result %+v", r)
						}
						text = r.Message
					}
				}
				if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].RequestURI != "/secret_keys/sk_1" {
					t.Fatalf("requests %+v, want only lava's", reqs)
				}
			} else {
				if code != exit.Config {
					t.Fatalf("exit %d, want 3: %s", code, errOut)
				}
				if n := len(srv.Requests()); n != 0 {
					t.Fatalf("%d requests sent", n)
				}
			}
			for _, w := range wants {
				if !strings.Contains(text, w) {
					t.Errorf("message lacks %q:\n%s", w, text)
				}
			}
			assertNoSecret(t, out, errOut)
		})
	}
}

// TestPerAccountBaseURLFromEachSource: the flag, the environment and the
// config file each name the host, and the request goes there.
func TestPerAccountBaseURLFromEachSource(t *testing.T) {
	dir := perAccountProvider(t)
	for _, name := range []string{"flag", "env", "config"} {
		t.Run(name, func(t *testing.T) {
			testutil.IsolateEnv(t)
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
			t.Setenv("KEYCTL_ACMEORG_TOKEN", secret)
			args := []string{"--providers-dir", dir}
			switch name {
			case "flag":
				args = append(args, "revoke", "acmeorg", "k1", "--base-url", srv.URL)
			case "env":
				t.Setenv("KEYCTL_ACMEORG_BASE_URL", srv.URL)
				args = append(args, "revoke", "acmeorg", "k1")
			case "config":
				cfg := writeConfigFile(t, t.TempDir(), "providers:\n  acmeorg:\n    base_url: "+srv.URL+"\n")
				args = append(args, "--config", cfg, "revoke", "acmeorg", "k1")
			}
			code, out, errOut := run(t, testutil.NewClock(), append(args, "-o", "json", "--no-audit")...)
			if code != exit.OK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].RequestURI != "/api/keys/k1" || reqs[0].Header.Get("Authorization") != "Bearer "+secret {
				t.Fatalf("requests %+v\n%s", reqs, out)
			}
		})
	}
}

// TestDatabricksNeedsItsWorkspace: the built-in Databricks definition has
// no default host: without one nothing is sent; the sandbox still plays it.
func TestDatabricksNeedsItsWorkspace(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_DATABRICKS_TOKEN", secret)
	id := strings.Repeat("0", 63) + "1"
	code, _, errOut := run(t, testutil.NewClock(), "revoke", "databricks", id, "-o", "json", "--no-audit")
	if code != exit.Config || !strings.Contains(errOut, "KEYCTL_DATABRICKS_BASE_URL") || !strings.Contains(errOut, "the workspace URL") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, testutil.NewClock(), "revoke", "--sandbox", "databricks", id, "-o", "json", "--no-audit")
	if code != exit.OK || !strings.Contains(out, `"outcome":"revoked"`) {
		t.Fatalf("sandbox: exit %d: %s%s", code, out, errOut)
	}
}

// TestProvidersShowsBaseURLSetPerAccount: 'keyctl providers NAME' says the
// host is set per account, what to set and where, and whether it is set.
func TestProvidersShowsBaseURLSetPerAccount(t *testing.T) {
	testutil.IsolateEnv(t)
	dir := perAccountProvider(t)
	code, out, errOut := run(t, testutil.NewClock(), "--providers-dir", dir, "providers", "acmeorg", "-o", "table")
	for _, w := range []string{"DELETE <base URL: set per account>/api/keys/{id}", "set per account: the org URL, e.g. https://ORG.acme.example",
		"KEYCTL_ACMEORG_BASE_URL, --base-url or providers.acmeorg.base_url", "missing: nothing is sent until it is set"} {
		if code != exit.OK || !strings.Contains(out, w) {
			t.Fatalf("exit %d, output lacks %q:\n%s%s", code, w, out, errOut)
		}
	}
	t.Setenv("KEYCTL_ACMEORG_BASE_URL", "https://org.acme.example")
	if _, out, _ = run(t, testutil.NewClock(), "--providers-dir", dir, "providers", "acmeorg", "-o", "table"); !strings.Contains(out, "DELETE https://org.acme.example/api/keys/{id}") {
		t.Fatalf("with the base URL set:\n%s", out)
	}
}
