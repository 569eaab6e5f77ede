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
	// Secrets says what keyctl can do with a leaked secret: "by secret,
	// verify", "lookup", "id from secret", "-".
	Secrets string `json:"secrets"`
	// What the definition says about itself: how sure its facts are, the
	// doubt that remains, where they come from, the documented rate limit.
	Confidence   string     `json:"confidence,omitempty"`
	Experimental string     `json:"experimental,omitempty"`
	Docs         string     `json:"docs,omitempty"`
	Sources      []string   `json:"sources,omitempty"`
	RateLimit    string     `json:"rate_limit,omitempty"`
	IDExample    string     `json:"id_example,omitempty"`
	Params       []ParamRow `json:"params,omitempty"`
	// Extra are further credentials the provider needs (Datadog's
	// application key), each with where it would come from.
	Extra   []ExtraRow  `json:"extra_credentials,omitempty"`
	Answers []AnswerRow `json:"answers,omitempty"`
	// BaseURLDescribe is what to set when the provider has no default base
	// URL (a host per account).
	BaseURLDescribe string `json:"base_url_describe,omitempty"`
	// CredentialFrom says where a provider that finds its own credential
	// (AWS's credential chain) looks; "" for KEYCTL_<NAME>_TOKEN.
	CredentialFrom string `json:"credential_from,omitempty"`
	// missing is what to set when no credential is configured.
	missing string
}

// ExtraRow is an extra credential and where it would come from (never
// its value).
type ExtraRow struct {
	Name     string `json:"name"`
	Describe string `json:"describe,omitempty"`
	Source   string `json:"source,omitempty"` // "" when missing
}

// ParamRow is an extra parameter and where its value would come from.
type ParamRow struct {
	Name     string `json:"name"`
	Describe string `json:"describe,omitempty"`
	Pattern  string `json:"pattern,omitempty"`
	Example  string `json:"example,omitempty"`
	Default  string `json:"default,omitempty"`
	Value    string `json:"value,omitempty"`  // the resolved value; parameters are not secrets
	Source   string `json:"source,omitempty"` // env KEYCTL_…, the config key, default; "" when missing
	Optional bool   `json:"optional,omitempty"`
}

// AnswerRow is one documented status and what keyctl reports for it.
type AnswerRow struct {
	Status  int    `json:"status"`
	Outcome string `json:"outcome"`
	Exit    int    `json:"exit_code"`
	Meaning string `json:"meaning,omitempty"`
}

// NewCmdProviders builds the command.
func NewCmdProviders(f *cmdutil.Factory) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "providers [NAME]",
		Short: "List providers, their endpoints and where each credential would come from; NAME shows one in full",
		Long: `List every provider keyctl can revoke keys at: the request it sends, how the
credential is sent and whether one is configured (never its value), the extra
parameters it needs, and how sure its facts are (confidence; experimental
where a doubt remains).

'keyctl providers NAME' shows one provider in full: the request, the
credential, each parameter and where it is set, every documented answer with
its outcome and exit code, the confidence, the sources and the documentation.`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return providers.Names(), cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			format, err := output.Choose(format, f.IO.IsStdoutTTY())
			if err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			if len(args) == 1 {
				p, err := providers.Lookup(args[0])
				if err != nil {
					return err
				}
				r := rowOf(cfg, p)
				if format == output.FormatJSON {
					return output.List(f.IO.Out, format, []Row{r}, nil, nil)
				}
				return writeDetail(f.IO.Out, r)
			}
			return output.List(f.IO.Out, format, Rows(cfg), []string{"Provider", "Endpoint", "Auth", "Credential", "Params", "Leaked secret", "Confidence"}, func(r Row) []string {
				cred := "missing: set " + config.EnvName(config.ProviderKey(r.Name, "token"))
				if r.CredentialFrom != "" {
					cred = "missing: see keyctl providers " + r.Name
				}
				if r.Configured {
					cred = "configured (" + r.CredentialSource + ")"
				}
				for _, x := range r.Extra {
					if x.Source == "" {
						cred += "; missing: set " + config.EnvName(config.ProviderKey(r.Name, x.Name))
					}
				}
				return []string{r.Name, r.URL(), r.Auth, cred, r.paramsCell(), r.Secrets, r.confidenceCell()}
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
		rows = append(rows, rowOf(cfg, p))
	}
	return rows
}

