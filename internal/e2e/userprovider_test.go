package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyctl/keyctl/internal/testutil"
)

// userDefinition is a provider keyctl does not ship: POST with a JSON body,
// a credential in a header of its own, a project parameter and an
// ok:false-in-200 answer.
const userDefinition = `name: acme
title: Acme
base_url: BASE
params: [{name: project, describe: the Acme project}]
credential:
  describe: an Acme admin token
  auth: {header: {name: X-Acme-Token, value: "{credential}"}}
revoke:
  request:
    method: POST
    path: "/projects/{param.project}/keys/revoke"
    body: {json: {key_id: "{id}"}}
  answers:
    "200": {outcome: revoked, confirm: [{path: ok, equals: true}]}
    "404": {outcome: not_found}
  message:
    - text: ["{error}"]
`

// TestUserDefinedProviderRevokes: a definition in the config directory
// revokes against a local server through the built binary, its credential
// and parameter resolved like a built-in's and never shown.
func TestUserDefinedProviderRevokes(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		switch {
		case strings.Contains(string(b), "gone"):
			testutil.Respond(w, 404, `{"error":"no such key"}`)
		case strings.Contains(string(b), "stuck"):
			testutil.Respond(w, 200, `{"ok":false}`)
		default:
			testutil.Respond(w, 200, `{"ok":true}`)
		}
	})
	cfg := t.TempDir()
	dir := filepath.Join(cfg, "keyctl", "providers")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(strings.Replace(userDefinition, "BASE", srv.URL+"/api", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"XDG_CONFIG_HOME=" + cfg, "KEYCTL_ACME_TOKEN=" + secret, "KEYCTL_ACME_PROJECT=p-7"}

	r := keyctl(t, env, "revoke", "acme", "k-1", "-o", "json", "--no-audit")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || res["outcome"] != "revoked" || res["provider"] != "acme" {
		t.Fatalf("result %s (%v)", r.stdout, err)
	}
	reqs := srv.Requests()
	mu.Lock()
	body := append([]string(nil), bodies...)
	mu.Unlock()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].RequestURI != "/api/projects/p-7/keys/revoke" ||
		reqs[0].Header.Get("X-Acme-Token") != secret || reqs[0].Header.Get("Content-Type") != "application/json" || len(body) != 1 || body[0] != `{"key_id":"k-1"}` {
		t.Fatalf("request %+v body %q", reqs, body)
	}

	r = keyctl(t, env, "revoke", "acme", "gone", "-o", "json", "--no-audit")
	if r.code != 6 || !strings.Contains(r.stdout, "no such key") {
		t.Fatalf("404: exit %d %s", r.code, r.stdout)
	}
	r = keyctl(t, env, "revoke", "acme", "stuck", "-o", "json", "--no-audit")
	if r.code != 1 || !strings.Contains(r.stdout, "ok=false") {
		t.Fatalf("ok:false in a 200: exit %d %s", r.code, r.stdout)
	}

	// The dry run and the debug trace mask the credential's own header.
	r = keyctl(t, env, "revoke", "acme", "k-2", "--dry-run", "--debug", "-o", "json", "--no-audit")
	if r.code != 0 || !strings.Contains(r.stdout, "X-Acme-Token") {
		t.Fatalf("dry run: exit %d %s %s", r.code, r.stdout, r.stderr)
	}

	// keyctl providers lists it; a missing parameter is a clear error.
	r = keyctl(t, env, "providers", "-o", "json")
	if !strings.Contains(r.stdout, `"name":"acme"`) {
		t.Fatalf("providers: %s", r.stdout)
	}
	r = keyctl(t, env[:2], "revoke", "acme", "k-3", "--no-audit")
	if r.code == 0 || !strings.Contains(r.stderr+r.stdout, "KEYCTL_ACME_PROJECT") {
		t.Fatalf("missing parameter: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Fatalf("%d requests sent, want 3", n)
	}
}

// TestUserDefinitionCannotSilentlyReplaceABuiltin: without override: true a
// user file named like a built-in is refused (the built-in stays); with it,
// it replaces the built-in and keyctl warns.
func TestUserDefinitionCannotSilentlyReplaceABuiltin(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	dir := t.TempDir()
	def := `name: lava
base_url: ` + srv.URL + `
credential: {auth: {bearer: "{credential}"}}
revoke:
  request: {method: DELETE, path: "/mine/{id}"}
  answers: {"204": {outcome: revoked}}
`
	if err := os.WriteFile(filepath.Join(dir, "lava.yaml"), []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"KEYCTL_LAVA_TOKEN=" + secret}
	r := keyctl(t, env, "--providers-dir", dir, "providers", "-o", "json")
	if !strings.Contains(r.stderr, "built-in provider") || !strings.Contains(r.stderr, "override: true") || !strings.Contains(r.stdout, "/secret_keys/{id}") {
		t.Fatalf("without override: %s\n%s", r.stdout, r.stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "lava.yaml"), []byte("override: true\n"+def), 0o600); err != nil {
		t.Fatal(err)
	}
	r = keyctl(t, env, "--providers-dir", dir, "revoke", "lava", "k1", "-o", "json", "--no-audit")
	if r.code != 0 || !strings.Contains(r.stderr, "replaces the built-in provider") {
		t.Fatalf("with override: exit %d %s\n%s", r.code, r.stdout, r.stderr)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].RequestURI != "/mine/k1" {
		t.Fatalf("requests %+v", reqs)
	}
}
