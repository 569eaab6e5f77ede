// Package config resolves every setting with one precedence: flag > KEYCTL_*
// environment > config file (the chosen profile, then the top level) >
// default, and remembers where each value came from so `keyctl config view`
// and `keyctl providers` can say it without showing secrets.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Source says where a setting's value came from.
type Source string

// Sources in precedence order.
const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceFile    Source = "file"
	SourceDefault Source = "default"
	SourceNone    Source = "none"
)

// Setting is a resolved value and its origin ("--timeout", "KEYCTL_TIMEOUT",
// "config.yaml: providers.lava.base_url").
type Setting struct {
	Value  string
	Source Source
	Origin string
}

// Set reports whether the setting has a value.
func (s Setting) Set() bool { return s.Source != SourceNone && s.Value != "" }

// Error is a configuration problem: exit 3, nothing sent.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// EnvPrefix prefixes every environment variable keyctl reads.
const EnvPrefix = "KEYCTL_"

// Options say which file and profile to load.
type Options struct {
	Path      string   // --config; "" uses KEYCTL_CONFIG, then DefaultPath
	Profile   string   // --profile; "" uses KEYCTL_PROFILE, then default_profile
	Providers []string // known provider names, to check the file's keys
	// Params gives the extra settings of a provider defined with parameters
	// (providers.<name>.<param>); nil knows none.
	Params func(provider string) []string
}

// Config is the loaded configuration.
type Config struct {
	v       *viper.Viper
	path    string  // file read, "" when none
	profile Setting // chosen profile
	// Warnings are problems worth telling the user that do not stop a run:
	// unknown keys, credentials in files others can read.
	Warnings []string
}

// DefaultPath is $XDG_CONFIG_HOME/keyctl/config.yaml (~/.config when unset;
// the platform's config directory on Windows).
func DefaultPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		if runtime.GOOS == "windows" {
			dir, _ = os.UserConfigDir()
		} else if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".config")
		}
	}
	return filepath.Join(dir, "keyctl", "config.yaml")
}

// ResolvePath is the config file keyctl uses: --config, else KEYCTL_CONFIG,
// else the default. explicit is false for the default.
func ResolvePath(flagPath string) (path string, explicit bool) {
	if flagPath != "" {
		return flagPath, true
	}
	if p := os.Getenv(EnvPrefix + "CONFIG"); p != "" {
		return p, true
	}
	return DefaultPath(), false
}

// Load reads the config file. A missing default file is fine; a missing file
// the user named is an error.
func Load(opts Options) (*Config, error) {
	path, explicit := ResolvePath(opts.Path)
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	c := &Config{v: v}
	if err := v.ReadInConfig(); err != nil {
		var perr *fs.PathError
		if errors.As(err, &perr) && errors.Is(perr.Err, fs.ErrNotExist) && !explicit {
			return c, c.chooseProfile(opts.Profile)
		}
		if errors.As(err, &perr) {
			return nil, &Error{Msg: fmt.Sprintf("config file %s: %v", path, perr.Err)}
		}
		// YAML errors name the line: "yaml: line 3: mapping values are not allowed here".
		return nil, &Error{Msg: fmt.Sprintf("config file %s: %v; fix the file or point --config elsewhere", path, unwrapAll(err))}
	}
	c.path = path
	c.Warnings = append(c.Warnings, c.checkKeys(opts.Providers, opts.Params)...)
	c.Warnings = append(c.Warnings, c.checkPermissions()...)
	return c, c.chooseProfile(opts.Profile)
}

func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// chooseProfile resolves --profile > KEYCTL_PROFILE > default_profile.
func (c *Config) chooseProfile(flag string) error {
	switch {
	case flag != "":
		c.profile = Setting{Value: flag, Source: SourceFlag, Origin: "--profile"}
	case os.Getenv(EnvPrefix+"PROFILE") != "":
		c.profile = Setting{Value: os.Getenv(EnvPrefix + "PROFILE"), Source: SourceEnv, Origin: EnvPrefix + "PROFILE"}
	case c.path != "" && c.v.GetString("default_profile") != "":
		c.profile = Setting{Value: c.v.GetString("default_profile"), Source: SourceFile, Origin: c.path + ": default_profile"}
	default:
		c.profile = Setting{Source: SourceNone}
		return nil
	}
	c.profile.Value = strings.ToLower(c.profile.Value)
	if !c.v.IsSet("profiles." + c.profile.Value) {
		known := c.Profiles()
		list := "none defined"
		if len(known) > 0 {
			list = strings.Join(known, ", ")
		}
		where := c.path
		if where == "" {
			where, _ = ResolvePath("")
			where += " (not found)"
		}
		return &Error{Msg: fmt.Sprintf("%s: profile %q is not in %s (profiles: %s)", c.profile.Origin, c.profile.Value, where, list)}
	}
	return nil
}

// Profiles lists the profile names in the file.
func (c *Config) Profiles() []string {
	var names []string
	for name := range c.v.GetStringMap("profiles") {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Profile is the chosen profile (Source none when there is none).
func (c *Config) Profile() Setting { return c.profile }

// Path is the config file that was read, "" when none.
func (c *Config) Path() string { return c.path }

// EnvName is the variable for a key: "timeout" → KEYCTL_TIMEOUT,
// "providers.lava.token" → KEYCTL_LAVA_TOKEN.
func EnvName(key string) string {
	key = strings.TrimPrefix(key, "providers.")
	return EnvPrefix + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
}

// ProviderKey is the config key of a provider setting: providers.<name>.<field>.
func ProviderKey(provider, field string) string {
	return "providers." + provider + "." + field
}

// Get resolves key: flag (when the user set it) > env > file > def. A
// providers.<name>.<field> key is looked up in the chosen profile first.
func (c *Config) Get(key string, flag *pflag.Flag, def string) Setting {
	if flag != nil && flag.Changed {
		return Setting{Value: flag.Value.String(), Source: SourceFlag, Origin: "--" + flag.Name}
	}
	env := EnvName(key)
	if v, ok := os.LookupEnv(env); ok && v != "" {
		return Setting{Value: v, Source: SourceEnv, Origin: env}
	}
	if s := c.fromFile(key); s.Source != SourceNone {
		return s
	}
	if def != "" {
		return Setting{Value: def, Source: SourceDefault, Origin: "default"}
	}
	return Setting{Source: SourceNone}
}

// fromFile reads key from the chosen profile, then the top level.
func (c *Config) fromFile(key string) Setting {
	if c.path == "" {
		return Setting{Source: SourceNone}
	}
	for _, k := range c.fileKeys(key) {
		if c.v.IsSet(k) {
			return Setting{Value: c.v.GetString(k), Source: SourceFile, Origin: c.path + ": " + k}
		}
	}
	return Setting{Source: SourceNone}
}

// fileKeys are the places key may live, in precedence order.
func (c *Config) fileKeys(key string) []string {
	if c.profile.Source != SourceNone && strings.HasPrefix(key, "providers.") {
		return []string{"profiles." + c.profile.Value + "." + key, key}
	}
	return []string{key}
}
