package findings

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// upstreamIDs reads a list of rule ids taken from a tool's source (the
// file's header cites where).
func upstreamIDs(t *testing.T, files ...string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, name := range files {
		fh, err := os.Open(filepath.Join("testdata", "upstream-rule-ids", name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				ids[l] = true
			}
		}
		fh.Close()
	}
	return ids
}

// Providers keyctl has or is gaining; a table entry naming any other is a typo.
func knownProviders(t *testing.T) map[string]bool {
	t.Helper()
	known := map[string]bool{}
	defs, err := filepath.Glob(filepath.Join("..", "..", "providers", "defs", "*.yaml"))
	if err != nil || len(defs) == 0 {
		t.Fatalf("no provider definitions found: %v", err)
	}
	for _, d := range defs {
		name := strings.TrimSuffix(filepath.Base(d), ".yaml")
		if !strings.HasSuffix(name, ".openapi") {
			known[name] = true
		}
	}
	for _, p := range strings.Fields("aws github slack huggingface buildkite dropbox box twitch zoom notion digitalocean doppler algolia fastly google gcp elasticsearch newrelic mongodbatlas datadog npm dockerhub") {
		known[p] = true
	}
	return known
}

func TestRuleTablesUseRealIDsAndProviders(t *testing.T) {
	known := knownProviders(t)
	for _, tc := range []struct {
		format Format
		lists  []string
	}{
		{Gitleaks, []string{"gitleaks.txt", "betterleaks.txt"}},
		{TruffleHog, []string{"trufflehog.txt"}},
		{Kingfisher, []string{"kingfisher.txt"}},
		{GitHubSecretScanning, []string{"github-secret-scanning.txt"}},
	} {
		upstream := upstreamIDs(t, tc.lists...)
		table := rulesFor(tc.format)
		if len(table) < 40 {
			t.Errorf("%s: only %d rules mapped", tc.format, len(table))
		}
		for id, p := range table {
			if !upstream[id] {
				t.Errorf("%s: rule %q is not in the tool's rule list (%v)", tc.format, id, tc.lists)
			}
			if !known[p] {
				t.Errorf("%s: rule %q maps to %q, which is no keyctl provider", tc.format, id, p)
			}
		}
	}
	if rulesFor(Betterleaks)["github-pat"] != "github" {
		t.Error("Betterleaks does not share gitleaks' rule table")
	}
}

func TestProviderFor(t *testing.T) {
	for _, tc := range []struct {
		format       Format
		rule, secret string
		want         string
	}{
		{Gitleaks, "github-pat", "ghp_x", "github"},
		{Gitleaks, "gitlab-pat", "glpat-x", "gitlab"},
		{Gitleaks, "slack-bot-token", "xoxb-x", "slack"},
		{Gitleaks, "anthropic-admin-api-key", "sk-ant-admin01-x", "anthropic"},
		{Gitleaks, "aws-access-token", "AKIAX", "aws"},
		{Gitleaks, "openai-api-key", "sk-proj-x", "openai"},
		{Gitleaks, "openai-api-key", "sk-admin-x", "openaiadmin"},
		{Betterleaks, "dockerhub-personal-access-token", "dckr_pat_x", "dockerhub"},
		// Rules that cover several kinds of credential, or none keyctl revokes.
		{Gitleaks, "generic-api-key", "x", ""},
		{Gitleaks, "gitlab-ptt", "glptt-x", ""},
		{Gitleaks, "cloudflare-api-key", "x", ""},
		{TruffleHog, "Github", "ghp_x", "github"},
		{TruffleHog, "AWS", "AKIAX", "aws"},
		{TruffleHog, "OpenAIAdmin", "sk-admin-x", "openaiadmin"},
		{TruffleHog, "HuggingFace", "hf_x", "huggingface"},
		{TruffleHog, "SendGrid", "SG.x", "sendgrid"},
		{TruffleHog, "PrivateKey", "x", ""},
		{TruffleHog, "AWSSessionKey", "ASIAX", ""},
		{Kingfisher, "kingfisher.github.1", "ghp_x", "github"},
		{Kingfisher, "kingfisher.aws.2", "x", "aws"},
		{Kingfisher, "kingfisher.github.5", "x", ""}, // a client id
		{GitHubSecretScanning, "github_personal_access_token", "ghp_x", "github"},
		{GitHubSecretScanning, "slack_api_token", "xoxb-x", "slack"},
		{GitHubSecretScanning, "openai_api_key", "sk-admin-x", "openaiadmin"},
		{GitHubSecretScanning, "github_ssh_private_key", "x", ""},
		{Format("sarif"), "github-pat", "ghp_x", ""},
		// Ids are matched as written: another tool's id names nothing.
		{Gitleaks, "Github", "ghp_x", ""},
	} {
		if got := ProviderFor(tc.format, tc.rule, tc.secret); got != tc.want {
			t.Errorf("ProviderFor(%s, %q) = %q, want %q", tc.format, tc.rule, got, tc.want)
		}
	}
}
