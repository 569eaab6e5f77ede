package cmd

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/testutil"
)

// echoServer answers 401 with a message echoing the Authorization header, as
// a hostile or careless server might.
func echoServer(t *testing.T) *testutil.Server {
	return testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 401, `{"message":"bad credential `+r.Header.Get("Authorization")+` (`+r.Header.Get("X-Api-Key")+`)"}`)
	})
}

// TestBaseURLPasswordIsNeverPrinted: user info in a base URL is masked by
// config view, providers, and both errors (refused and unparsable URL).
func TestBaseURLPasswordIsNeverPrinted(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	const password = "pa55-W0RD-in-url"
	writeConfigFile(t, dir, "providers:\n  lava:\n    base_url: https://admin:"+password+"@lava.example/v1\n    token: "+secret+"\n")
	t.Setenv("KEYCTL_LANGWATCH_BASE_URL", "https://admin:"+password+"@langwatch.example:bad-port/x")
	t.Setenv("KEYCTL_LANGWATCH_TOKEN", secret)
	var all []string
	for _, args := range [][]string{
		{"config", "view", "-o", "json"}, {"config", "view", "-o", "table"},
		{"providers", "-o", "json"}, {"providers", "-o", "table"},
	} {
		code, stdout, stderr := run(t, nil, args...)
		if code != exit.OK || !strings.Contains(stdout, "[REDACTED]@lava.example") {
			t.Errorf("%v: exit %d: %s", args, code, stdout)
		}
		all = append(all, stdout, stderr)
	}
	code, stdout, stderr := run(t, nil, "revoke", "lava", "k1")
	if code != exit.Config || !strings.Contains(stderr, "must not contain user info") {
		t.Errorf("user info: exit %d %s", code, stderr)
	}
	all = append(all, stdout, stderr)
	code, stdout, stderr = run(t, nil, "revoke", "langwatch", "k1")
	if code != exit.Config || !strings.Contains(stderr, "is not a URL") {
		t.Errorf("unparsable: exit %d %s", code, stderr)
	}
	all = append(all, stdout, stderr)
	for _, s := range all {
		if strings.Contains(s, password) {
			t.Fatalf("the password is printed:\n%s", s)
		}
	}
	assertNoSecret(t, all...)
}

// TestEnvTokenIsTrimmedAndCheckedLikeEverySource: KEYCTL_<P>_TOKEN with a
// trailing space or newline sends the trimmed value and masks it; one that
// cannot be put in a header is exit 3 with nothing sent, never retried.
func TestEnvTokenIsTrimmedAndCheckedLikeEverySource(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := echoServer(t)
	t.Setenv("KEYCTL_LAVA_BASE_URL", srv.URL)
	for i, v := range []string{secret + " ", secret + "\n", " \t" + secret + "\r\n"} {
		t.Setenv("KEYCTL_LAVA_TOKEN", v)
		code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--no-audit")
		if code != exit.Auth {
			t.Fatalf("%q: exit %d %s", v, code, stderr)
		}
		if got := srv.Requests()[i].Header.Get("Authorization"); got != "Bearer "+secret {
			t.Fatalf("%q: sent %q", v, got)
		}
		assertNoSecret(t, stdout, stderr)
	}
	for _, v := range []string{"sk-TEST\nsecond-line", "sk-TEST\x01soh", "sk-TEST\x1b[2J"} {
		t.Setenv("KEYCTL_LAVA_TOKEN", v)
		before := len(srv.Requests())
		code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--no-audit")
		if code != exit.Config || stdout != "" || !strings.Contains(stderr, "KEYCTL_LAVA_TOKEN") || !strings.Contains(stderr, "control character") {
			t.Fatalf("%q: exit %d stdout %q stderr %q", v, code, stdout, stderr)
		}
		if n := len(srv.Requests()) - before; n != 0 {
			t.Fatalf("%q: %d requests sent", v, n)
		}
		if strings.Contains(stderr, "second-line") || strings.Contains(stderr, "\x1b") {
			t.Fatalf("the credential is shown: %q", stderr)
		}
	}
}

// TestInvisibleCharacterInACredentialIsAConfigError: a byte-order mark from
// a token file saved by a Windows editor, or a zero-width space from a
// paste, was sent and answered 401, "credential rejected", exit 4, while
// every message showed the credential as expected. It is exit 3, nothing sent.
func TestInvisibleCharacterInACredentialIsAConfigError(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := echoServer(t)
	t.Setenv("KEYCTL_LAVA_BASE_URL", srv.URL)
	file := filepath.Join(dir, "token")
	os.WriteFile(file, []byte("\ufeff"+secret+"\r\n"), 0o600)
	os.MkdirAll(filepath.Join(dir, "config", "keyctl"), 0o700)
	os.WriteFile(filepath.Join(dir, "config", "keyctl", "config.yaml"), []byte("providers:\n  lava:\n    token_file: "+file+"\n"), 0o600)
	for _, env := range [][2]string{
		{"KEYCTL_LAVA_TOKEN", "\ufeff" + secret},
		{"KEYCTL_LAVA_TOKEN", secret[:4] + "\u200b" + secret[4:]},
		{"KEYCTL_LAVA_TOKEN", secret + "\xff"},
		{"KEYCTL_LAVA_TOKEN", ""}, // the config's token_file
	} {
		t.Setenv(env[0], env[1])
		code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--no-audit")
		if code != exit.Config || stdout != "" || !strings.Contains(stderr, "invisible character") || (env[1] == "" && !strings.Contains(stderr, "token_file")) {
			t.Fatalf("%q: exit %d stdout %q stderr %q", env[1], code, stdout, stderr)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Fatalf("%q: %d requests sent", env[1], n)
		}
		assertNoSecret(t, stdout, stderr)
	}
}

