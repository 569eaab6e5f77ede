package sandbox

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/sandbox"
)

// newCmdLeak builds `keyctl sandbox leak`: the fake secrets of the seeded
// sandbox keys, as a secret scanner would report them, to rehearse the
// whole incident flow offline.
func newCmdLeak(f *cmdutil.Factory) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "leak",
		Short: "Print a sample report of fake leaked secrets across providers",
		Long: `Print the fake secrets of the sandbox's seeded keys as a secret scanner
would report them, to feed back into keyctl against the sandbox:
revoke them, verify them, annotate the report. They open nothing but the
sandbox.

--format lines prints "PROVIDER SECRET" lines for --secrets-from;
--format gitleaks prints a gitleaks JSON report for --from REPORT.`,
		Example: `  keyctl sandbox leak > leak.txt
  keyctl revoke --sandbox --secrets-from leak.txt --verify
  keyctl sandbox leak --format gitleaks > leak.json
  keyctl revoke --sandbox --from leak.json --format gitleaks --report-out annotated.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys := sandbox.New(sandbox.Options{}).Secrets()
			switch format {
			case "lines":
				fmt.Fprintln(f.IO.Out, "# fake leaked secrets of the keyctl sandbox's seeded keys: they open nothing but the sandbox")
				for _, k := range keys {
					fmt.Fprintf(f.IO.Out, "%s %s\n", k.Provider, k.Secret())
				}
				return nil
			case "gitleaks":
				return json.NewEncoder(f.IO.Out).Encode(gitleaksReport(keys))
			}
			return cmdutil.FlagErrorf("--format %q: use lines or gitleaks", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "lines", "lines (PROVIDER SECRET, for --secrets-from) or gitleaks (a JSON report, for --from)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"lines", "gitleaks"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// gitleaksFinding is one finding in gitleaks' JSON report format.
type gitleaksFinding struct {
	Description string   `json:"Description"`
	StartLine   int      `json:"StartLine"`
	EndLine     int      `json:"EndLine"`
	StartColumn int      `json:"StartColumn"`
	EndColumn   int      `json:"EndColumn"`
	Match       string   `json:"Match"`
	Secret      string   `json:"Secret"`
	File        string   `json:"File"`
	Commit      string   `json:"Commit"`
	Entropy     float64  `json:"Entropy"`
	Author      string   `json:"Author"`
	Email       string   `json:"Email"`
	Date        string   `json:"Date"`
	Message     string   `json:"Message"`
	Tags        []string `json:"Tags"`
	RuleID      string   `json:"RuleID"`
	Fingerprint string   `json:"Fingerprint"`
}

// gitleaksReport lays the sandbox secrets out as findings in one config
// file of a made-up repository, one line each.
func gitleaksReport(keys []sandbox.Key) []gitleaksFinding {
	out := make([]gitleaksFinding, 0, len(keys))
	const commit = "0000000000000000000000000000000000sandbox"
	for i, k := range keys {
		file := "deploy/" + k.Provider + ".env"
		line := i + 1
		secret := k.Secret()
		out = append(out, gitleaksFinding{
			Description: k.Provider + " secret (keyctl sandbox)", StartLine: line, EndLine: line, StartColumn: 8, EndColumn: 7 + len(secret),
			Match: "TOKEN=" + secret, Secret: secret, File: file, Commit: commit,
			Author: "sandbox", Email: "sandbox@example.invalid", Date: "2026-01-01T00:00:00Z", Message: "add config",
			Tags: []string{}, RuleID: "keyctl-sandbox-" + k.Provider,
			Fingerprint: fmt.Sprintf("%s:%s:keyctl-sandbox-%s:%d", commit, file, k.Provider, line),
		})
	}
	return out
}
