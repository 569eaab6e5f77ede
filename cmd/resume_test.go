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

func lavaServer(t *testing.T) *testutil.Server {
	return testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"id":"sk_1","deleted":true}`)
	})
}

// A key revoked at base URL A is not revoked at base URL B: --resume
// against B must send it.
func TestResumeAgainstAnotherBaseURLSendsTheRequest(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	a, b := lavaServer(t), lavaServer(t)

	if code, _, stderr := run(t, nil, "revoke", "lava", "sk_1", "--base-url", a.URL); code != exit.OK {
		t.Fatalf("revoke at A: exit %d %s", code, stderr)
	}
	code, stdout, stderr := run(t, nil, "revoke", "lava", "sk_1", "--base-url", b.URL, "--resume")
	if code != exit.OK || len(b.Requests()) != 1 {
		t.Fatalf("--resume at B: exit %d, %d requests to B, want 1: %s %s", code, len(b.Requests()), stdout, stderr)
	}
	if rs := results(t, stdout); len(rs) != 1 || rs[0].Outcome != "revoked" {
		t.Fatalf("results %s", stdout)
	}
	// At A itself, --resume still skips it.
	code, stdout, _ = run(t, nil, "revoke", "lava", "sk_1", "--base-url", a.URL, "--resume")
	if rs := results(t, stdout); code != exit.OK || len(a.Requests()) != 1 || len(rs) != 1 || rs[0].Outcome != "skipped" {
		t.Fatalf("--resume at A: exit %d, %d requests to A, want 1: %s", code, len(a.Requests()), stdout)
	}
}

// The sandbox rehearsal writes to the real audit log; a later real run
// with --resume must still revoke the live key.
func TestResumeAfterASandboxRunSendsTheRequest(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	if code, _, stderr := run(t, nil, "revoke", "--sandbox", "lava", "sk_demo_1"); code != exit.OK {
		t.Fatalf("sandbox: exit %d %s", code, stderr)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "state", "keyctl", "audit.jsonl"))
	if !strings.Contains(string(raw), `"sandbox":true`) || !strings.Contains(string(raw), `"base_url":"http://127.0.0.1:`) {
		t.Errorf("sandbox record %s, want it marked sandbox with its base URL", raw)
	}
	live := lavaServer(t)
	code, stdout, stderr := run(t, nil, "revoke", "lava", "sk_demo_1", "--base-url", live.URL, "--resume")
	if code != exit.OK || len(live.Requests()) != 1 {
		t.Fatalf("exit %d, %d requests to the live target, want 1: %s %s", code, len(live.Requests()), stdout, stderr)
	}
}

// Records written before they named their target: the key is sent again.
func TestResumeSendsKeysWhoseRecordHasNoTarget(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	path := filepath.Join(dir, "old.jsonl")
	os.WriteFile(path, []byte(`{"time":"2026-11-01T10:00:00Z","provider":"lava","id":"sk_1","outcome":"revoked","http_status":200,"exit_code":0}`+"\n"), 0o600)
	srv := lavaServer(t)
	code, _, stderr := run(t, nil, "revoke", "lava", "sk_1", "--base-url", srv.URL, "--resume", "--audit-log", path)
	if code != exit.OK || len(srv.Requests()) != 1 {
		t.Fatalf("exit %d, %d requests, want 1: %s", code, len(srv.Requests()), stderr)
	}
}

// A 200 sign-in page is not a revocation: failed, exit 1, and a later
// --resume sends the key again.
func TestSignInPageIsFailedAndResumeSendsItAgain(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	portal := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `<html><body>Sign in</body></html>`, "Content-Type", "text/html")
	})
	code, stdout, _ := run(t, nil, "revoke", "lava", "sk_1", "--base-url", portal.URL)
	rs := results(t, stdout)
	if code != exit.Unexpected || len(rs) != 1 || rs[0].Outcome != "failed" || !strings.Contains(rs[0].Message, "HTML") {
		t.Fatalf("exit %d, %s", code, stdout)
	}
	run(t, nil, "revoke", "lava", "sk_1", "--base-url", portal.URL, "--resume")
	if n := len(portal.Requests()); n != 2 {
		t.Fatalf("%d requests, want 2: --resume skipped a key that was never confirmed revoked", n)
	}
}

// After a record of several MiB, --resume still works: it skips that line,
// warns once and keeps the rest.
func TestResumeSurvivesAHugeAuditLine(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	srv := lavaServer(t)
	path := filepath.Join(dir, "audit.jsonl")
	huge := `{"provider":"lava","id":"x","outcome":"failed","message":"` + strings.Repeat("L", 2<<20) + `"}` + "\n"
	os.WriteFile(path, []byte(huge+huge), 0o600)
	if code, _, stderr := run(t, nil, "revoke", "lava", "sk_1", "--base-url", srv.URL, "--audit-log", path); code != exit.OK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	code, stdout, stderr := run(t, nil, "revoke", "lava", "sk_1", "sk_2", "--base-url", srv.URL, "--resume", "--audit-log", path)
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := byID(results(t, stdout))
	if m["lava/sk_1"].Outcome != "skipped" || m["lava/sk_2"].Outcome != "revoked" || len(srv.Requests()) != 2 {
		t.Fatalf("results %s", stdout)
	}
	if n := strings.Count(stderr, "unreadable line"); n != 1 {
		t.Fatalf("want one warning, got %d: %s", n, stderr)
	}
}

// An id with an invisible character (a zero-width space) would be shown and
// recorded without it, as its look-alike: once "revoked", a later --resume
// skipped the look-alike, a live key that was never sent. Such an id is
// refused, nothing sent, and the look-alike is revoked.
func TestResumeNeverSkipsALookAlikeID(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	srv := lavaServer(t)
	for _, id := range []string{"sk_a\u200bb", "sk_a\u202eb", "sk_a\u2060b"} {
		code, stdout, stderr := run(t, nil, "revoke", "lava", id, "--base-url", srv.URL, "--skip-id-check")
		if code != exit.Usage || len(srv.Requests()) != 0 || !strings.Contains(stdout+stderr, "invisible") {
			t.Fatalf("%q: exit %d, %d requests, want %d and none: %s %s", id, code, len(srv.Requests()), exit.Usage, stdout, stderr)
		}
	}
	code, stdout, stderr := run(t, nil, "revoke", "lava", "sk_ab", "--base-url", srv.URL, "--resume")
	if rs := results(t, stdout); code != exit.OK || len(srv.Requests()) != 1 || len(rs) != 1 || rs[0].Outcome != "revoked" {
		t.Fatalf("look-alike: exit %d, %d requests, want 1: %s %s", code, len(srv.Requests()), stdout, stderr)
	}
}

// A confirming field given twice ({"deleted":true,"deleted":false}) was read
// as its first value: revoked, although most JSON readers, the provider's
// own among them, take the last. Such an answer is failed, exit 1.
func TestRepeatedConfirmingFieldIsNotARevocation(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"id":"sk_1","deleted":true,"deleted":false}`)
	})
	code, stdout, stderr := run(t, nil, "revoke", "lava", "sk_1", "--base-url", srv.URL)
	if rs := results(t, stdout); code != exit.Unexpected || len(rs) != 1 || rs[0].Outcome != "failed" || !strings.Contains(rs[0].Message, "more than once") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
}
