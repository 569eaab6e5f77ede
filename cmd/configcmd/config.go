// Package configcmd is `keyctl config`: init, path and view.
package configcmd

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	revokecmd "github.com/keyctl/keyctl/cmd/revoke"
	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/audit"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/output"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/internal/sanitize"
	"github.com/keyctl/keyctl/providers"
)

//go:embed template.yaml
var template string

// NewCmdConfig builds `keyctl config`.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Create, locate and inspect the configuration",
	}
	cmd.AddCommand(newCmdInit(f), newCmdPath(f), newCmdView(f))
	return cmd
}

func newCmdInit(f *cmdutil.Factory) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented config template (mode 0600)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := config.ResolvePath(f.ConfigPath)
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return &config.Error{Msg: err.Error()}
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			file, err := os.OpenFile(path, flags, 0o600)
			if errors.Is(err, fs.ErrExist) {
				return &config.Error{Msg: fmt.Sprintf("%s already exists; pass --force to overwrite it", path)}
			}
			if err != nil {
				return &config.Error{Msg: err.Error()}
			}
			defer file.Close()
			if err := file.Chmod(0o600); err != nil { // --force on a file that was looser
				return &config.Error{Msg: err.Error()}
			}
			if _, err := file.WriteString(template); err != nil {
				return &config.Error{Msg: err.Error()}
			}
			fmt.Fprintf(f.IO.ErrOut, "Wrote %s\n", path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}

func newCmdPath(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print the config file keyctl reads",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, _ := config.ResolvePath(f.ConfigPath)
			_, err := fmt.Fprintln(f.IO.Out, path)
			return err
		},
	}
}

// Entry is one effective setting in `keyctl config view -o json`.
type Entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
	Origin string `json:"origin,omitempty"`
}

func newCmdView(f *cmdutil.Factory) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "view",
		Short: "Show the effective settings and where each comes from (secrets masked)",
		Long: `Show every effective setting, its value and its source: flag, env, file or
default. Credentials are never shown, and token_command is not run: the view
says where the credential would come from.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			format, err := output.Choose(format, f.IO.IsStdoutTTY())
			if err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			entries := View(cfg, revokecmd.NewCmdRevoke(f, nil))
			return output.List(f.IO.Out, format, entries, []string{"Key", "Value", "Source"}, func(e Entry) []string {
				return []string{e.Key, e.Value, e.describeSource()}
			}, output.StyleOf(f.IO))
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "", "output format: table or json")
	return cmd
}

// View lists the effective settings. Defaults come from the revoke
// command's flags, the one place they are defined.
func View(cfg *config.Config, revoke *cobra.Command) []Entry {
	file := cfg.Path()
	fileSource := "file"
	if file == "" {
		file, _ = config.ResolvePath("")
		fileSource = "none (file not found)"
	}
	entries := []Entry{{Key: "config_file", Value: file, Source: fileSource}}
	if p := cfg.Profile(); p.Source != config.SourceNone {
		entries = append(entries, Entry{Key: "profile", Value: p.Value, Source: string(p.Source), Origin: p.Origin})
	} else {
		entries = append(entries, Entry{Key: "profile", Value: "(none)", Source: string(config.SourceDefault)})
	}
	for _, key := range config.GlobalKeys {
		if key == "default_profile" {
			continue
		}
		def := ""
		if fl := revoke.Flags().Lookup(strings.ReplaceAll(key, "_", "-")); fl != nil {
			def = fl.DefValue
		}
		s := cfg.Get(key, nil, def)
		value := s.Value
		switch {
		case !s.Set() && key == "output":
			value, s.Source = "table on a terminal, json otherwise", config.SourceDefault
		case !s.Set() && key == "audit_log":
			value, s.Source = audit.DefaultPath(), config.SourceDefault
		case !s.Set():
			value, s.Source = "(not set)", config.SourceNone
		}
		entries = append(entries, Entry{Key: key, Value: value, Source: string(s.Source), Origin: originOf(s)})
	}
	for _, p := range providers.All() {
		info := p.Info()
		base := cfg.Get(config.ProviderKey(info.Name, "base_url"), nil, info.DefaultBaseURL)
		entries = append(entries, Entry{Key: config.ProviderKey(info.Name, "base_url"), Value: redact.URL(base.Value), Source: string(base.Source), Origin: originOf(base)})
		e := Entry{Key: config.ProviderKey(info.Name, "credential"), Value: "(not set)", Source: string(config.SourceNone)}
		if origin, ok := cfg.CredentialSource(info.Name); ok {
			e.Value, e.Source, e.Origin = redact.Mask, sourceOf(origin), origin
		}
		entries = append(entries, e)
		if d, ok := p.(*providers.Defined); ok {
			for _, x := range d.Definition().Credential.Extra { // Datadog's application key
				e := Entry{Key: config.ProviderKey(info.Name, x.Name), Value: "(not set)", Source: string(config.SourceNone)}
				if origin, ok := cfg.ExtraCredentialSource(info.Name, x.Name); ok {
					e.Value, e.Source, e.Origin = redact.Mask, sourceOf(origin), origin
				}
				entries = append(entries, e)
			}
		}
	}
	// Values and origins come from the config file and the environment:
	// shown through the one sanitizer, like all text from outside.
	for i := range entries {
		entries[i].Value = sanitize.Line(entries[i].Value, maxShown)
		entries[i].Origin = sanitize.Line(entries[i].Origin, maxShown)
	}
	return entries
}

// maxShown bounds a value or origin in the view.
const maxShown = 4096

// describeSource is the source column: "file ~/.config/keyctl/config.yaml",
// "env KEYCTL_LAVA_TOKEN" (an origin that already names the source is not
// prefixed with it again).
func (e Entry) describeSource() string {
	switch {
	case e.Origin == "":
		return e.Source
	case strings.HasPrefix(e.Origin, e.Source+" "):
		return e.Origin
	}
	return e.Source + " " + e.Origin
}

func originOf(s config.Setting) string {
	if s.Source == config.SourceDefault || s.Source == config.SourceNone {
		return ""
	}
	return s.Origin
}

func sourceOf(origin string) string {
	if strings.HasPrefix(origin, "env ") {
		return string(config.SourceEnv)
	}
	return string(config.SourceFile)
}
