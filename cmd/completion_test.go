package cmd

import (
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
)

func complete(t *testing.T, args ...string) []string {
	t.Helper()
	code, stdout, stderr := run(t, nil, append([]string{"__complete"}, args...)...)
	if code != exit.OK {
		t.Fatalf("__complete %v: exit %d %s", args, code, stderr)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if strings.HasPrefix(line, ":") { // the directive line
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		out = append(out, name)
	}
	return out
}

func TestCompletion(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{""}, []string{"revoke", "providers", "sandbox", "config", "version", "completion"}},
		{[]string{"revoke", ""}, []string{"altostrat", "langwatch", "lava", "liveavatar"}},
		{[]string{"revoke", "lava", "k", "-o", ""}, []string{"table", "json"}},
		{[]string{"revoke", "lava", "k", "--pro"}, []string{"--profile"}},
		{[]string{"providers", "-o", ""}, []string{"table", "json"}},
		{[]string{"sandbox", "create", ""}, []string{"altostrat", "langwatch", "lava", "liveavatar"}},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish", "powershell"}},
	}
	for _, c := range cases {
		got := strings.Join(complete(t, c.args...), " ")
		for _, w := range c.want {
			if !strings.Contains(" "+got+" ", " "+w+" ") {
				t.Errorf("completing %q: %q lacks %q", c.args, got, w)
			}
		}
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, stdout, _ := run(t, nil, "completion", shell)
		if code != exit.OK || !strings.Contains(stdout, "keyctl") {
			t.Errorf("completion %s: exit %d", shell, code)
		}
	}
}

func TestCompletionDescriptionsAreClean(t *testing.T) {
	code, stdout, _ := run(t, nil, "__complete", "revoke", "lava", "k", "--")
	if code != exit.OK || !strings.Contains(stdout, "--from\tread keys from FILE") || strings.Contains(stdout, "`") {
		t.Fatalf("flag descriptions with backticks or missing:\n%s", stdout)
	}
	// --help still names the value.
	_, help, _ := run(t, nil, "revoke", "--help")
	if !strings.Contains(help, "--from FILE") {
		t.Fatalf("--help lost the value name:\n%s", help)
	}
}

func TestProfileCompletionOffersProfileNames(t *testing.T) {
	testutil.IsolateEnv(t)
	cfg := writeFile(t, "default_profile: prod\nprofiles:\n  prod: {}\n  customer-acme:\n    providers:\n      lava:\n        token_env: ACME_LAVA\n")
	got := complete(t, "--config", cfg, "revoke", "lava", "k", "--profile", "")
	if strings.Join(got, " ") != "customer-acme prod" {
		t.Fatalf("--profile completions %q", got)
	}
}
