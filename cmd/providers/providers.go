// Package providers is the `keyctl providers` command: what keyctl can
// revoke, how, and whether a credential is configured (never its value).
package providers

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/output"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/providers"
)

// Row describes one provider; it is also the -o json shape.
type Row struct {
	Name             string `json:"name"`
	Title            string `json:"title"`
	BaseURL          string `json:"base_url"`
	BaseURLSource    string `json:"base_url_source"`
	Endpoint         string `json:"endpoint"`
	Auth             string `json:"auth"`
	Credential       string `json:"credential"`
	CredentialSource string `json:"credential_source"` // e.g. "env KEYCTL_LAVA_TOKEN", "" when missing; never the value
	Configured       bool   `json:"configured"`
	IDPattern        string `json:"id_pattern,omitempty"`
}

// NewCmdProviders builds the command.
func NewCmdProviders(f *cmdutil.Factory) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "List providers, their endpoints and where each credential would come from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			format, err := output.Choose(format, f.IO.IsStdoutTTY())
			if err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			return output.List(f.IO.Out, format, Rows(cfg), []string{"Provider", "Endpoint", "Auth", "Credential"}, func(r Row) []string {
				cred := "missing: set " + config.EnvName(config.ProviderKey(r.Name, "token"))
				if r.Configured {
					cred = "configured (" + r.CredentialSource + ")"
				}
				return []string{r.Name, r.URL(), r.Auth, cred}
			}, output.StyleOf(f.IO))
		},
	}
	cmd.AddCommand(newCmdValidate(f), newCmdImport(f))
	cmd.Flags().StringVarP(&format, "output", "o", "", "output format: table or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Rows describes every provider under cfg.
func Rows(cfg *config.Config) []Row {
	var rows []Row
	for _, p := range providers.All() {
		info := p.Info()
		base := cfg.Get(config.ProviderKey(info.Name, "base_url"), nil, info.DefaultBaseURL)
		origin, ok := cfg.CredentialSource(info.Name)
		rows = append(rows, Row{
			Name: info.Name, Title: info.Title, BaseURL: redact.URL(base.Value), // a password in user info is never shown BaseURLSource: string(base.Source),
			Endpoint: info.Endpoint, Auth: info.Auth, Credential: info.Credential,
			Configured: ok, CredentialSource: origin, IDPattern: info.IDPattern,
		})
	}
	return rows
}

// URL is the endpoint with the effective base URL: "DELETE https://…/{id}".
func (r Row) URL() string {
	method, path, _ := strings.Cut(r.Endpoint, " ")
	return method + " " + r.BaseURL + path
}
