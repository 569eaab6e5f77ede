package cmd

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
)

// batchDef revokes leaked secrets by value, up to three per request.
const batchDef = `name: acmeleak
base_url: https://api.acme.example
credential: {auth: {none: true}}
secret:
  formats: [{name: token, pattern: '^acmt_[A-Za-z0-9]+$', prefix: acmt_}]
revoke_by_secret:
  auth: none
  batch: 3
  request: {method: POST, path: /credentials/revoke, body: {json: {credentials: ["{secret}"]}}}
  answers:
    "202": {outcome: submitted, body: any}
    "422": {outcome: failed}
`

func TestLeakedSecretsAreSentInBatches(t *testing.T) {
	testutil.IsolateEnv(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "acmeleak.yaml"), []byte(batchDef), 0o600); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		testutil.Respond(w, 202, `{}`)
	})
	leaked := []string{"acmt_One1", "acmt_Two2", "acmt_Three3", "acmt_Four4", "acmt_Five5"}
	in := filepath.Join(t.TempDir(), "secrets.txt")
	if err := os.WriteFile(in, []byte(strings.Join(leaked, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, testutil.NewClock(), "--providers-dir", dir, "revoke", "acmeleak", "--secrets-from", in, "--base-url", srv.URL, "-o", "json", "--no-audit", "--concurrency", "1")
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rs := results(t, stdout)
	if len(rs) != len(leaked) {
		t.Fatalf("%d results for %d secrets", len(rs), len(leaked))
	}
	lines := map[int]bool{}
	for _, r := range rs {
		if r.Outcome != "submitted" || r.Line == 0 || !strings.HasPrefix(r.ID, "acmt_…") {
			t.Errorf("result %+v", r)
		}
		lines[r.Line] = true
	}
	if len(lines) != len(leaked) {
		t.Errorf("results for lines %v", lines)
	}
	if len(bodies) != 2 {
		t.Fatalf("%d requests, want 2 (3 + 2 secrets): %v", len(bodies), bodies)
	}
	var first struct{ Credentials []string }
	if err := json.Unmarshal([]byte(bodies[0]), &first); err != nil || strings.Join(first.Credentials, ",") != "acmt_One1,acmt_Two2,acmt_Three3" {
		t.Fatalf("first request body %s", bodies[0])
	}
	for _, s := range leaked {
		if strings.Contains(stdout+stderr, s) {
			t.Fatalf("a secret appears in the output")
		}
	}
}