// rowOf describes one provider under cfg.
func rowOf(cfg *config.Config, p providers.Provider) Row {
	info := p.Info()
	base := cfg.Get(config.ProviderKey(info.Name, "base_url"), nil, info.DefaultBaseURL)
	origin, ok := cfg.CredentialSource(info.Name)
	r := Row{
		Name: info.Name, Title: info.Title, BaseURL: redact.URL(base.Value), // a password in user info is never shown
		BaseURLSource: string(base.Source),
		Endpoint:      info.Endpoint, Auth: info.Auth, Credential: info.Credential,
		Configured: ok, CredentialSource: origin, IDPattern: info.IDPattern,
		Confidence: info.Confidence, Experimental: info.Experimental,
		Secrets: providers.SecretSupport(p),
	}
	r.BaseURLDescribe = info.BaseURLDescribe
	r.missing = "missing: set " + config.EnvName(config.ProviderKey(r.Name, "token")) + " or providers." + r.Name + ".token (token_command, token_file, token_env)"
	if loader, ok := p.(providers.CredentialLoader); ok {
		// Only the environment and whether files exist are looked at:
		// nothing is read or sent to list providers.
		origin, found := loader.CredentialSource()
		r.Configured, r.CredentialSource, r.missing = found, origin, "missing: "+origin
		if !found {
			r.CredentialSource = ""
		}
	}
	r.Params = paramRows(cfg, info.Name, providers.ParamsOf(p))
	if a, ok := p.(providers.Documented); ok {
		doc := a.Doc()
		r.Docs, r.Sources, r.RateLimit, r.IDExample, r.CredentialFrom = doc.Docs, doc.Sources, doc.RateLimit, doc.IDExample, doc.CredentialFrom
		for _, ans := range doc.Answers {
			r.Answers = append(r.Answers, AnswerRow{Status: ans.Status, Outcome: string(ans.Outcome), Exit: int(ans.Code),
				Meaning: strings.ReplaceAll(strings.Join(ans.Notes, "; "), "`", "")})
		}
		return r
	}
	d, defined := p.(*providers.Defined)
	if !defined {
		return r
	}
	def := d.Definition()
	r.Docs, r.Sources, r.RateLimit, r.IDExample = def.Docs, def.Sources, def.RateLimit, def.ID.Example
	for _, x := range def.Credential.Extra {
		src, _ := cfg.ExtraCredentialSource(info.Name, x.Name)
		r.Extra = append(r.Extra, ExtraRow{Name: x.Name, Describe: x.Describe, Source: src})
	}
	for _, a := range d.DocumentedAnswers() {
		r.Answers = append(r.Answers, AnswerRow{Status: a.Status, Outcome: string(a.Outcome), Exit: int(a.Code),
			Meaning: strings.ReplaceAll(strings.Join(a.Notes, "; "), "`", "")})
	}
	return r
}

// paramRows are a provider's parameters with where each value would come
// from.
func paramRows(cfg *config.Config, provider string, params []providers.Param) []ParamRow {
	var rows []ParamRow
	for _, prm := range params {
		s := cfg.Get(config.ProviderKey(provider, prm.Name), nil, prm.Default)
		pr := ParamRow{Name: prm.Name, Describe: prm.Describe, Pattern: prm.Pattern, Example: prm.Example, Default: prm.Default, Optional: prm.Optional}
		if s.Set() {
			pr.Value, pr.Source = s.Value, s.Origin
			if s.Source == config.SourceEnv {
				pr.Source = "env " + s.Origin
			}
		}
		rows = append(rows, pr)
	}
	return rows
}

// paramsCell names the parameters and says which are missing.
func (r Row) paramsCell() string {
	if len(r.Params) == 0 {
		return "-"
	}
	parts := make([]string, len(r.Params))
	for i, p := range r.Params {
		parts[i] = p.Name
		if p.Optional && p.Source == "" {
			parts[i] += " (optional)"
		} else if p.Source == "" {
			parts[i] += " (missing)"
		}
	}
	return strings.Join(parts, ", ")
}

// confidenceCell is how sure the facts are, with the experimental marker.
func (r Row) confidenceCell() string {
	c := r.Confidence
	if c == "" {
		c = "-"
	}
	if r.Experimental != "" {
		c = "EXPERIMENTAL, " + c // first, so that cutting the cell keeps it
	}
	return c
}

// URL is the endpoint with the effective base URL: "DELETE https://…/{id}";
// "POST <base URL: set per account>/api/…" while a provider without a
// default has none set.
func (r Row) URL() string {
	method, path, _ := strings.Cut(r.Endpoint, " ")
	base := r.BaseURL
	if base == "" && r.BaseURLDescribe != "" {
		base = "<base URL: set per account>"
	}
	return method + " " + base + path
}
