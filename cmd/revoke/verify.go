package revoke

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/keyctl/keyctl/internal/cmdutil"
)

// NewCmdVerify builds `keyctl verify`: the same inputs as revoke's leaked
// secrets, and for each one question to its provider: does it still work?
// Nothing is revoked, so there is no confirmation and no audit log.
func NewCmdVerify(f *cmdutil.Factory, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{verifyOnly: true}
	cmd := newCommand(f, runF, opts)
	cmd.Use = "verify [<provider>] (--secret-stdin | --secrets-from FILE)"
	cmd.Short = "Ask providers whether leaked secrets still work"
	cmd.Long = `Ask each secret's provider whether it still works, with the request its
definition documents (usually one made with the secret itself), and report
exactly one result per secret: live (exit 14, still_live), dead (0), or
unverified (15) when the provider documents no such request or its answer
says neither. Nothing is revoked.

Secrets come with --secret-stdin or --secrets-from FILE, one per line, never
as arguments; without a provider argument each secret's provider is detected
from the documented formats. Results name each secret by its fingerprint.`
	cmd.Example = `  keyctl verify --secrets-from leaked.txt
  keyctl verify github --secret-stdin
  keyctl verify --sandbox --secrets-from leaked.txt -o json`
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if !opts.SecretStdin && opts.SecretsFrom == "" && opts.ReportFormat == "" {
			return cmdutil.FlagErrorf("no secrets to verify: give --secret-stdin or --secrets-from FILE")
		}
		if len(args) > 1 {
			return cmdutil.FlagErrorf("leaked secrets are never arguments (they would show in the process list and shell history): give only the provider, or none to detect it from each secret")
		}
		return nil
	}
	for _, name := range []string{"resume", "ignore-missing", "skip-id-check", "verify", "yes", "audit-log", "no-audit", "token-stdin"} {
		_ = cmd.Flags().MarkHidden(name)
	}
	opts.NoAudit, opts.Yes = true, true
	return cmd
}
