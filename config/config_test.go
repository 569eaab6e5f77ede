package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

var knownProviders = []string{"altostrat", "langwatch", "lava", "liveavatar"}

// isolate clears KEYCTL_* and points the default config at a temp dir.
func isolate(t *testing.T) string {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, EnvPrefix) {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	return dir
}

func writeConfig(t *testing.T, dir, yaml string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, "keyctl", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(yaml), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func load(t *testing.T, opts Options) *Config {
	t.Helper()
	opts.Providers = knownProviders
	c, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPrecedenceOfEverySetting(t *testing.T) {
	settings := map[string][4]string{ // key: flag, env, file, default
		"output":                  {"json", "table", "json", ""},
		"timeout":                 {"1s", "2s", "3s", "30s"},
		"retries":                 {"1", "2", "3", "4"},
		"max_wait":                {"1s", "2s", "3s", "60s"},
		"concurrency":             {"1", "2", "3", "16"},
		"per_provider":            {"1", "2", "3", "8"},
		"cacert":                  {"/flag.pem", "/env.pem", "/file.pem", ""},
		"audit_log":               {"/flag.jsonl", "/env.jsonl", "/file.jsonl", ""},
		"no_audit":                {"true", "false", "true", "false"},
		"providers.lava.base_url": {"https://flag.example", "https://env.example", "https://file.example", "https://api.lava.so/v1"},
	}
	for key, v := range settings {
		t.Run(key, func(t *testing.T) {
			dir := isolate(t)
			yaml := key + ": " + v[2] + "\n"
			if strings.HasPrefix(key, "providers.") {
				yaml = "providers:\n  lava:\n    base_url: " + v[2] + "\n"
			}
			writeConfig(t, dir, yaml, 0o600)
			c := load(t, Options{})
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			fs.String("f", "", "")
			flag := fs.Lookup("f")

			if s := c.Get(key, flag, v[3]); s.Value != v[2] || s.Source != SourceFile {
				t.Errorf("file: %+v", s)
			}
			t.Setenv(EnvName(key), v[1])
			if s := c.Get(key, flag, v[3]); s.Value != v[1] || s.Source != SourceEnv || s.Origin != EnvName(key) {
				t.Errorf("env: %+v", s)
			}
			if err := fs.Set("f", v[0]); err != nil {
				t.Fatal(err)
			}
			if s := c.Get(key, flag, v[3]); s.Value != v[0] || s.Source != SourceFlag {
				t.Errorf("flag: %+v", s)
			}
			os.Unsetenv(EnvName(key))
			empty := load(t, Options{Path: writeConfig(t, t.TempDir(), "{}\n", 0o600)})
			if s := empty.Get(key, nil, v[3]); s.Value != v[3] || (v[3] != "" && s.Source != SourceDefault) {
				t.Errorf("default: %+v", s)
			}
		})
	}
	if EnvName("providers.lava.base_url") != "KEYCTL_LAVA_BASE_URL" || EnvName("max_wait") != "KEYCTL_MAX_WAIT" {
		t.Fatal("env names")
	}
}

func TestCredentialSources(t *testing.T) {
	dir := isolate(t)
	tokenFile := filepath.Join(dir, "tok")
	if err := os.WriteFile(tokenFile, []byte("  file-secret-0001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OTHER_VAR", "env-named-secret-0002")
	writeConfig(t, dir, `
providers:
  lava:
    token: literal-secret-0003
  langwatch:
    token_file: `+tokenFile+`
  liveavatar:
    token_env: OTHER_VAR
  altostrat:
    token_command: printf 'cmd-secret-0004\n'
    token: loses-to-the-command
profiles:
  prod:
    providers:
      lava:
        token_command: [echo, prod-secret-0005]
      langwatch:
        base_url: https://langwatch.prod.example
`, 0o600)
	ctx := context.Background()
	c := load(t, Options{})
	for provider, want := range map[string]string{
		"lava": "literal-secret-0003", "langwatch": "file-secret-0001", "liveavatar": "env-named-secret-0002", "altostrat": "cmd-secret-0004",
	} {
		cred, err := c.Credential(ctx, provider, "x")
		if err != nil || cred.Value != want {
			t.Errorf("%s: %q, %v; want %q", provider, cred.Value, err, want)
		}
		if strings.Contains(cred.Origin, want) {
			t.Errorf("%s: origin %q shows the secret", provider, cred.Origin)
		}
	}
	t.Setenv("KEYCTL_LAVA_TOKEN", "env-wins-0006")
	if cred, _ := c.Credential(ctx, "lava", "x"); cred.Value != "env-wins-0006" || cred.Origin != "KEYCTL_LAVA_TOKEN" {
		t.Errorf("env must beat the file: %+v", cred)
	}
	os.Unsetenv("KEYCTL_LAVA_TOKEN")

	prod := load(t, Options{Profile: "prod"})
	if cred, err := prod.Credential(ctx, "lava", "x"); err != nil || cred.Value != "prod-secret-0005" {
		t.Errorf("profile credential: %+v %v", cred, err)
	}
	if cred, _ := prod.Credential(ctx, "langwatch", "x"); cred.Value != "file-secret-0001" {
		t.Errorf("a profile without a credential for langwatch falls back to the top level: %+v", cred)
	}
	if s := prod.Get("providers.langwatch.base_url", nil, ""); s.Value != "https://langwatch.prod.example" {
		t.Errorf("profile base_url: %+v", s)
	}
	t.Setenv("KEYCTL_PROFILE", "prod")
	if p := load(t, Options{}).Profile(); p.Value != "prod" || p.Source != SourceEnv {
		t.Errorf("KEYCTL_PROFILE: %+v", p)
	}
	if _, err := Load(Options{Profile: "nope", Providers: knownProviders}); err == nil || !strings.Contains(err.Error(), `profile "nope"`) || !strings.Contains(err.Error(), "prod") {
		t.Errorf("unknown profile: %v", err)
	}

	if origin, ok := c.CredentialSource("altostrat"); !ok || !strings.HasPrefix(origin, "token_command") {
		t.Errorf("CredentialSource: %q %v", origin, ok)
	}
}

func TestCredentialErrors(t *testing.T) {
	dir := isolate(t)
	writeConfig(t, dir, `
providers:
  lava:
    token_command: "printf 'leaked-secret-0007'; echo 'vault: permission denied for leaked-secret-0007' >&2; exit 3"
  langwatch:
    token_command: sleep 10
    token_command_timeout: 200ms
  liveavatar:
    token_env: UNSET_VARIABLE_FOR_TEST
  altostrat:
    token_file: /nonexistent/token
`, 0o600)
	c := load(t, Options{})
	cases := map[string][]string{
		"lava":       {"token_command failed", "exit status 3", "vault: permission denied for [REDACTED]"},
		"langwatch":  {"did not finish within 200ms"},
		"liveavatar": {"UNSET_VARIABLE_FOR_TEST", "not set"},
		"altostrat":  {"/nonexistent/token"},
	}
	for provider, wants := range cases {
		_, err := c.Credential(context.Background(), provider, "x")
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("%s: %v is not a config error (exit 3)", provider, err)
		}
		for _, w := range wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", provider, err, w)
			}
		}
		if strings.Contains(err.Error(), "leaked-secret-0007") {
			t.Errorf("%s: error shows the secret: %v", provider, err)
		}
	}

	isolate(t)
	_, err := load(t, Options{}).Credential(context.Background(), "lava", "a Lava secret key")
	if err == nil || !strings.Contains(err.Error(), "KEYCTL_LAVA_TOKEN") || !strings.Contains(err.Error(), "providers.lava.token") {
		t.Errorf("missing credential: %v", err)
	}
}

