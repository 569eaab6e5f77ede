// Command gendocs writes the provider table in README.md and
// docs/providers.md from the built-in definitions and Go adapters. Run from the repository
// root: go run ./providers/gendocs
package main

import (
	"fmt"
	"os"

	"github.com/keyctl/keyctl/providers"
	_ "github.com/keyctl/keyctl/providers/aws" // a Go adapter, documented beside the definitions
	"github.com/keyctl/keyctl/providers/defs"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run() error {
	ds, err := providers.LoadFS(defs.FS, ".", "providers/defs/")
	if err != nil {
		return err
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		return err
	}
	out, err := providers.ReplaceTable(string(readme), providers.MarkdownTable(ds, providers.Adapters()...))
	if err != nil {
		return err
	}
	if err := os.WriteFile("README.md", []byte(out), 0o644); err != nil {
		return err
	}
	if err := os.MkdirAll("docs", 0o755); err != nil {
		return err
	}
	return os.WriteFile("docs/providers.md", []byte(providers.MarkdownDetails(ds, providers.Adapters()...)), 0o644)
}
