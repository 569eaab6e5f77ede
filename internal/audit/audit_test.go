package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

func TestAppendAndRevoked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "keyctl", "audit.jsonl")
	log, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = log.Append([]revoke.Result{
		{Provider: "lava", ID: "a", Outcome: providers.Revoked, HTTPStatus: 200, Attempts: 1, Message: "revoked (200 OK)"},
		{Provider: "langwatch", ID: "b", Outcome: providers.AlreadyRevoked, HTTPStatus: 409, Attempts: 1},
		{Provider: "lava", ID: "c", Outcome: providers.Failed, HTTPStatus: 500, ExitCode: exit.Server, Attempts: 5},
		{Provider: "lava", ID: "d", Outcome: providers.DryRun},
	})
	if err != nil {
		t.Fatal(err)
	}
	log.Close()
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
	raw, _ := os.ReadFile(path)
	if n := strings.Count(string(raw), "\n"); n != 3 {
		t.Fatalf("%d lines, want 3 (dry runs are not recorded):\n%s", n, raw)
	}
	for _, field := range []string{`"time":`, `"keyctl_version":`, `"user":`, `"host":`, `"exit_code":10`, `"attempts":5`} {
		if !strings.Contains(string(raw), field) {
			t.Errorf("audit lacks %s", field)
		}
	}
	// A crash mid-write leaves a torn last line; --resume skips it.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"provider":"lava","id":"e","outco`)
	f.Close()
	set, err := Revoked(path)
	if err != nil {
		t.Fatal(err)
	}
	if !set.Has("lava", "a") || !set.Has("langwatch", "b") || set.Has("lava", "c") || set.Has("lava", "d") || set.Has("lava", "e") || set.Len() != 2 {
		t.Fatalf("resume set wrong (len %d)", set.Len())
	}
	// The next run starts on a fresh line, so its records survive the tear.
	log, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Append([]revoke.Result{{Provider: "lava", ID: "f", Outcome: providers.Revoked}}); err != nil {
		t.Fatal(err)
	}
	log.Close()
	if set, _ := Revoked(path); !set.Has("lava", "f") {
		t.Fatal("the record after a torn line was lost")
	}
	if set, err := Revoked(filepath.Join(t.TempDir(), "none.jsonl")); err != nil || set.Len() != 0 {
		t.Fatalf("missing log: %v", err)
	}
}
