package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
)

func TestProvidersValidate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "acme.yaml")
	def := `name: acme
base_url: https://api.acme.example
credential: {auth: {basic: {user: admin, password: "{credential}"}}}
revoke:
  request: {method: DELETE, path: "/keys/{id}"}
  answers: {"204": {outcome: revoked}, "404": {outcome: not_found}}
`
	if err := os.WriteFile(good, []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, testutil.NewClock(), "providers", "validate", good, "--id", "k/1")
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`ok: provider "acme"`, "DELETE https://api.acme.example/keys/k%2F1", "Authorization: Basic [REDACTED]", "KEYCTL_ACME_TOKEN", "204 revoked", "404 not_found"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(def, "{id}", "{key}", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, testutil.NewClock(), "providers", "validate", bad)
	if code != exit.Config || !strings.Contains(errOut, "bad.yaml:5: revoke.request.path: unknown template variable {key}") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// TestBrokenUserDefinitionIsReportedAndSkipped: one bad file in the
// providers directory does not stop the others or the built-ins.
func TestBrokenUserDefinitionIsReportedAndSkipped(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("name: broken\nbase_url: http://example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, testutil.NewClock(), "--providers-dir", dir, "providers", "-o", "json")
	if code != exit.OK || !strings.Contains(errOut, "broken.yaml:2: base_url") || !strings.Contains(out, `"name":"lava"`) || strings.Contains(out, "broken") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestProvidersImport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "okta.yaml")
	code, _, errOut := run(t, testutil.NewClock(), "providers", "import", "../providers/openapi/testdata/okta.md", "--operation", "revokeApiToken", "--write", out)
	if code != exit.OK || !strings.Contains(errOut, "keyctl providers validate "+out) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, stdout, errOut := run(t, testutil.NewClock(), "providers", "validate", out, "--id", "00T1")
	if code != exit.OK || !strings.Contains(stdout, "DELETE https://subdomain.okta.com/api/v1/api-tokens/00T1") || !strings.Contains(stdout, "Authorization: SSWS [REDACTED]") {
		t.Fatalf("exit %d: %s %s", code, stdout, errOut)
	}
	code, _, errOut = run(t, testutil.NewClock(), "providers", "import", "../providers/openapi/testdata/okta.md", "--operation", "revokeApiToken", "--write", out)
	if code == exit.OK || !strings.Contains(errOut, "exists") {
		t.Fatalf("overwrote: exit %d %s", code, errOut)
	}
	// Without --operation, the only DELETE naming a key is taken.
	code, stdout, errOut = run(t, testutil.NewClock(), "providers", "import", "../providers/openapi/testdata/okta.md")
	if code != exit.OK || !strings.Contains(stdout, "(revokeApiToken)") || !strings.Contains(stdout, "GUESS") {
		t.Fatalf("default operation: exit %d %s %s", code, stdout, errOut)
	}
	code, _, errOut = run(t, testutil.NewClock(), "providers", "import", "../providers/openapi/testdata/okta.md", "--operation", "GET /nowhere")
	if code != exit.Usage || !strings.Contains(errOut, "revokeApiToken") {
		t.Fatalf("unknown operation: exit %d %s", code, errOut)
	}
}

// TestUserProviderEverywhere: a definition in the config directory is
// completed, listed and emulated by the sandbox like a built-in.
func TestUserProviderEverywhere(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	dir := filepath.Join(cfg, "keyctl", "providers")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	def := `name: acme
base_url: https://api.acme.example
credential: {auth: {header: {name: X-Acme-Key, value: "{credential}"}}}
revoke:
  request: {method: DELETE, path: "/keys/{id}"}
  answers: {"200": {outcome: revoked, confirm: [{path: revoked, equals: true}]}, "404": {outcome: not_found}}
`
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"revoke", ""}, {"sandbox", "create", ""}} {
		if got := strings.Join(complete(t, args...), " "); !strings.Contains(" "+got+" ", " acme ") {
			t.Errorf("completing %q: %q lacks acme", args, got)
		}
	}
	code, out, errOut := run(t, testutil.NewClock(), "revoke", "--sandbox", "acme", "demo_1", "nope", "-o", "json", "--no-audit")
	got := map[string]string{}
	for _, r := range results(t, out) {
		got[r.ID] = string(r.Outcome)
	}
	if code != exit.NotFound || len(got) != 2 || got["demo_1"] != "revoked" || got["nope"] != "not_found" {
		t.Fatalf("sandbox: exit %d %s %s", code, out, errOut)
	}
}

// userProviderDir writes one user definition, <name>.yaml, into a fresh
// directory to pass as --providers-dir.
func userProviderDir(t *testing.T, name, def string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}
