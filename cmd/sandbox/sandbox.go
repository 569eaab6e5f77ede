// Package sandbox is the `keyctl sandbox` command: a loopback emulator of
// every provider to try keyctl and rehearse runbooks without credentials.
package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/output"
	"github.com/keyctl/keyctl/internal/sandbox"
)

const defaultAddr = "127.0.0.1:8787"

// NewCmdSandbox builds `keyctl sandbox` and its subcommands.
func NewCmdSandbox(f *cmdutil.Factory) *cobra.Command {
	var (
		addr        string
		opts        sandbox.Options
		allowRemote bool
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local emulator of every provider's revocation API",
		Long: `Run a loopback HTTP server that emulates the revocation API of every
provider as its document describes it: paths, auth schemes, status codes,
error bodies and state (revoking twice, Lava's last key and 15-second
cooldown, LangWatch's 403 and 409, LiveAvatar's 400 and 422, Altostrat's id
pattern).

It prints the KEYCTL_* settings that point keyctl at it, in a form a shell can
source, then serves until interrupted. The credentials it prints are fixed
sandbox values that open nothing else.

For a single command, 'keyctl revoke --sandbox …' starts the emulator inside
the process instead.`,
		Example: `  keyctl sandbox > sandbox.env &
  sleep 1; . ./sandbox.env
  keyctl revoke lava sk_demo_1
  keyctl sandbox create lava      # a fresh key: revoking it meets the 15 s cooldown
  keyctl sandbox keys`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.ErrorRate < 0 || opts.ErrorRate > 1 {
				return cmdutil.FlagErrorf("--error-rate must be between 0 and 1")
			}
			sb := sandbox.New(opts)
			srv, err := sandbox.Start(sb, addr, allowRemote)
			var opErr *net.OpError
			switch {
			case errors.As(err, &opErr):
				// Not a usage error: the address is fine, something holds it.
				return fmt.Errorf("cannot listen on %s: %v; if another sandbox runs there, use it (eval \"$(keyctl sandbox env --addr %s)\"), or pick another address with --addr, e.g. --addr 127.0.0.1:0 for any free port (the port is printed)", addr, opErr.Err, addr)
			case err != nil:
				return cmdutil.FlagErrorf("%v", err)
			}
			defer srv.Close()
			writeEnv(f.IO.Out, srv.URL)
			fmt.Fprintln(f.IO.Out, "# seeded keys (keyctl sandbox keys lists them with their state):")
			for _, k := range sb.Keys() {
				note := ""
				if k.Note != "" {
					note = "  (" + k.Note + ")"
				}
				fmt.Fprintf(f.IO.Out, "#   %-10s %s%s\n", k.Provider, k.ID, note)
			}
			fmt.Fprintf(f.IO.ErrOut, "keyctl sandbox listening on %s; Ctrl-C to stop\n", srv.URL)
			<-cmd.Context().Done()
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", defaultAddr, "listen address")
	fl.BoolVar(&allowRemote, "allow-remote", false, "allow a non-loopback listen address")
	fl.DurationVar(&opts.Latency, "latency", 0, "delay added to every answer")
	fl.IntVar(&opts.RateLimit, "rate-limit", 0, "requests per second each provider accepts before answering 429 (0: no limit)")
	fl.Float64Var(&opts.ErrorRate, "error-rate", 0, "fraction of requests answered 500 or 503")
	fl.BoolVar(&opts.AnyID, "any-id", false, "treat every unknown id as an existing key")

	cmd.AddCommand(newCmdEnv(f), newCmdKeys(f), newCmdCreate(f), newCmdLeak(f))
	return cmd
}

// writeEnv prints the settings that route every provider to the sandbox.
func writeEnv(w io.Writer, root string) {
	urls := sandbox.BaseURLs(root)
	names := make([]string, 0, len(urls))
	for p := range urls {
		names = append(names, p)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "# keyctl sandbox at %s\n", root)
	for _, p := range names {
		fmt.Fprintf(w, "export %s=%s\n", config.EnvName(config.ProviderKey(p, "base_url")), urls[p])
		if set, unset, own := sandbox.CredentialEnv(p); own {
			// AWS finds its credentials in its own chain: the sandbox's go
			// there, and a real session token is cleared so that it is
			// never sent to the sandbox.
			for _, kv := range set {
				fmt.Fprintf(w, "export %s=%s\n", kv[0], shellWord(kv[1]))
			}
			for _, name := range unset {
				fmt.Fprintf(w, "unset %s\n", name)
			}
		} else {
			fmt.Fprintf(w, "export %s=%s\n", config.EnvName(config.ProviderKey(p, "token")), sandbox.Token(p))
			extra := sandbox.ExtraCredentials(p) // Datadog's application key
			for _, name := range slices.Sorted(maps.Keys(extra)) {
				fmt.Fprintf(w, "export %s=%s\n", config.EnvName(config.ProviderKey(p, name)), shellWord(extra[name]))
			}
		}
		// A provider's extra parameters take the values the sandbox
		// expects (an Account SID in Basic auth must match).
		params := sandbox.Params(p)
		for _, name := range slices.Sorted(maps.Keys(params)) {
			fmt.Fprintf(w, "export %s=%s\n", config.EnvName(config.ProviderKey(p, name)), shellWord(params[name]))
		}
	}
}

func addrFlag(cmd *cobra.Command, addr *string) {
	cmd.Flags().StringVar(addr, "addr", defaultAddr, "address of the running sandbox")
}

func newCmdEnv(f *cmdutil.Factory) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Print the KEYCTL_* settings for a sandbox at --addr",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			writeEnv(f.IO.Out, "http://"+addr)
			return nil
		},
	}
	addrFlag(cmd, &addr)
	return cmd
}

func newCmdKeys(f *cmdutil.Factory) *cobra.Command {
	var addr, format string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "List the keys of a running sandbox with their state",
		Long: `List the keys of a running sandbox with their state: a table at a
terminal, JSON Lines otherwise (-o to choose).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := output.Choose(format, f.IO.IsStdoutTTY())
			if err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			var keys []sandbox.Key
			if err := admin(http.MethodGet, "http://"+addr+"/_sandbox/keys", &keys); err != nil {
				return err
			}
			return output.List(f.IO.Out, format, keys, []string{"Provider", "ID", "State", "Created", "Note"}, func(k sandbox.Key) []string {
				return []string{k.Provider, k.ID, k.State, k.CreatedAt.Local().Format(time.DateTime), k.Note}
			}, output.StyleOf(f.IO))
		},
	}
	addrFlag(cmd, &addr)
	cmd.Flags().StringVarP(&format, "output", "o", "", "output format: table or json (default: table on a terminal, json otherwise)")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newCmdCreate(f *cmdutil.Factory) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "create <provider>",
		Short: "Create a key in a running sandbox and print its id",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return sandbox.Providers(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var k sandbox.Key
			if err := admin(http.MethodPost, "http://"+addr+"/_sandbox/"+args[0]+"/keys", &k); err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Out, k.ID)
			return nil
		},
	}
	addrFlag(cmd, &addr)
	return cmd
}

func admin(method, url string, into any) error {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("no sandbox answering at %s: %v (start one with 'keyctl sandbox')", strings.TrimSuffix(url, "/_sandbox/keys"), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("sandbox: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

// shellWord quotes v for a POSIX shell when it holds anything but the
// characters of a plain word.
func shellWord(v string) string {
	if v != "" && strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,:/@%+=-") == "" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
