package providers

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/sanitize"
)

// maxField bounds one field of a definition when shown: a user's file is
// input like any other.
const maxField = 2048

// writeDetail shows one provider in full, as 'keyctl providers NAME'.
func writeDetail(w io.Writer, r Row) error {
	clean := func(s string) string { return sanitize.Line(s, maxField) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(label, value string) { fmt.Fprintf(tw, "%s\t%s\n", label, value) }

	line("provider:", clean(r.Name)+" ("+clean(r.Title)+")")
	line("request:", clean(r.URL()))
	if r.BaseURLDescribe != "" {
		line("base URL:", "set per account: "+clean(r.BaseURLDescribe))
		line("  set with:", fmt.Sprintf("%s, --base-url or providers.%s.base_url", config.EnvName(config.ProviderKey(r.Name, "base_url")), r.Name))
		now := "missing: nothing is sent until it is set"
		if r.BaseURL != "" {
			now = clean(r.BaseURL) + " (" + clean(r.BaseURLSource) + ")"
		}
		line("  now:", now)
	}
	cred := clean(r.missing)
	if r.Configured {
		cred = "configured (" + clean(r.CredentialSource) + ")"
	}
	line("credential:", clean(r.Credential))
	if r.CredentialFrom != "" {
		line("  from:", clean(strings.TrimPrefix(strings.ReplaceAll(r.CredentialFrom, "`", ""), "from ")))
	}
	line("  sent as:", clean(r.Auth))
	line("  now:", cred)
	for _, x := range r.Extra {
		line("credential "+clean(x.Name)+":", clean(x.Describe))
		line("  set with:", fmt.Sprintf("%s or providers.%s.%s (%s_command, %s_file, %s_env)", config.EnvName(config.ProviderKey(r.Name, x.Name)), r.Name, x.Name, x.Name, x.Name, x.Name))
		now := "missing"
		if x.Source != "" {
			now = "configured (" + clean(x.Source) + ")"
		}
		line("  now:", now)
	}
	if r.IDPattern != "" {
		id := "must match " + clean(r.IDPattern)
		if r.IDExample != "" {
			id += " (e.g. " + clean(r.IDExample) + ")"
		}
		line("key id:", id+"; --skip-id-check sends others anyway")
	}
	line("leaked secret:", clean(r.Secrets))
	for _, p := range r.Params {
		line("param "+clean(p.Name)+":", clean(p.Describe))
		where := fmt.Sprintf("--param %s=VALUE, %s or providers.%s.%s", p.Name, config.EnvName(config.ProviderKey(r.Name, p.Name)), r.Name, p.Name)
		line("  set with:", clean(where))
		if p.Pattern != "" {
			line("  pattern:", clean(p.Pattern))
		}
		if p.Example != "" {
			line("  example:", clean(p.Example))
		}
		now := "missing"
		if p.Optional {
			now = "unset (optional)"
		}
		if p.Source != "" {
			now = clean(p.Value) + " (" + clean(p.Source) + ")"
		}
		line("  now:", now)
	}
	if len(r.Answers) > 0 {
		line("answers:", "")
		for _, a := range r.Answers {
			line(fmt.Sprintf("  %d", a.Status), fmt.Sprintf("%s, exit %d: %s", a.Outcome, a.Exit, clean(a.Meaning)))
		}
		line("  others:", "read from their HTTP status (keyctl help exit-codes); a 2xx not listed is never revoked")
	}
	conf := r.Confidence
	if conf == "" {
		conf = "- (not stated)"
	}
	line("confidence:", clean(conf))
	if r.Experimental != "" {
		line("EXPERIMENTAL:", clean(r.Experimental))
	}
	if r.RateLimit != "" {
		line("rate limit:", clean(r.RateLimit))
	}
	for i, s := range r.Sources {
		label := ""
		if i == 0 {
			label = "sources:"
		}
		line(label, clean(s))
	}
	if r.Docs != "" {
		line("docs:", clean(r.Docs))
	}
	return tw.Flush()
}
