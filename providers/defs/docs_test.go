package defs_test

import (
	"os"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/providers"
	_ "github.com/keyctl/keyctl/providers/aws"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestGeneratedDocsAreCurrent fails when README.md's provider table or
// docs/providers.md no longer match the definitions.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	ds, err := providers.LoadFS(defs.FS, ".", "providers/defs/")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := providers.ReplaceTable(string(readme), providers.MarkdownTable(ds, providers.Adapters()...))
	if err != nil {
		t.Fatal(err)
	}
	if want != string(readme) {
		t.Error("README.md's provider table is stale: run `go run ./providers/gendocs` from the repository root")
	}
	details, _ := os.ReadFile("../../docs/providers.md")
	if string(details) != providers.MarkdownDetails(ds, providers.Adapters()...) {
		t.Error("docs/providers.md is stale: run `go run ./providers/gendocs` from the repository root")
	}
}

// TestEveryBuiltinHasItsOpenAPIDescription: adding a provider is its
// definition and its OpenAPI description.
func TestEveryBuiltinHasItsOpenAPIDescription(t *testing.T) {
	ds, err := providers.LoadFS(defs.FS, ".", "providers/defs/")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if _, err := defs.FS.Open(d.Name + providers.OpenAPISuffix); err != nil {
			t.Errorf("%s has no %s%s beside it", d.File(), d.Name, providers.OpenAPISuffix)
		}
	}
}

// TestDocsAskNoCredentialOfSelfRevokingSecrets: a provider whose leaked
// secrets revoke themselves (Slack) or need no authentication (GitHub) is
// not documented as needing a KEYCTL_<NAME>_TOKEN.
func TestDocsAskNoCredentialOfSelfRevokingSecrets(t *testing.T) {
	for _, name := range []string{"github", "slack"} {
		d := defs.Builtin(name).Definition()
		if md := providers.MarkdownDetails([]*providers.Definition{d}); strings.Contains(md, "KEYCTL_"+strings.ToUpper(name)+"_TOKEN") {
			t.Errorf("%s's docs ask for a credential it never uses:\n%s", name, md)
		}
		if row := providers.MarkdownTable([]*providers.Definition{d}); strings.Contains(row, "KEYCTL_"+strings.ToUpper(name)+"_TOKEN") {
			t.Errorf("%s's README row asks for a credential it never uses:\n%s", name, row)
		}
	}
	if md := providers.MarkdownDetails([]*providers.Definition{defs.Builtin("gitlab").Definition()}); !strings.Contains(md, "KEYCTL_GITLAB_TOKEN") {
		t.Error("GitLab's docs no longer say where its credential goes")
	}
}
