package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/audit"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/internal/testutil"
)

// sandboxEnv starts an emulator and points every provider at it.
func sandboxEnv(t *testing.T, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.Start(sandbox.New(opts), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for p, u := range sandbox.BaseURLs(srv.URL) {
		t.Setenv("KEYCTL_"+strings.ToUpper(p)+"_BASE_URL", u)
		t.Setenv("KEYCTL_"+strings.ToUpper(p)+"_TOKEN", sandbox.Token(p))
	}
	return srv
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keys.txt")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// byID indexes results by provider/id; a duplicate's result never hides
// the result of the key it repeats.
func byID(rs []revoke.Result) map[string]revoke.Result {
	m := map[string]revoke.Result{}
	for _, r := range rs {
		if r.Outcome != "duplicate" {
			m[r.Provider+"/"+r.ID] = r
		}
	}
	return m
}

func TestBatchFromFileSpansProviders(t *testing.T) {
	testutil.IsolateEnv(t)
	sandboxEnv(t, sandbox.Options{})
	file := writeFile(t, "# incident 7\r\n"+
		"lava sk_demo_1\r\n"+
		"langwatch,lw_demo_1\n"+
		`{"provider":"liveavatar","id":"sec_demo_1"}`+"\n"+
		"\n"+
		"altostrat api_key_demo00000000000000000000001\n"+
		"notaprovider sk_x\n"+
		"this-line-has-no-provider\n"+
		"lava sk_demo_1\n"+
		"langwatch lw_revoked\n")
	code, stdout, stderr := run(t, nil, "revoke", "--from", file)
	if code != exit.Usage {
		t.Fatalf("exit %d, want 2 (two malformed lines, the rest ended well)\n%s%s", code, stdout, stderr)
	}
	rs := results(t, stdout)
	if len(rs) != 8 {
		t.Fatalf("%d results for 8 keys:\n%s", len(rs), stdout)
	}
	m := byID(rs)
	for _, k := range []string{"lava/sk_demo_1", "langwatch/lw_demo_1", "liveavatar/sec_demo_1", "altostrat/api_key_demo00000000000000000000001"} {
		if m[k].Outcome != "revoked" {
			t.Errorf("%s: %+v", k, m[k])
		}
	}
	if r := m["langwatch/lw_revoked"]; r.Outcome != "already_revoked" || r.Line != 10 {
		t.Errorf("lw_revoked: %+v", r)
	}
	var dup, unknown, noProvider bool
	for _, r := range rs {
		switch {
		case r.Outcome == "duplicate" && r.Line == 9 && r.ExitCode == 0:
			dup = true
		case r.Line == 7 && r.ExitCode == exit.Usage && strings.Contains(r.Message, `line 7: unknown provider "notaprovider"`):
			unknown = true
		case r.Line == 8 && r.ExitCode == exit.Usage && strings.Contains(r.Message, "line 8: expected"):
			noProvider = true
		}
	}
	if !dup || !unknown || !noProvider {
		t.Errorf("dup %v unknown %v noProvider %v:\n%s", dup, unknown, noProvider, stdout)
	}
}

func TestBatchFromStdinWithProviderArgument(t *testing.T) {
	testutil.IsolateEnv(t)
	sandboxEnv(t, sandbox.Options{})
	io, in, out, _ := iostreams.Test()
	in.WriteString("sk_demo_1\nsk_demo_2\nsk_gone\n")
	code := Run(context.Background(), &cmdutil.Factory{IO: io}, []string{"revoke", "lava", "--from", "-"})
	if code != exit.NotFound {
		t.Fatalf("exit %d, want 6: the failures share one code", code)
	}
	if rs := results(t, out.String()); len(rs) != 3 {
		t.Fatalf("results %s", out.String())
	}
}

func TestBatchMissingCredentialFailsOnlyThatProvider(t *testing.T) {
	testutil.IsolateEnv(t)
	sandboxEnv(t, sandbox.Options{})
	t.Setenv("KEYCTL_LANGWATCH_TOKEN", "")
	file := writeFile(t, "lava sk_demo_1\nlangwatch lw_demo_1\nlangwatch lw_demo_2\n")
	code, stdout, _ := run(t, nil, "revoke", "--from", file)
	if code != exit.Config {
		t.Fatalf("exit %d, want 3", code)
	}
	m := byID(results(t, stdout))
	if m["lava/sk_demo_1"].Outcome != "revoked" || m["langwatch/lw_demo_1"].ExitCode != exit.Config ||
		!strings.Contains(m["langwatch/lw_demo_2"].Message, "KEYCTL_LANGWATCH_TOKEN") {
		t.Fatalf("results %s", stdout)
	}
	if code, _, stderr := run(t, nil, "revoke", "--from", file, "--base-url", "http://127.0.0.1:1"); code != exit.Usage || !strings.Contains(stderr, "--base-url needs a provider") {
		t.Fatalf("--base-url without provider: %d %s", code, stderr)
	}
}

func readAudit(t *testing.T, path string) []audit.Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []audit.Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r audit.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestAuditLogAndResume(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/broken") {
			testutil.Respond(w, 500, "")
			return
		}
		testutil.Respond(w, 200, `{"id":"x","deleted":true}`)
	})
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	t.Setenv("KEYCTL_LAVA_BASE_URL", srv.URL)
	file := writeFile(t, "a\nb\nbroken\n")

	code, _, _ := run(t, nil, "revoke", "lava", "--from", file, "--retries", "0")
	if code != exit.Server {
		t.Fatalf("exit %d", code)
	}
	path := filepath.Join(dir, "state", "keyctl", "audit.jsonl")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode %v, want 0600", info.Mode().Perm())
	}
	recs := readAudit(t, path)
	if len(recs) != 3 {
		t.Fatalf("%d audit records", len(recs))
	}
	for _, r := range recs {
		if r.Provider != "lava" || r.Time.IsZero() || r.User == "" || r.Host == "" || r.Version == "" || r.Attempts != 1 {
			t.Errorf("record %+v", r)
		}
	}
	raw, _ := os.ReadFile(path)
	assertNoSecret(t, string(raw))

	// --resume sends only the key that did not end well.
	before := len(srv.Requests())
	code, stdout, _ := run(t, nil, "revoke", "lava", "--from", file, "--resume", "--retries", "0")
	if code != exit.Server || len(srv.Requests()) != before+1 {
		t.Fatalf("resume: exit %d, %d new requests", code, len(srv.Requests())-before)
	}
	m := byID(results(t, stdout))
	if m["lava/a"].Outcome != "skipped" || m["lava/a"].ExitCode != 0 || m["lava/broken"].ExitCode != exit.Server {
		t.Fatalf("resume results %s", stdout)
	}

	// --audit-log elsewhere; --no-audit writes nothing.
	other := filepath.Join(dir, "other.jsonl")
	run(t, nil, "revoke", "lava", "c", "--audit-log", other)
	if recs := readAudit(t, other); len(recs) != 1 || recs[0].ID != "c" {
		t.Fatalf("--audit-log records %+v", recs)
	}
	n := len(readAudit(t, path))
	run(t, nil, "revoke", "lava", "d", "--no-audit")
	run(t, nil, "revoke", "lava", "e", "--dry-run")
	if got := len(readAudit(t, path)); got != n {
		t.Fatalf("--no-audit or --dry-run wrote %d records", got-n)
	}
}

