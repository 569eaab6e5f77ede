package cmd

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/testutil"
)

func writeConfigFile(t *testing.T, dir, yaml string) string {
	t.Helper()
	path := filepath.Join(dir, "config", "keyctl", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigViewShowsSourcesNeverSecrets(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	marker := filepath.Join(dir, "token-command-ran")
	writeConfigFile(t, dir, `
timeout: 7s
providers:
  lava:
    token: `+secret+`
  langwatch:
    token_command: touch `+marker+`; echo other-secret-0011
profiles:
  prod:
    providers:
      altostrat:
        base_url: https://altostrat.prod.example
`)
	t.Setenv("KEYCTL_RETRIES", "9")
	t.Setenv("KEYCTL_LIVEAVATAR_TOKEN", "env-secret-0012")
	code, stdout, stderr := run(t, nil, "--profile", "prod", "config", "view", "-o", "json")
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`{"key":"timeout","value":"7s","source":"file","origin":"`,
		`{"key":"retries","value":"9","source":"env","origin":"KEYCTL_RETRIES"}`,
		`{"key":"concurrency","value":"256","source":"default"}`,
		`{"key":"profile","value":"prod","source":"flag","origin":"--profile"}`,
		`{"key":"providers.altostrat.base_url","value":"https://altostrat.prod.example","source":"file","origin":"`,
		`{"key":"providers.lava.credential","value":"[REDACTED]","source":"file"`,
		`{"key":"providers.liveavatar.credential","value":"[REDACTED]","source":"env","origin":"env KEYCTL_LIVEAVATAR_TOKEN"}`,
		`{"key":"providers.langwatch.credential","value":"[REDACTED]","source":"file","origin":"token_command`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("config view lacks %s\n%s", want, stdout)
		}
	}
	assertNoSecret(t, stdout, stderr)
	if strings.Contains(stdout, "env-secret-0012") || strings.Contains(stdout, "other-secret-0011") {
		t.Fatal("config view shows a secret")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("config view ran token_command")
	}

	code, stdout, _ = run(t, nil, "providers", "-o", "json")
	if code != exit.OK || !strings.Contains(stdout, `"credential_source":"env KEYCTL_LIVEAVATAR_TOKEN"`) ||
		!strings.Contains(stdout, `"credential_source":"token_command (`) || strings.Contains(stdout, "env-secret-0012") {
		t.Fatalf("providers: %s", stdout)
	}
	assertNoSecret(t, stdout)
}

func TestConfigInitAndPath(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	want := filepath.Join(dir, "config", "keyctl", "config.yaml")
	if _, stdout, _ := run(t, nil, "config", "path"); strings.TrimSpace(stdout) != want {
		t.Fatalf("config path = %q, want %q", stdout, want)
	}
	if code, _, stderr := run(t, nil, "config", "init"); code != exit.OK {
		t.Fatalf("init: %d %s", code, stderr)
	}
	info, err := os.Stat(want)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("init wrote %v, %v", info, err)
	}
	if code, _, stderr := run(t, nil, "config", "init"); code != exit.Config || !strings.Contains(stderr, "--force") {
		t.Fatalf("second init: %d %s", code, stderr)
	}
	os.Chmod(want, 0o644)
	if code, _, _ := run(t, nil, "config", "init", "--force"); code != exit.OK {
		t.Fatal(code)
	}
	if info, _ := os.Stat(want); info.Mode().Perm() != 0o600 {
		t.Fatalf("init --force left mode %v", info.Mode().Perm())
	}
	// The template is valid, warning-free YAML.
	if code, _, stderr := run(t, nil, "config", "view"); code != exit.OK || stderr != "" {
		t.Fatalf("view of the template: %d %q", code, stderr)
	}
	other := filepath.Join(dir, "other.yaml")
	if _, stdout, _ := run(t, nil, "--config", other, "config", "path"); strings.TrimSpace(stdout) != other {
		t.Fatalf("--config path: %q", stdout)
	}
	t.Setenv("KEYCTL_CONFIG", other)
	if _, stdout, _ := run(t, nil, "config", "path"); strings.TrimSpace(stdout) != other {
		t.Fatalf("KEYCTL_CONFIG path: %q", stdout)
	}
}