func TestWarnings(t *testing.T) {
	dir := isolate(t)
	path := writeConfig(t, dir, `
timout: 5s
providers:
  lava:
    tokne: secret-typo-0008
  lavaa:
    token: x
profiles:
  prod:
    providers:
      langwatch:
        base_ulr: https://x.example
`, 0o600)
	c := load(t, Options{})
	all := strings.Join(c.Warnings, "\n")
	for _, want := range []string{
		`unknown key "timout"; did you mean "timeout"?`,
		`unknown key "providers.lava.tokne"; did you mean "providers.lava.token"?`,
		`unknown key "providers.lavaa.token"; did you mean "providers.lava"?`,
		`unknown key "profiles.prod.providers.langwatch.base_ulr"; did you mean "profiles.prod.providers.langwatch.base_url"?`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "secret-typo-0008") {
		t.Error("a warning shows a value")
	}
	if strings.Contains(all, "chmod") {
		t.Error("0600 file got a permission warning")
	}

	writeConfig(t, dir, "providers:\n  lava:\n    token: secret-0009\n", 0o644)
	c = load(t, Options{})
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "chmod 600 "+path) {
		t.Errorf("loose config file: %v", c.Warnings)
	}
	writeConfig(t, dir, "providers:\n  lava:\n    token_command: echo x\n", 0o644)
	if c = load(t, Options{}); len(c.Warnings) != 0 {
		t.Errorf("a file without a literal secret needs no chmod: %v", c.Warnings)
	}

	tokenFile := filepath.Join(dir, "loose-token")
	os.WriteFile(tokenFile, []byte("secret-0010"), 0o644)
	os.Chmod(tokenFile, 0o644)
	writeConfig(t, dir, "providers:\n  lava:\n    token_file: "+tokenFile+"\n", 0o600)
	cred, err := load(t, Options{}).Credential(context.Background(), "lava", "x")
	if err != nil || !strings.Contains(cred.Warning, "chmod 600 "+tokenFile) {
		t.Errorf("loose token file: %+v %v", cred, err)
	}
}

func TestYAMLErrorNamesFileAndLine(t *testing.T) {
	dir := isolate(t)
	path := writeConfig(t, dir, "providers:\n  lava:\n    token: [unclosed\n", 0o600)
	_, err := Load(Options{Providers: knownProviders})
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Load(Options{Path: filepath.Join(dir, "missing.yaml")}); err == nil {
		t.Fatal("a named config file that does not exist must be an error")
	}
	t.Setenv("KEYCTL_CONFIG", filepath.Join(dir, "missing.yaml"))
	if _, err := Load(Options{}); err == nil {
		t.Fatal("KEYCTL_CONFIG naming a missing file must be an error")
	}
}
