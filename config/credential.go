package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/keyctl/keyctl/internal/sanitize"
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
	return c.secretSource(provider, "token")
}

// ExtraCredentialSource is CredentialSource for a provider's extra
// credential name (Datadog's application_key).
func (c *Config) ExtraCredentialSource(provider, name string) (origin string, ok bool) {
	return c.secretSource(provider, name)
}

func (c *Config) secretSource(provider, base string) (origin string, ok bool) {
	env := EnvName(ProviderKey(provider, base))
	if strings.TrimSpace(os.Getenv(env)) != "" {
		return "env " + env, true
	}
	field, key := c.credentialField(provider, base)
	if field == "" {
		return "", false
	}
	switch field {
	case base + "_command":
		return fmt.Sprintf("%s (%s: %s)", field, c.path, key), true
	case base + "_file", base + "_env":
		return fmt.Sprintf("%s %s (%s: %s)", field, c.v.GetString(key), c.path, key), true
	}
	return fmt.Sprintf("file %s: %s", c.path, key), true
}

// credentialField finds the setting that applies for the secret base
// ("token", or an extra credential's name): the chosen profile's provider
// block if it sets any form of it, else the top level; within a block,
// <base>_command > <base>_file > <base>_env > <base>.
func (c *Config) credentialField(provider, base string) (field, key string) {
	if c.path == "" {
		return "", ""
	}
	for _, block := range c.fileKeys(ProviderKey(provider, "")) {
		for _, f := range credentialFields {
			f = base + strings.TrimPrefix(f, "token")
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
//
// Every source is trimmed the same way and checked by CheckCredential, so a
// value that could not be sent as it is (empty, a YAML list, a control
// character such as a stray newline, megabytes) is a config error with
// nothing sent. Reading a file or running a command stops at the first
// signal (ctx).
func (c *Config) Credential(ctx context.Context, provider, describe string) (Credential, error) {
	return c.secret(ctx, provider, "token", describe)
}

// ExtraCredential resolves a provider's extra credential name (Datadog's
// application_key) exactly as Credential resolves the main one:
// KEYCTL_<PROVIDER>_<NAME>, then <name>_command, <name>_file, <name>_env
// or <name> in the profile or the file. There is no flag for it either.
func (c *Config) ExtraCredential(ctx context.Context, provider, name, describe string) (Credential, error) {
	return c.secret(ctx, provider, name, describe)
}

func (c *Config) secret(ctx context.Context, provider, base, describe string) (Credential, error) {
	cred, err := c.credential(ctx, provider, base, describe)
	if err != nil {
		return Credential{}, err
	}
	if err := CheckCredential(cred.Value, cred.Origin); err != nil {
		return Credential{}, err
	}
	return cred, nil
}

// MaxCredential bounds a credential from any source. Real ones are a few
// hundred bytes at most; the bound keeps /dev/zero or a runaway command from
// filling memory, and the masking of output cheap.
const MaxCredential = 64 << 10

// CheckCredential refuses a credential that cannot be sent as it is. origin
// names where it came from; the value itself is never quoted.
func CheckCredential(value, origin string) error {
	switch {
	case value == "":
		return &Error{Msg: fmt.Sprintf("%s: the credential is empty; nothing sent", origin)}
	case len(value) > MaxCredential:
		return &Error{Msg: fmt.Sprintf("%s: the credential is longer than %d KiB, which no provider issues (is it the right source?); nothing sent", origin, MaxCredential>>10)}
	}
	for i := 0; i < len(value); i++ {
		if b := value[i]; b < 0x20 || b == 0x7f {
			return &Error{Msg: fmt.Sprintf("%s: the credential contains a control character (byte 0x%02x at offset %d), which cannot be sent in an HTTP header; check for a stray line break or a paste error; nothing sent", origin, b, i)}
		}
	}
	// A byte-order mark (a token file saved by a Windows editor) or a
	// zero-width space from a paste is invisible: it would be sent, the
	// provider would answer 401 and the user would be told the credential
	// was rejected, while every message shows it exactly as expected.
	if !sanitize.Safe(value) {
		return &Error{Msg: fmt.Sprintf("%s: the credential contains an invisible character or invalid UTF-8 (a byte-order mark, a zero-width space), which no provider issues; check for a paste error or the file's encoding; nothing sent", origin)}
	}
	return nil
}

func (c *Config) credential(ctx context.Context, provider, base, describe string) (Credential, error) {
	env := EnvName(ProviderKey(provider, base))
	if v := strings.TrimSpace(os.Getenv(env)); v != "" {
		return Credential{Value: v, Source: SourceEnv, Origin: env}, nil
	}
	field, key := c.credentialField(provider, base)
	origin := c.path + ": " + key
	switch field {
	case "":
		tokKey := ProviderKey(provider, base)
		where, _ := ResolvePath("")
		if c.path != "" {
			where = c.path
		}
		what := "no credential"
		if base != "token" {
			what = "no " + base
		}
		return Credential{}, &Error{Msg: fmt.Sprintf("%s for %s (%s): set %s, or %s (or %s_command, %s_file, %s_env) in %s; nothing sent",
			what, provider, describe, env, tokKey, base, base, base, where)}
	case base:
		v, err := c.scalar(key, origin, "the secret itself")
		if err != nil {
			return Credential{}, err
		}
		return Credential{Value: strings.TrimSpace(v), Source: SourceFile, Origin: origin}, nil
	case base + "_env":
		name, err := c.scalar(key, origin, "the name of an environment variable")
		if err != nil {
			return Credential{}, err
		}
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			return Credential{}, &Error{Msg: fmt.Sprintf("%s names the variable %s, which is not set or empty; nothing sent", origin, name)}
		}
		return Credential{Value: v, Source: SourceEnv, Origin: origin + " (" + name + ")"}, nil
	case base + "_file":
		return c.tokenFile(ctx, key, origin)
	default:
		return c.tokenCommand(ctx, provider, base, key, origin)
	}
}

// scalar is a credential setting that must be one value: a YAML list or map
// there is a mistake, not an empty credential to send.
func (c *Config) scalar(key, origin, what string) (string, error) {
	switch v := c.v.Get(key).(type) {
	case []any, map[string]any:
		return "", &Error{Msg: fmt.Sprintf("%s must be a single string (%s), not a list or map; nothing sent", origin, what)}
	case string, nil:
		return c.v.GetString(key), nil
	default:
		// YAML reads an unquoted 0012345 as the octal number 5349, 1e3 as
		// 1000, a long number with lost digits, yes/true as a boolean, a
		// date as a time: the text sent would not be the text written.
		return "", &Error{Msg: fmt.Sprintf("%s is read by YAML as %s, not as text, and would be sent changed; put the value in quotes; nothing sent", origin, yamlKind(v))}
	}
}

func yamlKind(v any) string {
	switch v.(type) {
	case bool:
		return "true or false"
	case int, int64, uint64, float64:
		return "a number"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("a value of type %T", v)
}

func (c *Config) tokenFile(ctx context.Context, key, origin string) (Credential, error) {
	p, err := c.scalar(key, origin, "a file path")
	if err != nil {
		return Credential{}, err
	}
	path := ExpandHome(p)
	data, err := readFileBounded(ctx, path, MaxCredential)
	switch {
	case errors.Is(err, errTooLong):
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: the token file %s holds more than %d KiB, which no credential is (is it the right file?); nothing sent", origin, path, MaxCredential>>10)}
	case ctx.Err() != nil:
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: interrupted while reading the token file %s; nothing sent", origin, path)}
	case err != nil:
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
func (c *Config) tokenCommand(ctx context.Context, provider, base, key, origin string) (Credential, error) {
	timeout := DefaultTokenCommandTimeout
	if s := c.fromFile(ProviderKey(provider, base+"_command_timeout")); s.Set() {
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
	// stdout beyond the bound fails the copy, which closes the pipe: a
	// runaway command gets SIGPIPE instead of filling memory. stderr is only
	// shown in part, so the rest is dropped.
	stdout := &cappedBuffer{max: MaxCredential, failOver: true}
	stderr := &cappedBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
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
	case stdout.over:
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: token_command printed more than %d KiB on stdout, which no credential is; nothing sent", origin, MaxCredential>>10)}
	case errors.Is(ctx.Err(), context.Canceled):
		return Credential{}, &Error{Msg: fmt.Sprintf("%s: interrupted while token_command ran; nothing sent", origin)}
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
