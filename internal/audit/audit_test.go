package audit

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

var (
	lavaProd      = place("https://api.lava.so/v1", false)
	langwatchProd = place("https://app.langwatch.ai", false)
)

func place(base string, sandbox bool) providers.Place {
	u, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	return providers.Target{BaseURL: u, Token: "never-recorded", Sandbox: sandbox}.Place()
}

func TestAppendAndRevoked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "keyctl", "audit.jsonl")
	log, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = log.Append([]revoke.Result{
		{Provider: "lava", ID: "a", Outcome: providers.Revoked, HTTPStatus: 200, Attempts: 1, Message: "revoked (200 OK)", Place: lavaProd},
		{Provider: "langwatch", ID: "b", Outcome: providers.AlreadyRevoked, HTTPStatus: 409, Attempts: 1, Place: langwatchProd},
		{Provider: "lava", ID: "c", Outcome: providers.Failed, HTTPStatus: 500, ExitCode: exit.Server, Attempts: 5, Place: lavaProd},
		{Provider: "lava", ID: "d", Outcome: providers.DryRun, Place: lavaProd},
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
	for _, field := range []string{`"time":`, `"keyctl_version":`, `"user":`, `"host":`, `"exit_code":10`, `"attempts":5`, `"base_url":"https://api.lava.so/v1"`} {
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
	if !set.Has("lava", lavaProd, "a") || !set.Has("langwatch", langwatchProd, "b") || set.Has("lava", lavaProd, "c") ||
		set.Has("lava", lavaProd, "d") || set.Has("lava", lavaProd, "e") || set.Len() != 2 {
		t.Fatalf("resume set wrong (len %d)", set.Len())
	}
	// The next run starts on a fresh line, so its records survive the tear.
	log, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Append([]revoke.Result{{Provider: "lava", ID: "f", Outcome: providers.Revoked, Place: lavaProd}}); err != nil {
		t.Fatal(err)
	}
	log.Close()
	if set, _ := Revoked(path); !set.Has("lava", lavaProd, "f") {
		t.Fatal("the record after a torn line was lost")
	}
	if set, err := Revoked(filepath.Join(t.TempDir(), "none.jsonl")); err != nil || set.Len() != 0 {
		t.Fatalf("missing log: %v", err)
	}
}

func appendResults(t *testing.T, path string, rs ...revoke.Result) {
	t.Helper()
	log, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	if err := log.Append(rs); err != nil {
		t.Fatal(err)
	}
}

// A key is skipped by --resume only where it was revoked: same provider,
// same base URL, same parameters, and a sandbox revocation only for a
// sandbox run.
func TestResumeMatchesOnlyTheSameTarget(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	sandboxLava := place("http://127.0.0.1:7777/lava/v1", true)
	selfHosted := place("https://lava.internal.example/v1", false)
	withParams := lavaProd
	withParams.Params = map[string]string{"org": "acme"}
	appendResults(t, path,
		revoke.Result{Provider: "lava", ID: "k", Outcome: providers.Revoked, Place: sandboxLava},
		revoke.Result{Provider: "lava", ID: "k2", Outcome: providers.Revoked, Place: selfHosted},
		revoke.Result{Provider: "lava", ID: "k3", Outcome: providers.Revoked, Place: withParams},
		revoke.Result{Provider: "lava", ID: "k4", Outcome: providers.Revoked, Place: lavaProd},
	)
	revs, err := Revoked(path)
	if err != nil {
		t.Fatal(err)
	}
	realSameURL := sandboxLava
	realSameURL.Sandbox = false
	checks := []struct {
		what  string
		place providers.Place
		id    string
		want  bool
	}{
		{"revoked in the sandbox, asked for the real target", lavaProd, "k", false},
		{"revoked in the sandbox, asked for its URL outside a sandbox run", realSameURL, "k", false},
		{"revoked in the sandbox, asked again in the sandbox", sandboxLava, "k", true},
		{"revoked at another base URL", lavaProd, "k2", false},
		{"revoked at that base URL", selfHosted, "k2", true},
		{"revoked with other account parameters", lavaProd, "k3", false},
		{"revoked with the same account parameters", withParams, "k3", true},
		{"revoked at the same target", lavaProd, "k4", true},
		{"same target spelled with a trailing slash, upper-case host and default port", place("https://API.lava.so:443/v1/", false), "k4", true},
	}
	for _, c := range checks {
		if got := revs.Has("lava", c.place, c.id); got != c.want {
			t.Errorf("%s: Has = %v, want %v", c.what, got, c.want)
		}
	}
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), `"sandbox":true`) || strings.Contains(string(raw), "never-recorded") {
		t.Fatalf("records must mark the sandbox and hold no credential:\n%s", raw)
	}
}

// Records written before records named their target do not say where the
// key was revoked: they match nothing, so the key is sent again.
func TestResumeIgnoresRecordsWithoutATarget(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	os.WriteFile(path, []byte(`{"provider":"lava","id":"old","outcome":"revoked","http_status":200}`+"\n"), 0o600)
	revs, err := Revoked(path)
	if err != nil {
		t.Fatal(err)
	}
	if revs.Has("lava", lavaProd, "old") || revs.Len() != 0 {
		t.Fatal("a record without a target was taken as revoked here")
	}
}

func TestPlaceNeverHoldsUserinfo(t *testing.T) {
	u, _ := url.Parse("https://user:hunter2-password@api.lava.so/v1?x=1#f")
	p := providers.Target{BaseURL: u, Token: "tok"}.Place()
	if p.BaseURL != "https://api.lava.so/v1" {
		t.Fatalf("place %q", p.BaseURL)
	}
}

// --resume reads whatever the log holds: a line of several MiB (far past
// any buffer) or torn lines are skipped and counted, and the records after
// them still count.
func TestResumeSurvivesHugeAndTornLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	huge := `{"provider":"lava","id":"huge","outcome":"revoked","base_url":"https://api.lava.so/v1","message":"` + strings.Repeat("x", 3<<20) + `"}`
	nearLimit := `{"provider":"lava","id":"big","outcome":"revoked","base_url":"https://api.lava.so/v1","message":"` + strings.Repeat("y", 900<<10) + `"}`
	content := huge + "\n" + `{"provider":"lava","id":"torn","outc` + "\n" + nearLimit + "\n"
	os.WriteFile(path, []byte(content), 0o600)
	appendResults(t, path, revoke.Result{Provider: "lava", ID: "after", Outcome: providers.Revoked, Place: lavaProd})
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(strings.Repeat("z", 2<<20)) // a huge torn last line
	f.Close()

	revs, err := Revoked(path)
	if err != nil {
		t.Fatalf("Revoked: %v", err)
	}
	if !revs.Has("lava", lavaProd, "after") || !revs.Has("lava", lavaProd, "big") {
		t.Fatal("records after a huge line were lost")
	}
	if revs.Has("lava", lavaProd, "huge") {
		t.Fatal("a line over the limit was used")
	}
	if revs.Unreadable != 3 {
		t.Fatalf("Unreadable = %d, want 3 (the huge line, the torn one, the huge torn tail)", revs.Unreadable)
	}
}
