// Package e2e runs the built keyctl binary against local servers: the real
// process, flags, environment, signals and exit codes.
package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/testutil"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "keyctl-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if binary, err = testutil.BuildKeyctl(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building keyctl:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const secret = "e2e-SECRET-credential-7781"

type runResult struct {
	code           int
	stdout, stderr string
}

// keyctl runs the binary with a clean environment plus env.
func keyctl(t *testing.T, env []string, args ...string) runResult {
	t.Helper()
	var r runResult
	r.code, r.stdout, r.stderr = testutil.Exec(t, binary, env, args...)
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Fatalf("the credential appears in the output:\n%s\n%s", r.stdout, r.stderr)
	}
	return r
}

func TestBinaryRevokesWithEachProvider(t *testing.T) {
	cases := []struct {
		provider, id, path, header, value string
		status                            int
		body                              string // the documented success body
	}{
		{"lava", "sk/1", "/secret_keys/sk%2F1", "Authorization", "Bearer " + secret, 200, `{"id":"sk/1","deleted":true}`},
		{"langwatch", "lw 1", "/api/api-keys/lw%201", "Authorization", "Bearer " + secret, 200, `{"success":true}`},
		{"liveavatar", "s#1", "/v1/secrets/s%231", "X-Api-Key", secret, 200, `{"code":100,"data":null,"message":"Secret deleted"}`},
		{"altostrat", "api_key_0123456789abcdefghijABCDEFG", "/api/keys/api_key_0123456789abcdefghijABCDEFG", "Authorization", "Bearer " + secret, 204, ""},
	}
	for _, c := range cases {
		t.Run(c.provider, func(t *testing.T) {
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, c.status, c.body) })
			env := []string{"KEYCTL_" + strings.ToUpper(c.provider) + "_TOKEN=" + secret}
			r := keyctl(t, env, "revoke", c.provider, c.id, "--base-url", srv.URL, "--debug")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 || reqs[0].Method != "DELETE" || reqs[0].RequestURI != c.path || reqs[0].Header.Get(c.header) != c.value {
				t.Fatalf("requests %+v", reqs)
			}
			var res map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
				t.Fatalf("stdout is not one JSON line: %q", r.stdout)
			}
			if res["outcome"] != "revoked" || res["exit_code"] != float64(0) || res["id"] != c.id {
				t.Fatalf("result %v", res)
			}
			if !strings.Contains(r.stderr, "[REDACTED]") {
				t.Fatalf("debug trace does not show the masked credential: %s", r.stderr)
			}
		})
	}
}

func TestBinaryExitCodes(t *testing.T) {
	cases := []struct {
		status int
		want   int
	}{{401, 4}, {403, 5}, {404, 6}, {400, 7}, {422, 8}, {302, 1}}
	for _, c := range cases {
		srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			testutil.Respond(w, c.status, `{"message":"nope `+r.Header.Get("Authorization")+`"}`, "Location", "https://elsewhere.example/")
		})
		r := keyctl(t, []string{"KEYCTL_LANGWATCH_TOKEN=" + secret}, "revoke", "langwatch", "k", "--base-url", srv.URL)
		if r.code != c.want {
			t.Errorf("status %d: exit %d, want %d (%s)", c.status, r.code, c.want, r.stdout)
		}
	}
	if r := keyctl(t, nil, "revoke", "langwatch", "k"); r.code != 3 {
		t.Errorf("missing credential: exit %d", r.code)
	}
	if r := keyctl(t, nil, "revoke", "nope", "k"); r.code != 2 {
		t.Errorf("unknown provider: exit %d", r.code)
	}
	// Nothing listens on this port: a network error after retries.
	r := keyctl(t, []string{"KEYCTL_LAVA_TOKEN=" + secret}, "revoke", "lava", "k", "--base-url", "http://127.0.0.1:1", "--retries", "1")
	if r.code != 11 {
		t.Errorf("connection refused: exit %d: %s", r.code, r.stdout)
	}
}