// TestCredentialThatIsAPrefixOfAnotherIsMaskedWhole: two providers whose
// credentials share a prefix; the longer one's tail must not show.
func TestCredentialThatIsAPrefixOfAnotherIsMaskedWhole(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := echoServer(t)
	const short, long = "sk-SHARED-0001", "sk-SHARED-0001-LONGER-TAIL-9999"
	t.Setenv("KEYCTL_LANGWATCH_TOKEN", short)
	t.Setenv("KEYCTL_LIVEAVATAR_TOKEN", long)
	t.Setenv("KEYCTL_LANGWATCH_BASE_URL", srv.URL)
	t.Setenv("KEYCTL_LIVEAVATAR_BASE_URL", srv.URL)
	from := filepath.Join(dir, "ids")
	if err := os.WriteFile(from, []byte("langwatch k1\nliveavatar k2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, nil, "revoke", "--from", from, "--no-audit", "--concurrency", "1")
	if code != exit.Auth || strings.Count(stdout, "[REDACTED]") < 2 {
		t.Fatalf("exit %d %s %s", code, stdout, stderr)
	}
	for _, part := range []string{"SHARED", "LONGER-TAIL-9999"} {
		if strings.Contains(stdout+stderr, part) {
			t.Fatalf("part of a credential shows (%s):\n%s", part, stdout)
		}
	}
}

// TestTokenAsAYAMLListIsAConfigError: `token: [..]` once sent an empty
// Bearer and exited 4.
func TestTokenAsAYAMLListIsAConfigError(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := echoServer(t)
	for _, block := range []string{"token: [" + secret + "]", "token: {a: b}", "token_env: [A, B]", "token_file: [a]", "token: '   '"} {
		writeConfigFile(t, dir, "providers:\n  lava:\n    base_url: "+srv.URL+"\n    "+block+"\n")
		code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--no-audit")
		if code != exit.Config || stdout != "" || !strings.Contains(stderr, "providers.lava.token") || !strings.Contains(stderr, "nothing sent") {
			t.Errorf("%s: exit %d stdout %q stderr %q", block, code, stdout, stderr)
		}
		assertNoSecret(t, stdout, stderr)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestTokenThatYAMLRetypesIsAConfigError: an unquoted 0012345 was sent as
// 5349 (YAML octal), 1e3 as 1000, a date as "2001-12-14 00:00:00 +0000 UTC":
// the provider's 401 then said the credential was rejected, exit 4.
func TestTokenThatYAMLRetypesIsAConfigError(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := echoServer(t)
	for _, block := range []string{"token: 0012345", "token: 1e3", "token: 12345678901234567890123", "token: true", "token: 2001-12-14", "token_env: 123"} {
		writeConfigFile(t, dir, "providers:\n  lava:\n    base_url: "+srv.URL+"\n    "+block+"\n")
		code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--no-audit")
		if code != exit.Config || stdout != "" || !strings.Contains(stderr, "providers.lava.token") || !strings.Contains(stderr, "in quotes") {
			t.Errorf("%s: exit %d stdout %q stderr %q", block, code, stdout, stderr)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
	writeConfigFile(t, dir, "providers:\n  lava:\n    base_url: "+srv.URL+"\n    token: \"0012345\"\n")
	if code, _, stderr := run(t, nil, "revoke", "lava", "k1", "--no-audit"); code != exit.Auth || srv.Requests()[0].Header.Get("Authorization") != "Bearer 0012345" {
		t.Fatalf("quoted: exit %d %s", code, stderr)
	}
}

// TestCredentialSourcesAreBounded: /dev/zero as token_file and a command
// printing megabytes (or forever) end at once with exit 3.
func TestCredentialSourcesAreBounded(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := echoServer(t)
	for _, block := range []string{
		"token_file: /dev/zero",
		"token_command: head -c 1048576 /dev/zero | tr '\\\\0' a",
		"token_command: yes",
	} {
		writeConfigFile(t, dir, "providers:\n  lava:\n    base_url: "+srv.URL+"\n    token_command_timeout: 60s\n    "+block+"\n")
		start := time.Now()
		code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--no-audit")
		if code != exit.Config || stdout != "" || !strings.Contains(stderr, "64 KiB") {
			t.Errorf("%s: exit %d stdout %q stderr %.300q", block, code, stdout, stderr)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%s: took %s", block, d)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestTokenStdinOnAnOpenPipeIsInterruptible: the first signal while keyctl
// waits for --token-stdin ends the run with exit 130 and a message.
func TestTokenStdinOnAnOpenPipeIsInterruptible(t *testing.T) {
	testutil.IsolateEnv(t)
	pr, pw := io.Pipe() // never written, never closed: a stuck producer
	defer pw.Close()
	ios, _, out, errOut := iostreams.Test()
	ios.In = pr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan exit.Code, 1)
	go func() {
		done <- Run(ctx, &cmdutil.Factory{IO: ios}, []string{"revoke", "lava", "k1", "--token-stdin", "--base-url", "http://127.0.0.1:1"})
	}()
	time.Sleep(50 * time.Millisecond) // either order ends the same way
	cancel()
	select {
	case code := <-done:
		if code != exit.Interrupted || out.String() != "" || !strings.Contains(errOut.String(), "interrupted") {
			t.Fatalf("exit %d stdout %q stderr %q", code, out.String(), errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("still waiting for standard input after the signal")
	}
}
