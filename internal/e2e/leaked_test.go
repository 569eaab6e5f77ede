package e2e

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/testutil"
	"github.com/keyctl/keyctl/providers"
	_ "github.com/keyctl/keyctl/providers/all"
)

// leakedResult is the JSON result of one secret.
type leakedResult struct {
	Provider string `json:"provider"`
	ID       string `json:"id"`
	Outcome  string `json:"outcome"`
	ExitCode int    `json:"exit_code"`
	Message  string `json:"message"`
	Method   string `json:"method"`
	Line     int    `json:"line"`
}

func parseResults(t *testing.T, stdout string) []leakedResult {
	t.Helper()
	var out []leakedResult
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r leakedResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("not a JSON result line: %q", sc.Text())
		}
		out = append(out, r)
	}
	return out
}

// sandboxSecrets are the seeded fake secrets `keyctl sandbox leak` prints,
// as "PROVIDER SECRET" lines.
func sandboxSecrets(t *testing.T) [][2]string {
	t.Helper()
	r := keyctl(t, nil, "sandbox", "leak")
	if r.code != 0 {
		t.Fatalf("sandbox leak: exit %d: %s", r.code, r.stderr)
	}
	var out [][2]string
	for _, line := range strings.Split(r.stdout, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && !strings.HasPrefix(line, "#") {
			out = append(out, [2]string{f[0], f[1]})
		}
	}
	return out
}

// assertNoSecret fails when any secret appears in any of the texts.
func assertNoSecret(t *testing.T, secrets []string, texts map[string]string) {
	t.Helper()
	for where, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("a leaked secret appears in %s", where)
			}
		}
	}
}

// expectedMethod is how keyctl must handle a provider's secret: the best
// operation its definition offers.
func expectedMethod(t *testing.T, name string) string {
	t.Helper()
	p, err := providers.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	h, ok := p.(providers.SecretHandler)
	if !ok {
		return "manual"
	}
	switch plan := h.SecretPlan(); {
	case plan.BySecret:
		return "revoke_by_secret"
	case plan.Lookup:
		return "lookup+revoke"
	case plan.Derive:
		return "id_from_secret+revoke"
	}
	return "manual"
}

// detectable reports whether keyctl names the provider of secret from its
// format alone.
func detectable(secret string) bool {
	c := providers.Candidates(secret)
	return len(c) == 1 || (len(c) > 1 && len(c[0].Format.Prefix) > len(c[1].Format.Prefix))
}

func TestBinaryRevokesLeakedSecretsAgainstTheSandbox(t *testing.T) {
	seeded := sandboxSecrets(t)
	named, detected := map[string]bool{}, map[string]bool{}
	var secrets []string
	var lines []string
	for i, s := range seeded {
		secrets = append(secrets, s[1])
		if i%2 == 0 && detectable(s[1]) {
			lines = append(lines, s[1]) // its provider detected from its format
			detected[s[0]] = true
		} else {
			lines = append(lines, s[0]+" "+s[1]) // its provider named
			named[s[0]] = true
		}
	}
	if len(named) < 8 || len(detected) < 8 {
		t.Fatalf("the sandbox seeds secrets of %d providers named and %d detected; want 8 of each", len(named), len(detected))
	}
	// A secret no format matches, a duplicate and a malformed line: each
	// gets its own result, and the batch goes on.
	unknown := "zzz-unknown-SECRET-0000000000000000"
	secrets = append(secrets, unknown)
	lines = append(lines, unknown, lines[0], "two words here")
	dir := t.TempDir()
	file := filepath.Join(dir, "secrets.txt")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	auditPath := filepath.Join(dir, "audit.jsonl")
	r := keyctl(t, nil, "revoke", "--sandbox", "--secrets-from", file, "--verify", "--verify-wait", "2s", "-o", "json", "--audit-log", auditPath, "--debug")
	results := parseResults(t, r.stdout)
	if len(results) != len(lines) {
		t.Fatalf("%d results for %d lines:\n%s", len(results), len(lines), r.stdout)
	}
	byLine := map[int]leakedResult{}
	for _, res := range results {
		byLine[res.Line] = res
	}
	confirmed := map[string]bool{}
	for i, s := range seeded {
		res := byLine[i+1]
		if res.Provider != s[0] {
			t.Errorf("line %d: provider %q, want %q", i+1, res.Provider, s[0])
		}
		if want := expectedMethod(t, s[0]); res.Method != want {
			t.Errorf("line %d (%s): method %q, want %q", i+1, s[0], res.Method, want)
		}
		switch {
		case strings.Contains(s[1], "Sticky"):
			if res.Outcome != "revoked" || res.ExitCode != 14 {
				t.Errorf("line %d (a key that keeps working): %s exit %d: %s", i+1, res.Outcome, res.ExitCode, res.Message)
			}
		case res.Method == "manual":
			if res.Outcome != "failed" || res.ExitCode != 16 {
				t.Errorf("line %d (%s): %s exit %d: %s", i+1, s[0], res.Outcome, res.ExitCode, res.Message)
			}
		case res.Outcome == "confirmed" && res.ExitCode == 0:
			confirmed[s[0]] = true
		case (res.Outcome == "revoked" || res.Outcome == "submitted") && res.ExitCode == 15:
			// no documented check, or one that does not say (unverified)
		default:
			t.Errorf("line %d (%s): %s exit %d: %s", i+1, s[0], res.Outcome, res.ExitCode, res.Message)
		}
		if !strings.Contains(res.ID, "sha256:") {
			t.Errorf("line %d: id %q is not a fingerprint", i+1, res.ID)
		}
	}
	if len(confirmed) < 3 {
		t.Errorf("--verify confirmed the secrets of %d providers", len(confirmed))
	}
	n := len(seeded)
	if res := byLine[n+1]; res.Outcome != "failed" || res.ExitCode != 2 || !strings.Contains(res.Message, "name the provider") {
		t.Errorf("unknown secret: %+v", res)
	}
	if res := byLine[n+2]; res.Outcome != "duplicate" {
		t.Errorf("duplicate: %+v", res)
	}
	if res := byLine[n+3]; res.Outcome != "failed" || res.ExitCode != 2 {
		t.Errorf("malformed line: %+v", res)
	}
	if r.code != 12 {
		t.Errorf("exit %d, want 12 (mixed)", r.code)
	}
	audit, _ := os.ReadFile(auditPath)
	assertNoSecret(t, secrets, map[string]string{"stdout": r.stdout, "stderr": r.stderr, "the audit log": string(audit)})
}

