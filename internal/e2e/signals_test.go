package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/testutil"
)

// auditRecords reads the audit log, one record per key id.
func auditRecords(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var rec struct{ ID, Outcome string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if _, dup := outcomes[rec.ID]; dup {
			t.Fatalf("two audit records for %s", rec.ID)
		}
		outcomes[rec.ID] = rec.Outcome
	}
	return outcomes
}

// `keyctl revoke … -o json | head -1`: once the reader is gone, keyctl
// stops sending, records every key (sent or skipped) in the audit log, says
// so on stderr and exits 13, instead of dying of SIGPIPE.
func TestBinaryClosedStdoutStopsAndRecordsEveryKey(t *testing.T) {
	closed := make(chan struct{})
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case n == 2:
			<-closed // the first result reached the reader; this one comes after it left
		case n > 2:
			<-r.Context().Done() // in flight until keyctl gives up on it
			return
		}
		testutil.Respond(w, 200, `{"id":"x","deleted":true}`)
	})
	dir := t.TempDir()
	const keys = 50
	var ids strings.Builder
	for i := range keys {
		fmt.Fprintf(&ids, "k%02d\n", i)
	}
	file := filepath.Join(dir, "ids.txt")
	os.WriteFile(file, []byte(ids.String()), 0o600)
	log := filepath.Join(dir, "audit.jsonl")

	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "revoke", "lava", "--from", file, "-o", "json", "--base-url", srv.URL,
		"--audit-log", log, "--per-provider", "1", "--concurrency", "1")
	cmd.Env = []string{"HOME=" + dir, "KEYCTL_LAVA_TOKEN=" + secret}
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = wr, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	first, err := bufio.NewReader(rd).ReadString('\n')
	if err != nil || !strings.Contains(first, `"k00"`) {
		t.Fatalf("first line %q: %v", first, err)
	}
	rd.Close() // head -1 exits
	close(closed)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 13 {
		t.Fatalf("exit %v, want 13 (output closed); stderr %s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "standard output was closed") || !strings.Contains(errOut.String(), "--resume") {
		t.Fatalf("stderr %q does not explain", errOut.String())
	}
	outcomes := auditRecords(t, log)
	if len(outcomes) != keys {
		t.Fatalf("%d audit records, want one per key (%d)", len(outcomes), keys)
	}
	counts := map[string]int{}
	for _, o := range outcomes {
		counts[o]++
	}
	if counts["revoked"] != 2 || counts["skipped"] == 0 || len(srv.Requests()) >= keys {
		t.Fatalf("keyctl went on sending after stdout closed: %d requests, outcomes %v", len(srv.Requests()), counts)
	}
}

// A closed terminal or ssh session (SIGHUP) stops a batch like SIGTERM:
// a result for every key, the audit log complete, exit 130.
func TestBinarySIGHUPAccountsForEveryKey(t *testing.T) {
	var once sync.Once
	first := make(chan struct{})
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		once.Do(func() { close(first) })
		testutil.Respond(w, 429, "", "Retry-After", "30")
	})
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.jsonl")
	cmd := exec.Command(binary, "revoke", "lava", "a", "b", "c", "--base-url", srv.URL, "--audit-log", log,
		"--concurrency", "1", "--per-provider", "1")
	cmd.Env = []string{"HOME=" + dir, "KEYCTL_LAVA_TOKEN=" + secret}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-first:
	case <-time.After(10 * time.Second):
		t.Fatal("no request")
	}
	_ = cmd.Process.Signal(syscall.SIGHUP)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130; stderr %s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "stopped (hangup signal received)") {
		t.Errorf("stderr %q does not say why keyctl stopped", errOut.String())
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 3 {
		t.Fatalf("want a result for each of 3 keys, got:\n%s", out.String())
	}
	if outcomes := auditRecords(t, log); len(outcomes) != 3 {
		t.Fatalf("audit records %v, want 3", outcomes)
	}
}

// `keyctl revoke … --no-audit | head -1` with a table: the table is written
// at the end, after every key was sent, and with no audit log the results
// were lost. They follow on stderr instead, one JSON line per key.
func TestBinaryClosedStdoutWithoutAuditLogKeepsResultsOnStderr(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"id":"x","deleted":true}`)
	})
	dir := t.TempDir()
	file := filepath.Join(dir, "ids.txt")
	os.WriteFile(file, []byte("k00\nk01\nk02\n"), 0o600)
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	rd.Close() // the reader is gone before the table is written
	cmd := exec.Command(binary, "revoke", "lava", "--from", file, "-o", "table", "--base-url", srv.URL, "--no-audit")
	cmd.Env = []string{"HOME=" + dir, "KEYCTL_LAVA_TOKEN=" + secret}
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = wr, &errOut
	err = cmd.Run()
	wr.Close()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 13 {
		t.Fatalf("exit %v, want 13 (output closed); stderr %s", err, errOut.String())
	}
	if len(srv.Requests()) != 3 {
		t.Fatalf("%d requests, want 3", len(srv.Requests()))
	}
	for _, id := range []string{"k00", "k01", "k02"} {
		if !strings.Contains(errOut.String(), `"id":"`+id+`","outcome":"revoked"`) {
			t.Errorf("no result for %s on stderr:\n%s", id, errOut.String())
		}
	}
}
