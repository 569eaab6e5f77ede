package e2e

import (
	"bufio"
	"encoding/json"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/testutil"
)

// TestSandboxCommand runs `keyctl sandbox` as a user would: source the
// settings it prints, revoke a seeded key, create a key and meet its
// cooldown, list the keys with their state.
func TestSandboxCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	srv := exec.Command(binary, "sandbox", "--addr", addr)
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()

	// The printed settings, as `. ./sandbox.env` would set them.
	var env []string
	seeded := map[string]bool{}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// The listing ends with the last seeded key; the server keeps running.
	for !seeded["liveavatar/sec_demo_3"] {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("keyctl sandbox stopped")
			}
			if kv, ok := strings.CutPrefix(line, "export "); ok {
				env = append(env, kv)
			}
			if f := strings.Fields(strings.TrimPrefix(line, "#")); len(f) >= 2 && strings.HasPrefix(line, "#   ") {
				seeded[f[0]+"/"+f[1]] = true
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("keyctl sandbox printed no listing; env %v seeded %v", env, seeded)
		}
	}
	if !hasSeedSettings(env) || !seeded["lava/sk_demo_1"] || !seeded["langwatch/lw_other_user"] {
		t.Fatalf("env %v seeded %v", env, seeded)
	}
	for _, kv := range env {
		if strings.HasPrefix(kv, "KEYCTL_LAVA_BASE_URL=") && kv != "KEYCTL_LAVA_BASE_URL=http://"+addr+"/lava/v1" {
			t.Fatalf("lava base URL %s", kv)
		}
	}

	code, out, stderr := testutil.Exec(t, binary, env, "revoke", "lava", "sk_demo_1", "-o", "json")
	if code != 0 || !strings.Contains(out, `"outcome":"revoked"`) {
		t.Fatalf("revoke: %d %s %s", code, out, stderr)
	}
	code, id, stderr := testutil.Exec(t, binary, nil, "sandbox", "create", "lava", "--addr", addr)
	id = strings.TrimSpace(id)
	if code != 0 || !strings.HasPrefix(id, "sk_new_") {
		t.Fatalf("create: %d %q %s", code, id, stderr)
	}
	code, out, _ = testutil.Exec(t, binary, env, "revoke", "lava", id, "-o", "json", "--max-wait", "1s")
	if code != 9 || !strings.Contains(out, `"retry_after"`) {
		t.Fatalf("revoking a key in its cooldown: %d %s", code, out)
	}
	code, out, _ = testutil.Exec(t, binary, nil, "sandbox", "keys", "--addr", addr)
	states := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var k struct{ Provider, ID, State string }
		if err := json.Unmarshal([]byte(line), &k); err != nil {
			t.Fatalf("keys line %q: %v", line, err)
		}
		states[k.Provider+"/"+k.ID] = k.State
	}
	if code != 0 || states["lava/sk_demo_1"] != "revoked" || states["lava/"+id] != "active" || states["lava/sk_demo_2"] != "active" {
		t.Fatalf("keys: %v", states)
	}
	if code, _, stderr := testutil.Exec(t, binary, nil, "sandbox", "keys", "--addr", "127.0.0.1:1"); code == 0 || !strings.Contains(stderr, "keyctl sandbox") {
		t.Fatalf("no sandbox running: %d %s", code, stderr)
	}
	if code, _, stderr := testutil.Exec(t, binary, nil, "sandbox", "--addr", "0.0.0.0:0"); code != 2 || !strings.Contains(stderr, "loopback") {
		t.Fatalf("non-loopback: %d %s", code, stderr)
	}
}
