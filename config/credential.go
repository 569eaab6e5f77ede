package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// DefaultTokenCommandTimeout bounds a token_command that never returns.
const DefaultTokenCommandTimeout = 30 * time.Second

// Credential is a resolved credential and where it came from. Origin never
// contains the secret.
type Credential struct {
	Value  string
	Source Source
	Origin string
	// Warning, when set, is worth showing: a token file others can read.
	Warning string
}

// CredentialSource says where a provider's credential would come from,
// without running a command or reading a file. ok is false when none is set.
func (c *Config) CredentialSource(provider string) (origin string, ok bool) {
	env := EnvName(ProviderKey(provider, "token"))
	if os.Getenv(env) != "" {
		return "env " + env, true
	}
	field, key := c.credentialField(provider)
	if field == "" {
		return "", false
	}
	switch field {
	case "token_command":
		return fmt.Sprintf("token_command (%s: %s)", c.path, key), true
	case "token_file":
		return fmt.Sprintf("token_file %s (%s: %s)", c.v.GetString(key), c.path, key), true
	case "token_env":
		return fmt.Sprintf("token_env %s (%s: %s)", c.v.GetString(key), c.path, key), true
	}
	return fmt.Sprintf("file %s: %s", c.path, key), true
}

// credentialField finds the credential setting that applies: the chosen
// profile's provider block if it sets any credential, else the top level;
// within a block, token_command > token_file > token_env > token.
func (c *Config) credentialField(provider string) (field, key string) {
	if c.path == "" {
		return "", ""
	}
	for _, block := range c.fileKeys(ProviderKey(provider, "")) {
		for _, f := range credentialFields {
			if k := block + f; !isEmpty(c.v.Get(k)) {
				return f, k
			}
		}
	}
	return "", ""
}

// Credential resolves a provider's credential: KEYCTL_<NAME>_TOKEN, then the
// config file's token_command, token_file, token_env or token. There is no
// flag for it: argv is visible to every user of the machine and kept in
// shell history (--token-stdin is handled by the command).
func (c *Config) Credential(ctx context.Context, provider, describe string) (Credential, error) {
	env := EnvName(ProviderKey(provider, "token"))
	if v := os.Getenv(env); v != "" {
		return Credential{Value: v, Source: SourceEnv, Origin: env}, nil
	}
	field, key := c.credentialField(provider)
	origin := c.path + ": " + key
	switch field {
	case "":
		tokKey := ProviderKey(provider, "token")
		where, _ := ResolvePath("")
		if c.path != "" {
			where = c.path
		}
		return Credential{}, &Error{Msg: fmt.Sprintf("no credential for %s (%s): set %s, or %s (or token_command, token_file, token_env) in %s; nothing sent",
			provider, describe, env, tokKey, where)}
	case "token":
		return Credential{Value: strings.TrimSpace(c.v.GetString(key)), Source: SourceFile, Origin: origin}, nil
	case "token_env":
		name := c.v.GetString(key)
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			return Credential{}, &Error{Msg: fmt.Sprintf("%s names the variable %s, which is not set or empty; nothing sent", origin, name)}
		}
		return Credential{Value: v, Source: SourceEnv, Origin: origin + " (" + name + ")"}, nil
	case "token_file":
		return c.tokenFile(key, origin)
	default:
		return c.tokenCommand(ctx, provider, key, origin)
	}
}

func (c *Config) tokenFile(key, origin string) (Credential, error) {
	path := ExpandHome(c.v.GetString(key))
	data, err := os.ReadFile(path)
	if err != nil {
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: reading the token file: %v; nothing sent", origin, err)}
	}
	v := strings.TrimSpace(string(data))
	if v == "" {
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: the token file %s is empty; nothing sent", origin, path)}
	}
	return Credential{Value: v, Source: SourceFile, Origin: origin + " (" + path + ")", Warning: loosePermissions(path, "token file")}, nil
}

// tokenCommand runs a secret manager's read command. A string runs through
// the shell; a YAML list runs as argv without one. stdout, trimmed, is the
// credential; on failure the command's stderr is shown, never its stdout.
func (c *Config) tokenCommand(ctx context.Context, provider, key, origin string) (Credential, error) {
	timeout := DefaultTokenCommandTimeout
	if s := c.fromFile(ProviderKey(provider, "token_command_timeout")); s.Set() {
		d, err := time.ParseDuration(s.Value)
		if err != nil || d <= 0 {
			return Credential{}, &Error{Msg: fmt.Sprintf("%s: invalid duration %q", s.Origin, s.Value)}
		}
		timeout = d
	}
	var argv []string
	switch v := c.v.Get(key).(type) {
	case []any:
		for _, a := range v {
			argv = append(argv, fmt.Sprint(a))
		}
	case string:
		if runtime.GOOS == "windows" {
			argv = []string{"cmd", "/C", v}
		} else {
			argv = []string{"/bin/sh", "-c", v}
		}
	default:
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: token_command must be a string or a list of strings", origin)}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = time.Second // a child holding the pipes open cannot hang us
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	secret := strings.TrimSpace(stdout.String())
	errText := strings.TrimSpace(stderr.String())
	if secret != "" {
		errText = strings.ReplaceAll(errText, secret, "[REDACTED]")
	}
	if len(errText) > 500 {
		errText = errText[:500] + "…"
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: token_command did not finish within %s; nothing sent (raise token_command_timeout if the secret manager is slow)", origin, timeout)}
	case err != nil:
		msg := fmt.Sprintf("%s: token_command failed: %v", origin, err)
		if errText != "" {
			msg += "; its stderr: " + errText
		}
		return Credential{}, &Error{Msg: msg + "; nothing sent"}
	case secret == "":
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: token_command printed nothing on stdout; nothing sent", origin)}
	}
	return Credential{Value: secret, Source: SourceFile, Origin: origin + " (token_command)"}, nil
}

// isEmpty reports whether a config value is absent, null, "" or [].
func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	}
	return false
}

// ExpandHome expands a leading ~/ to the home directory: config values are
// not seen by a shell.
func ExpandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}
