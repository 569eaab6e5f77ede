// Command gendocs writes keyctl's shell completions and man pages from the
// command tree itself, so they never drift from the flags. The release runs
// it before packaging:
//
//	go run ./internal/gendocs -dir release-assets
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/keyctl/keyctl/cmd"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/iostreams"
)

func main() {
	dir := flag.String("dir", "release-assets", "output directory")
	flag.Parse()
	if err := generate(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func generate(dir string) error {
	io, _, _, _ := iostreams.Test()
	root := cmd.NewCmdRoot(&cmdutil.Factory{IO: io})
	root.DisableAutoGenTag = true // reproducible output

	completions := filepath.Join(dir, "completions")
	manDir := filepath.Join(dir, "man")
	for _, d := range []string{completions, manDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	gens := map[string]func(string) error{
		"keyctl.bash": func(p string) error { return root.GenBashCompletionFileV2(p, true) },
		"_keyctl":     root.GenZshCompletionFile,
		"keyctl.fish": func(p string) error { return root.GenFishCompletionFile(p, true) },
		"keyctl.ps1":  root.GenPowerShellCompletionFileWithDesc,
	}
	for name, gen := range gens {
		if err := gen(filepath.Join(completions, name)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	header := &doc.GenManHeader{Title: "KEYCTL", Section: "1", Source: "keyctl", Manual: "keyctl manual", Date: buildDate()}
	return doc.GenManTree(root, header, manDir)
}

// buildDate honours SOURCE_DATE_EPOCH so a release is reproducible.
func buildDate() *time.Time {
	t := time.Now()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			t = time.Unix(n, 0).UTC()
		}
	}
	return &t
}