// TestLeakedSecretNeverAppears feeds known secrets through every path a
// result takes (table, JSON, audit log, debug trace, dry run, errors) with a
// server that echoes what it receives everywhere it can.
func TestLeakedSecretNeverAppears(t *testing.T) {
	leaked := []string{"glpat-LeakTestAAAA1111bbbb2222", "glpat-LeakTestCCCC3333dddd4444"}
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		echo := r.Header.Get("Private-Token")
		w.Header().Set("X-Request-Id", echo)
		w.Header().Set("Location", "https://evil.example/"+echo)
		testutil.Respond(w, 403, `{"message":"token `+echo+` forbidden; also `+leaked[0]+` and `+leaked[1]+`"}`)
	})
	dir := t.TempDir()
	file := filepath.Join(dir, "secrets.txt")
	if err := os.WriteFile(file, []byte(strings.Join(leaked, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	auditPath := filepath.Join(dir, "audit.jsonl")
	texts := map[string]string{}
	for _, args := range [][]string{
		{"revoke", "gitlab", "--secrets-from", file, "--base-url", srv.URL, "-o", "json", "--audit-log", auditPath, "--debug", "--verify"},
		{"revoke", "gitlab", "--secrets-from", file, "--base-url", srv.URL, "-o", "table", "--no-audit"},
		{"revoke", "--secrets-from", file, "--base-url-never-a-flag"},
		{"revoke", "gitlab", "--secrets-from", file, "--base-url", srv.URL, "--dry-run", "-o", "json", "--verify"},
		{"verify", "gitlab", "--secrets-from", file, "--base-url", srv.URL, "-o", "json", "--debug"},
		{"revoke", "lava", "--secrets-from", file, "--no-audit", "-o", "json"},
		{"revoke", "nosuchprovider", "--secrets-from", file, "--no-audit"},
	} {
		r := keyctl(t, nil, args...)
		texts[strings.Join(args, " ")+" stdout"] = r.stdout
		texts[strings.Join(args, " ")+" stderr"] = r.stderr
	}
	audit, err := os.ReadFile(auditPath)
	if err != nil || len(audit) == 0 {
		t.Fatalf("no audit log: %v", err)
	}
	texts["audit log"] = string(audit)
	if len(srv.Requests()) == 0 {
		t.Fatal("nothing reached the server")
	}
	assertNoSecret(t, leaked, texts)
}

func TestSecretsAreNeverArguments(t *testing.T) {
	r := keyctl(t, nil, "revoke", "gitlab", "glpat-OnTheCommandLine000000000", "--secrets-from", "-")
	if r.code != 2 || !strings.Contains(r.stderr, "never arguments") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}