func TestConfirmationOnTerminal(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := sandboxEnv(t, sandbox.Options{})
	ask := func(answer string, args ...string) (exit.Code, string, string) {
		io, in, out, errOut := iostreams.Test()
		io.SetTTY(true, false, true)
		in.WriteString(answer)
		code := Run(context.Background(), &cmdutil.Factory{IO: io}, args)
		return code, out.String(), errOut.String()
	}
	code, stdout, stderr := ask("n\n", "revoke", "lava", "sk_demo_1", "sk_demo_2")
	if code != exit.Interrupted || stdout != "" || !strings.Contains(stderr, "Revoke 2 keys? [y/N]") || !strings.Contains(stderr, "Nothing sent") ||
		!strings.Contains(stderr, "lava  2 keys  at "+srv.URL+"/lava/v1  SANDBOX") {
		t.Fatalf("declined: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = ask("y\n", "revoke", "lava", "sk_demo_1", "sk_demo_2")
	if code != exit.OK || len(results(t, stdout)) != 2 {
		t.Fatalf("confirmed: exit %d %s", code, stdout)
	}
	code, _, stderr = ask("", "revoke", "lava", "sk_demo_3", "sk_demo_fresh", "--yes", "--max-wait", "1s")
	if strings.Contains(stderr, "[y/N]") || code != exit.RateLimited {
		t.Fatalf("--yes still asked or wrong exit %d: %s", code, stderr)
	}
	// Not a terminal: never asks.
	code, _, stderr = run(t, nil, "revoke", "langwatch", "lw_demo_1", "lw_demo_2")
	if code != exit.OK || strings.Contains(stderr, "[y/N]") {
		t.Fatalf("non-interactive: exit %d %s", code, stderr)
	}
}

// The confirmation counts only keys that will be sent, says where each
// provider's go and under which profile, and lists apart what is not sent.
func TestConfirmationNamesTheTarget(t *testing.T) {
	testutil.IsolateEnv(t)
	dir := t.TempDir()
	auditPath := filepath.Join(dir, "audit.jsonl")
	t.Setenv("KEYCTL_AUDIT_LOG", auditPath)
	t.Setenv("KEYCTL_LANGWATCH_BASE_URL", "https://langwatch.acme.example")
	t.Setenv("KEYCTL_LANGWATCH_TOKEN", "sk-lw-admin_secret")
	cfg := writeFile(t, "profiles:\n  acme:\n    providers:\n      lava:\n        token: sk_test_x\n        base_url: https://lava.acme.example/v1\n")
	if err := os.WriteFile(auditPath, []byte(`{"provider":"lava","id":"done_1","base_url":"https://lava.acme.example/v1","outcome":"revoked","exit_code":0}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, "lava a\nlava b\nlava done_1\nlavaa c\nlava\nlangwatch d\nlava a\naltostrat x\n")
	io, in, _, errOut := iostreams.Test()
	io.SetTTY(true, false, true)
	in.WriteString("n\n")
	code := Run(context.Background(), &cmdutil.Factory{IO: io}, []string{"revoke", "--config", cfg, "--profile", "acme", "--from", file, "--resume"})
	got := errOut.String()
	want := "About to revoke 3 keys with profile acme:\n" +
		"  langwatch  1 key   at https://langwatch.acme.example\n" +
		"  lava       2 keys  at https://lava.acme.example/v1\n" +
		"Not sent, each reported in the results:\n" +
		"  1 already revoked per the audit log (--resume)\n" +
		"  1 malformed line\n" +
		"  unknown provider \"lavaa\": 1 line\n" +
		"  1 duplicate\n" +
		"  1 key: no credential for altostrat\n" +
		"Revoke 3 keys? [y/N] "
	if code != exit.Interrupted || !strings.HasPrefix(got, want) {
		t.Fatalf("exit %d, prompt:\n%s\nwant:\n%s", code, got, want)
	}
	if strings.Contains(got, "sk_test_x") || strings.Contains(got, "secret") {
		t.Fatalf("prompt shows a credential: %s", got)
	}
}
