// Package cmd assembles the keyctl command tree and maps its errors to exit
// codes.
package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keyctl/keyctl/cmd/configcmd"
	providerscmd "github.com/keyctl/keyctl/cmd/providers"
	revokecmd "github.com/keyctl/keyctl/cmd/revoke"
	sandboxcmd "github.com/keyctl/keyctl/cmd/sandbox"
	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/build"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	_ "github.com/keyctl/keyctl/providers/all" // register every provider
)

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "keyctl",
		Short: "Revoke leaked API keys across providers with one command",
		Long: `keyctl revokes API keys across providers with one command and an exit
code scripts can branch on.

  keyctl revoke <provider> <id>...

Credentials come from KEYCTL_<PROVIDER>_TOKEN or the config file.
See 'keyctl help exit-codes' for what each exit code means.`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	pf := root.PersistentFlags()
	pf.StringVar(&f.ConfigPath, "config", "", "config file (default $XDG_CONFIG_HOME/keyctl/config.yaml, or KEYCTL_CONFIG)")
	pf.StringVar(&f.Profile, "profile", "", "config profile to use (default KEYCTL_PROFILE, or default_profile in the config)")
	pf.BoolVar(&f.Debug, "debug", false, "trace requests and responses on stderr, credentials masked")
	pf.StringArray("providers-dir", nil, "also load provider definitions (*.yaml) from this directory (besides $XDG_CONFIG_HOME/keyctl/providers)")
	_ = root.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return profileNames(f), cobra.ShellCompDirectiveNoFileComp
	})
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)

	root.AddCommand(revokecmd.NewCmdRevoke(f, nil))
	root.AddCommand(revokecmd.NewCmdVerify(f, nil))
	root.AddCommand(providerscmd.NewCmdProviders(f))
	root.AddCommand(sandboxcmd.NewCmdSandbox(f))
	root.AddCommand(configcmd.NewCmdConfig(f))
	root.AddCommand(newCmdVersion(f))
	root.AddCommand(&cobra.Command{
		Use:   "exit-codes",
		Short: "What each exit code means (also: keyctl help exit-codes)",
		Long:  exit.Help(),
		Args:  cobra.NoArgs,
		Run:   func(cmd *cobra.Command, _ []string) { fmt.Fprint(f.IO.Out, exit.Help()) },
	})
	return root
}

// profileNames lists the profiles of the config file for --profile
// completion; a config that does not load offers none.
func profileNames(f *cmdutil.Factory) []string {
	cfg, err := config.Load(config.Options{Path: f.ConfigPath, Providers: providers.Names()})
	if err != nil {
		return nil
	}
	return cfg.Profiles()
}

// plainUsages drops the backticks that name a flag's value in --help
// ("read keys from `FILE`") from every flag's usage, for completion
// requests: shells show the usage as the description, backticks and all.
func plainUsages(c *cobra.Command) {
	strip := func(fl *pflag.Flag) { fl.Usage = strings.ReplaceAll(fl.Usage, "`", "") }
	c.Flags().VisitAll(strip)
	c.PersistentFlags().VisitAll(strip)
	for _, sub := range c.Commands() {
		plainUsages(sub)
	}
}

// isCompletionRequest reports whether args ask for shell completions.
func isCompletionRequest(args []string) bool {
	return len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
}

func versionString() string {
	return fmt.Sprintf("keyctl %s (commit %s, built %s, %s)", build.Version, orUnknown(build.Commit), orUnknown(build.Date), build.GoVersion())
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(f.IO.Out, versionString())
			return err
		},
	}
}
