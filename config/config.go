// Package config resolves every setting with one precedence: flag > KEYCTL_*
// environment > config file > default, and remembers where each value came
// from so `keyctl providers` can say it without showing secrets.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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
// "config.yaml: providers.lava.token").
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

// Config is the loaded configuration.
type Config struct {
	v    *viper.Viper
	path string // file read, "" when none
}

// EnvPrefix prefixes every environment variable keyctl reads.
const EnvPrefix = "KEYCTL_"

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

// Load reads the config file: path from --config, else KEYCTL_CONFIG, else
// the default path. A missing default file is fine; a missing file the user
// named is an error.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		if p, ok := os.LookupEnv(EnvPrefix + "CONFIG"); ok && p != "" {
			path, explicit = p, true
		} else {
			path = DefaultPath()
		}
	}
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	c := &Config{v: v}
	if err := v.ReadInConfig(); err != nil {
		var perr *fs.PathError
		if errors.As(err, &perr) && errors.Is(perr.Err, fs.ErrNotExist) && !explicit {
			return c, nil
		}
		if errors.As(err, &perr) {
			return nil, &Error{Msg: fmt.Sprintf("config file %s: %v", path, perr.Err)}
		}
		return nil, &Error{Msg: fmt.Sprintf("config file %s: %v", path, unwrapAll(err))}
	}
	c.path = path
	return c, nil
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

// Path is the config file that was read, "" when none.
func (c *Config) Path() string { return c.path }

// EnvName is the variable for a key: "timeout" → KEYCTL_TIMEOUT,
// "providers.lava.token" → KEYCTL_LAVA_TOKEN.
func EnvName(key string) string {
	key = strings.TrimPrefix(key, "providers.")
	return EnvPrefix + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
}

// Get resolves key: flag (when the user set it) > env > file > def.
func (c *Config) Get(key string, flag *pflag.Flag, def string) Setting {
	if flag != nil && flag.Changed {
		return Setting{Value: flag.Value.String(), Source: SourceFlag, Origin: "--" + flag.Name}
	}
	if s := c.fromEnvOrFile(key); s.Source != SourceNone {
		return s
	}
	if def != "" {
		return Setting{Value: def, Source: SourceDefault, Origin: "default"}
	}
	return Setting{Source: SourceNone}
}

func (c *Config) fromEnvOrFile(key string) Setting {
	env := EnvName(key)
	if v, ok := os.LookupEnv(env); ok && v != "" {
		return Setting{Value: v, Source: SourceEnv, Origin: env}
	}
	if c.path != "" && c.v.IsSet(key) {
		return Setting{Value: c.v.GetString(key), Source: SourceFile, Origin: c.path + ": " + key}
	}
	return Setting{Source: SourceNone}
}

// ProviderKey is the config key of a provider setting: providers.<name>.<field>.
func ProviderKey(provider, field string) string {
	return "providers." + provider + "." + field
}

// Token resolves a provider's credential: KEYCTL_<NAME>_TOKEN, then the
// config file. There is deliberately no flag: argv is visible to every user
// of the machine and kept in shell history.
func (c *Config) Token(provider string) Setting {
	return c.fromEnvOrFile(ProviderKey(provider, "token"))
}

// MissingTokenError explains where a credential can be put.
func MissingTokenError(provider, credential string) error {
	key := ProviderKey(provider, "token")
	return &Error{Msg: fmt.Sprintf("no credential for %s: set %s or %s in %s (%s); nothing sent",
		provider, EnvName(key), key, DefaultPath(), credential)}
}
