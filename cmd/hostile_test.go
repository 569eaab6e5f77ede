package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/testutil"
)

// assertClean fails when any text holds the secret or a byte that drives a
// terminal or hides text.
func assertClean(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Errorf("%s: the credential leaked:\n%q", what, s)
		}
		if i := strings.IndexAny(s, "\x1b\x07\u009b\u202e\u2066\u200b"); i >= 0 {
			t.Errorf("%s: control or invisible character at %d:\n%q", what, i, s)
		}
	}
}

// TestServerHeadersEchoingTheCredentialAreScrubbed: a server that echoes the
// token in any header (request id, Location) must not get it into stdout, the
// audit log or stderr.
func TestServerHeadersEchoingTheCredentialAreScrubbed(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := testutil.NewRawServer(t, func(string) string {
		return "HTTP/1.1 302 Found\r\nLocation: https://evil.example/?t=" + secret + "\r\nX-Request-Id: req-" + secret +
			"\r\nContent-Length: 0\r\n\r\n"
	})
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	auditPath := filepath.Join(dir, "audit.jsonl")
	code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--base-url", srv.URL, "--audit-log", auditPath, "--debug")
	if code != exit.Unexpected {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rs := results(t, stdout)
	if len(rs) != 1 || rs[0].RequestID != "req-[REDACTED]" || !strings.Contains(rs[0].Message, "https://evil.example/?t=[REDACTED]") {
		t.Fatalf("result %+v", rs)
	}
	logged, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	assertClean(t, "revoke", stdout, stderr, string(logged))
}

// TestHugeHeadersAreBoundedInResultsAndAuditLog: a 2 MiB Location or request
// id must not become a 2 MB result line or audit record.
func TestHugeHeadersAreBoundedInResultsAndAuditLog(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	huge := strings.Repeat("A", 2<<20)
	srv := testutil.NewRawServer(t, func(string) string {
		return "HTTP/1.1 301 Moved\r\nLocation: https://x.example/" + huge + "\r\nX-Request-Id: " + huge + "\r\nContent-Length: 0\r\n\r\n"
	})
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	auditPath := filepath.Join(dir, "audit.jsonl")
	code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--base-url", srv.URL, "--audit-log", auditPath)
	if code != exit.Unexpected {
		t.Fatalf("exit %d: %.300s", code, stderr)
	}
	logged, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	const bound = 8 << 10
	if len(stdout) > bound || len(logged) > bound || len(stderr) > bound {
		t.Fatalf("unbounded: stdout %d bytes, audit log %d bytes, stderr %d bytes", len(stdout), len(logged), len(stderr))
	}
	if rs := results(t, stdout); !strings.HasPrefix(rs[0].Message, "unexpected redirect to https://x.example/AAAA") || !strings.HasSuffix(rs[0].RequestID, "…") {
		t.Fatalf("result %+v", rs[0])
	}
}

// TestEscapeSequencesFromInputNeverReachTheTerminal: an unknown provider or a
// refused id in a --from line is shown in the confirmation prompt, the table
// and errors without its escape sequences or bidi overrides.
func TestEscapeSequencesFromInputNeverReachTheTerminal(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	from := filepath.Join(dir, "ids.txt")
	lines := "\x1b]52;c;ZWNobyBwd25lZA==\x07evil sk_1\n" +
		"lava \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\\n" +
		"lava sk\u202eexe.txt\u200b\n" +
		"\u2066lava\u2069 sk_2\n" +
		"lava sk_3\nlava sk_4\n" // keys that will be sent: the prompt asks
	if err := os.WriteFile(from, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	t.Setenv("KEYCTL_LAVA_BASE_URL", "http://127.0.0.1:1") // nothing is sent: --dry-run or declined

	// The confirmation prompt names the providers of the input.
	io, in, out, errOut := iostreams.Test()
	io.SetTTY(true, true, true)
	in.WriteString("n\n")
	code := Run(context.Background(), &cmdutil.Factory{IO: io}, []string{"revoke", "--from", from, "--no-audit"})
	if code != exit.Interrupted || !strings.Contains(errOut.String(), "[y/N]") {
		t.Fatalf("prompt: exit %d stderr %q", code, errOut.String())
	}
	assertClean(t, "prompt", out.String(), errOut.String())

	// The table shows each line's provider and id.
	io, _, out, errOut = iostreams.Test()
	io.SetTTY(false, true, false)
	code = Run(context.Background(), &cmdutil.Factory{IO: io}, []string{"revoke", "--from", from, "--dry-run", "-o", "table"})
	if !strings.Contains(out.String(), "]52;c;zwnobybwd25lza== evil") || !strings.Contains(out.String(), "skexe.txt") {
		t.Fatalf("table (exit %d):\n%s\n%s", code, out.String(), errOut.String())
	}
	assertClean(t, "table", out.String(), errOut.String())

	// An unknown provider on the command line is an error message.
	code, stdout, stderr := run(t, nil, "revoke", "\x1b]52;c;ZXZpbA==\x07lava\u202e", "k1")
	if code != exit.Usage {
		t.Fatalf("exit %d", code)
	}
	assertClean(t, "error", stdout, stderr)
}

// TestEscapeSequencesFromServersNeverReachTheTerminal: a status line's reason
// phrase and header values in the --debug trace, and a server's message in
// the results.
func TestEscapeSequencesFromServersNeverReachTheTerminal(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewRawServer(t, func(string) string {
		return "HTTP/1.1 404 Not Found\x1b]8;;https://evil.example\x07 \u202e\r\nX-Request-Id: r\u202e1\r\nX-Other: \u200bx\u2066\r\n" +
			"Content-Type: application/json\r\nContent-Length: 40\r\n\r\n" + `{"error":{"message":"gone \u001b[31m red"}}`[:40]
	})
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--base-url", srv.URL, "--debug", "--no-audit")
	if code != exit.NotFound || !strings.Contains(stderr, "< HTTP/1.1 404 Not Found ]8;;https://evil.example") {
		t.Fatalf("exit %d; stderr:\n%q", code, stderr)
	}
	assertClean(t, "debug", stdout, stderr)
}

// TestConnectReasonPhraseIsSanitized: a proxy refusing CONNECT with escape
// sequences in its reason phrase; the error reaches the result and the trace.
func TestConnectReasonPhraseIsSanitized(t *testing.T) {
	testutil.IsolateEnv(t)
	proxy := testutil.NewRawServer(t, func(string) string {
		return "HTTP/1.1 403 Forbidden\x1b]52;c;ZXZpbA==\x07\u202e\r\nContent-Length: 0\r\n\r\n"
	})
	t.Setenv("HTTPS_PROXY", proxy.URL)
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--base-url", "https://api.lava.invalid", "--retries", "0", "--debug", "--no-audit")
	if len(proxy.Requests()) == 0 || !strings.HasPrefix(proxy.Requests()[0], "CONNECT api.lava.invalid:443") {
		t.Fatalf("the proxy saw %q (exit %d, %s)", proxy.Requests(), code, stderr)
	}
	if code == exit.OK || !strings.Contains(stdout, "Forbidden ]52;c;ZXZpbA==") {
		t.Fatalf("exit %d stdout %q", code, stdout)
	}
	assertClean(t, "CONNECT", stdout, stderr)
}

// TestConfigValuesAreSanitizedInViews: config view and providers show values
// from the config file and environment without their escape sequences.
func TestConfigValuesAreSanitizedInViews(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	writeConfigFile(t, dir, "audit_log: \"/tmp/a\\e]52;c;ZXZpbA==\\a\\u202elog\"\nproviders:\n  lava:\n    base_url: \"https://lava.example/\\e[2J\\u200bv1\"\n")
	for _, args := range [][]string{{"config", "view", "-o", "table"}, {"config", "view", "-o", "json"}, {"providers", "-o", "table"}, {"providers", "-o", "json"}} {
		code, stdout, stderr := run(t, nil, args...)
		if code != exit.OK || !strings.Contains(stdout, "lava.example/ [2Jv1") {
			t.Fatalf("%v: exit %d\n%s", args, code, stdout)
		}
		assertClean(t, strings.Join(args, " "), stdout, stderr)
	}
}
