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
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"

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
	if err := genCompletions(root, completions); err != nil {
		return err
	}
	// The Linux packages install the command as apikeyctl (keyutils owns
	// /usr/bin/keyctl); its completions must register for that name and
	// call it back by that name.
	root.Use = PackagedName
	if err := genCompletions(root, completions); err != nil {
		return err
	}
	root.Use = "keyctl"
	header := &doc.GenManHeader{Title: "KEYCTL", Section: "1", Source: "keyctl", Manual: "keyctl manual", Date: buildDate()}
	forMarkdown(root)
	return doc.GenManTree(root, header, manDir)
}

// PackagedName is the command's name in the deb and rpm packages.
const PackagedName = "apikeyctl"

// genCompletions writes the completion scripts of every shell for the
// root command's current name.
func genCompletions(root *cobra.Command, dir string) error {
	name := root.Name()
	gens := map[string]func(string) error{
		name + ".bash": func(p string) error { return root.GenBashCompletionFileV2(p, true) },
		"_" + name:     root.GenZshCompletionFile,
		name + ".fish": func(p string) error { return root.GenFishCompletionFile(p, true) },
		name + ".ps1":  root.GenPowerShellCompletionFileWithDesc,
	}
	for file, gen := range gens {
		if err := gen(filepath.Join(dir, file)); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	return nil
}

// forMarkdown readies the tree's texts for cobra's man generator, which
// reads them as Markdown: <provider>, <id> and KEYCTL_<PROVIDER>_TOKEN would
// be taken for HTML tags and vanish, and indented blocks (examples, the
// exit-code table) would be filled into paragraphs. Angle brackets are
// escaped and indented blocks become code blocks, shown as written.
func forMarkdown(c *cobra.Command) {
	c.Use = escapeMarkdown(c.Use)
	c.Short = escapeMarkdown(c.Short)
	c.Long = markdownBlocks(c.Long)
	c.Flags().VisitAll(func(f *pflag.Flag) { f.Usage = escapeMarkdown(f.Usage) })
	c.PersistentFlags().VisitAll(func(f *pflag.Flag) { f.Usage = escapeMarkdown(f.Usage) })
	for _, sub := range c.Commands() {
		forMarkdown(sub)
	}
}

var markdownEscaper = strings.NewReplacer("<", `\<`, ">", `\>`)

func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }

// markdownBlocks escapes prose and fences runs of lines indented by two
// spaces or more.
func markdownBlocks(s string) string {
	var b strings.Builder
	inCode := false
	for _, line := range strings.Split(s, "\n") {
		indented := strings.HasPrefix(line, "  ") && strings.TrimSpace(line) != ""
		switch {
		case indented && !inCode:
			b.WriteString("\n```\n")
			inCode = true
		case !indented && inCode && strings.TrimSpace(line) != "":
			b.WriteString("```\n\n")
			inCode = false
		}
		if inCode {
			if strings.TrimSpace(line) != "" {
				b.WriteString(line + "\n")
			}
			continue
		}
		b.WriteString(escapeMarkdown(line) + "\n")
	}
	if inCode {
		b.WriteString("```\n")
	}
	return strings.TrimRight(b.String(), "\n")
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