func TestBinaryInterruptExits130WithAResultPerKey(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 429, "", "Retry-After", "30")
	})
	home := t.TempDir()
	cmd := exec.Command(binary, "revoke", "lava", "a", "b", "c", "--base-url", srv.URL, "--concurrency", "1", "--per-provider", "1")
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "KEYCTL_LAVA_TOKEN=" + secret}
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130", err)
	}
	if time.Since(start) > 5*time.Second { // generous: CI machines are loaded
		t.Fatalf("took %s to stop after SIGINT", time.Since(start))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a result for each of 3 keys, got:\n%s", out.String())
	}
}

func TestBinaryInterruptedStdinBatch(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 429, "", "Retry-After", "30")
	})
	home := t.TempDir()
	cmd := exec.Command(binary, "revoke", "lava", "--from", "-", "--base-url", srv.URL, "--per-provider", "1")
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home, "KEYCTL_LAVA_TOKEN=" + secret}
	stdin, err := cmd.StdinPipe() // a pipe that never closes
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(stdin, "k1\nk2\nk3\nk1")
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	start := time.Now()
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130; stderr %s", err, errOut.String())
	}
	if time.Since(start) > 6*time.Second { // 1 s of draining stdin, then stop; generous for loaded CI machines
		t.Fatalf("took %s to stop", time.Since(start))
	}
	outcomes := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r struct{ Outcome, ID string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		outcomes[r.Outcome]++
	}
	if outcomes["skipped"] != 2 || outcomes["failed"] != 1 || outcomes["duplicate"] != 1 {
		t.Fatalf("outcomes %v, want 1 failed (in flight), 2 skipped, 1 duplicate:\n%s", outcomes, out.String())
	}
	if !strings.Contains(errOut.String(), "standard input was not read past line 4") {
		t.Fatalf("stderr %q", errOut.String())
	}
	// Not a terminal: the way to finish is a plain line.
	if !strings.Contains(errOut.String(), "keyctl: interrupted; to finish: (the same input) | keyctl revoke lava --base-url "+srv.URL+" --from - --per-provider 1 --resume\n") {
		t.Fatalf("no command to finish: %q", errOut.String())
	}
}

func TestConcurrentProcessesShareTheAuditLog(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"id":"x","deleted":true}`)
	})
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.jsonl")
	var ids strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&ids, "key-with-a-long-enough-id-to-make-lines-big-%05d\n", i)
	}
	file := filepath.Join(dir, "ids.txt")
	if err := os.WriteFile(file, []byte(ids.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var cmds []*exec.Cmd
	for range 3 {
		cmd := exec.Command(binary, "revoke", "lava", "--from", file, "--base-url", srv.URL, "--audit-log", log, "-o", "json")
		cmd.Env = []string{"HOME=" + dir, "KEYCTL_LAVA_TOKEN=" + secret}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 6000 {
		t.Fatalf("%d audit lines, want 6000", len(lines))
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("torn audit line %q", l)
		}
	}
	if strings.Contains(string(raw), secret) {
		t.Fatal("credential in the audit log")
	}
}

func TestVersionInjectedAtBuild(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "keyctl")
	pkg := "github.com/keyctl/keyctl/internal/build"
	ldflags := fmt.Sprintf("-X %s.Version=v9.8.7 -X %s.Commit=0123abcd -X %s.Date=2026-11-22T00:00:00Z", pkg, pkg, pkg)
	if out, err := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", bin, "github.com/keyctl/keyctl").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatal(err)
		}
		s := string(out)
		if !strings.Contains(s, "keyctl v9.8.7") || !strings.Contains(s, "commit 0123abcd") || !strings.Contains(s, "built 2026-11-22T00:00:00Z") || !strings.Contains(s, "go1.") {
			t.Errorf("%v: %q", args, s)
		}
	}
	// The User-Agent carries the version.
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	cmd := exec.Command(bin, "revoke", "altostrat", "api_key_0123456789abcdefghijABCDEFG", "--base-url", srv.URL, "--no-audit")
	cmd.Env = []string{"HOME=" + t.TempDir(), "KEYCTL_ALTOSTRAT_TOKEN=" + secret}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if ua := srv.Requests()[0].Header.Get("User-Agent"); ua != "keyctl/v9.8.7" {
		t.Errorf("User-Agent %q", ua)
	}
}