func TestRevokeWithProfilesAndTokenSources(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	writeConfigFile(t, dir, `
default_profile: staging
providers:
  altostrat:
    base_url: `+srv.URL+`
    token: top-level-0013
profiles:
  staging:
    providers:
      altostrat:
        token_command: [echo, staging-0014]
  prod:
    providers:
      altostrat:
        token_env: PROD_ALTOSTRAT
`)
	t.Setenv("PROD_ALTOSTRAT", "prod-0015")
	id := "api_key_0123456789abcdefghijABCDEFG"
	run(t, nil, "revoke", "altostrat", id)
	run(t, nil, "--profile", "prod", "revoke", "altostrat", id)
	t.Setenv("KEYCTL_PROFILE", "prod")
	run(t, nil, "revoke", "altostrat", id)
	code, _, stderr := run(t, nil, "--profile", "nope", "revoke", "altostrat", id)
	if code != exit.Config || !strings.Contains(stderr, `profile "nope"`) {
		t.Fatalf("unknown profile: %d %s", code, stderr)
	}
	var sent []string
	for _, r := range srv.Requests() {
		sent = append(sent, r.Header.Get("Authorization"))
	}
	want := []string{"Bearer staging-0014", "Bearer prod-0015", "Bearer prod-0015"}
	if strings.Join(sent, ",") != strings.Join(want, ",") {
		t.Fatalf("credentials sent %v, want %v", sent, want)
	}

	// --token-stdin beats everything, for the provider argument only.
	io, in, out, errOut := iostreams.Test()
	in.WriteString("stdin-secret-0016\n")
	code = Run(context.Background(), &cmdutil.Factory{IO: io}, []string{"revoke", "altostrat", id, "--token-stdin"})
	if code != exit.OK || srv.Requests()[3].Header.Get("Authorization") != "Bearer stdin-secret-0016" {
		t.Fatalf("--token-stdin: %d %s %s", code, out, errOut)
	}
	if strings.Contains(out.String()+errOut.String(), "stdin-secret-0016") {
		t.Fatal("--token-stdin credential in the output")
	}
	for _, c := range []struct {
		args []string
		code exit.Code
	}{
		{[]string{"revoke", "--from", "-", "--token-stdin"}, exit.Usage},
		{[]string{"revoke", "altostrat", "--from", "-", "--token-stdin"}, exit.Usage},
		{[]string{"revoke", "altostrat", id, "--token-stdin"}, exit.Config}, // empty stdin
	} {
		if code, _, stderr := run(t, nil, c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d: %s", c.args, code, c.code, stderr)
		}
	}
}

func TestTokenCommandFailureIsExit3WithoutTheSecret(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	writeConfigFile(t, dir, `
providers:
  lava:
    token_command: "echo `+secret+`; echo 'op: not signed in' >&2; exit 1"
`)
	code, stdout, stderr := run(t, nil, "revoke", "lava", "k1")
	if code != exit.Config || !strings.Contains(stderr, "op: not signed in") || !strings.Contains(stderr, "nothing sent") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	assertNoSecret(t, stdout, stderr)
}

func TestConfigWarningsReachStderrOnce(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	path := writeConfigFile(t, dir, "providers:\n  lava:\n    tokn: "+secret+"\n")
	os.Chmod(path, 0o644)
	code, _, stderr := run(t, nil, "revoke", "lava", "k1")
	if code != exit.Config {
		t.Fatalf("exit %d", code)
	}
	if strings.Count(stderr, `did you mean "providers.lava.token"`) != 1 {
		t.Fatalf("stderr %q", stderr)
	}
	assertNoSecret(t, stderr)
}

func TestConfigViewTableSaysEachSourceOnce(t *testing.T) {
	testutil.IsolateEnv(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("KEYCTL_LAVA_TOKEN", "sk_live_secret_value")
	code, stdout, _ := run(t, nil, "config", "view", "-o", "table")
	if code != exit.OK {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(stdout, "env env") || !strings.Contains(stdout, "env KEYCTL_LAVA_TOKEN") {
		t.Errorf("credential source:\n%s", stdout)
	}
	if strings.Contains(stdout, "$XDG_STATE_HOME") || !strings.Contains(stdout, filepath.Join(state, "keyctl", "audit.jsonl")) {
		t.Errorf("audit log path not expanded:\n%s", stdout)
	}
	if strings.Contains(stdout, "sk_live_secret_value") {
		t.Fatal("config view shows a secret")
	}
}
