package providers

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/openapi"
)

func newCmdImport(f *cmdutil.Factory) *cobra.Command {
	var opts openapi.Options
	var out string
	cmd := &cobra.Command{
		Use:   "import OPENAPI_FILE",
		Short: "Draft a provider definition from the provider's OpenAPI document",
		Long: `Draft a provider definition from the provider's OpenAPI document (YAML or
JSON, or Markdown with the document in a fenced block): the server URL
becomes the base URL, the operation's last path parameter the key id and the
others parameters, the security scheme the auth, each documented response an
answer, the id's pattern the id check, the error schema the message paths.
Every guess is marked with a GUESS comment: check them against the
provider's documentation, then keyctl providers validate the file.

The draft goes to standard output, or to --write FILE (never overwritten).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := os.ReadFile(args[0])
			if err != nil {
				return &config.Error{Msg: err.Error()}
			}
			opts.Source = filepath.Base(args[0])
			text, err := openapi.Import(doc, opts)
			if err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			name := "the draft"
			if out != "" {
				name = out
			}
			if _, err := providers.ParseDefinition(name, []byte(text)); err != nil {
				fmt.Fprintf(f.IO.ErrOut, "warning: %v; edit the draft before use\n", err)
			}
			if out == "" {
				_, err = fmt.Fprint(f.IO.Out, text)
				return err
			}
			file, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return &config.Error{Msg: err.Error()}
			}
			if _, err := file.WriteString(text); err != nil {
				file.Close()
				return &config.Error{Msg: err.Error()}
			}
			if err := file.Close(); err != nil {
				return &config.Error{Msg: err.Error()}
			}
			fmt.Fprintf(f.IO.ErrOut, "wrote %s; check the GUESS comments, then: keyctl providers validate %s\n", out, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Operation, "operation", "", `the revoke operation: an operationId or "METHOD /path" (default: the only DELETE with a path parameter)`)
	cmd.Flags().StringVar(&opts.Name, "name", "", "the provider name (default: from the server's domain)")
	cmd.Flags().StringVarP(&out, "write", "w", "", "write the draft to this file instead of standard output")
	return cmd
}
