package providers

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/providers"
)

// exampleCredential stands in for the credential in what validate shows;
// it is masked like a real one.
const exampleCredential = "EXAMPLE-CREDENTIAL"

func newCmdValidate(f *cmdutil.Factory) *cobra.Command {
	var id string
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a provider definition and show the request it would send",
		Long: `Check a provider definition and show the request it would send for an
example id, with the credential masked. Nothing is sent.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return &config.Error{Msg: err.Error()}
			}
			d, err := providers.ParseDefinition(args[0], data)
			if err != nil {
				return &config.Error{Msg: err.Error()}
			}
			p, err := providers.NewDefined(d)
			if err != nil {
				return &config.Error{Msg: err.Error()}
			}
			return describe(f.IO.Out, p, id)
		},
	}
	cmd.Flags().StringVar(&id, "id", "", "the example key id (default: the definition's id example, or EXAMPLE-ID)")
	return cmd
}

// describe prints what p would send for id and how it reads each answer.
func describe(w io.Writer, p *providers.Defined, id string) error {
	d := p.Definition()
	if id == "" {
		id = d.ID.Example
	}
	if id == "" {
		id = "EXAMPLE-ID"
	}
	base, _ := url.Parse(d.BaseURL)
	if d.BaseURL == "" { // a host per account: show the request at a stand-in
		base = &url.URL{Scheme: "https", Host: "your-host.example"}
	}
	params := map[string]string{}
	for _, prm := range d.Params {
		params[prm.Name] = prm.Default
		if params[prm.Name] == "" {
			params[prm.Name] = prm.Example // a value of the documented shape
		}
		if params[prm.Name] == "" {
			params[prm.Name] = "<" + prm.Name + ">"
		}
	}
	extra := map[string]string{}
	for _, x := range d.Credential.Extra {
		extra[x.Name] = exampleCredential
	}
	r, err := p.Request(providers.Target{BaseURL: base, Token: exampleCredential, Extra: extra, Params: params}, id)
	if err != nil {
		return &config.Error{Msg: fmt.Sprintf("%s: the example id %q: %v", d.File(), id, err)}
	}
	fmt.Fprintf(w, "%s: ok: provider %q (%s)\n", d.File(), d.Name, d.Title)
	fmt.Fprintf(w, "credential: %s, from %s or providers.%s.token\n", p.Info().Credential,
		config.EnvName(config.ProviderKey(d.Name, "token")), d.Name)
	for _, prm := range d.Params {
		fmt.Fprintf(w, "parameter %s: %s, from %s or providers.%s.%s\n", prm.Name, prm.Describe,
			config.EnvName(config.ProviderKey(d.Name, prm.Name)), d.Name, prm.Name)
	}
	for _, x := range d.Credential.Extra {
		fmt.Fprintf(w, "credential %s: %s, from %s or providers.%s.%s\n", x.Name, x.Describe,
			config.EnvName(config.ProviderKey(d.Name, x.Name)), d.Name, x.Name)
	}
	fmt.Fprintf(w, "\nfor id %s it would send:\n  %s %s\n", id, r.Method, strings.ReplaceAll(r.URL, exampleCredential, redact.Mask))
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := redact.HeaderValue(k, r.Header.Get(k))
		fmt.Fprintf(w, "  %s: %s\n", k, strings.ReplaceAll(v, exampleCredential, redact.Mask))
	}
	if r.Digest != nil {
		fmt.Fprintf(w, "  Authorization: Digest %s (sent again with it after the server's 401 challenge)\n", redact.Mask)
	}
	if r.Body != nil {
		fmt.Fprintf(w, "\n  %s\n", strings.ReplaceAll(string(r.Body), exampleCredential, redact.Mask))
	}
	fmt.Fprintln(w, "\nanswers:")
	keys := make([]int, 0, len(d.Revoke.Answers))
	for k := range d.Revoke.Answers {
		st, _ := strconv.Atoi(k)
		keys = append(keys, st)
	}
	sort.Ints(keys)
	for _, st := range keys {
		a := d.Revoke.Answers[strconv.Itoa(st)]
		out := a.Outcome
		if out == "" {
			out = "failed"
		}
		line := fmt.Sprintf("  %d %s", st, out)
		if a.Exit != "" {
			line += " (exit " + a.Exit + ")"
		}
		for _, c := range a.Confirm {
			line += ", confirmed by " + strings.ReplaceAll(c.Condition(), "`", "")
		}
		if a.Describe != "" {
			line += ": " + a.Describe
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w, "  any other 2xx: failed (exit unexpected): not a documented revocation")
	return nil
}
