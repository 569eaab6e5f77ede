package config

import (
	"fmt"
	"github.com/keyctl/keyctl/internal/suggest"
	"os"
	"runtime"
	"sort"
	"strings"
)

// GlobalKeys are the top-level settings, each also a KEYCTL_* variable and,
// except default_profile, a flag of keyctl revoke.
var GlobalKeys = []string{"output", "timeout", "retries", "max_wait", "concurrency", "per_provider", "cacert", "audit_log", "no_audit", "default_profile"}

// ProviderFields are the settings of one provider.
var ProviderFields = []string{"token", "token_command", "token_command_timeout", "token_file", "token_env", "base_url"}

// credentialFields are the ways to give a provider's credential, in order
// of preference.
var credentialFields = []string{"token_command", "token_file", "token_env", "token"}

// checkKeys warns about every key keyctl does not know, with the closest
// known key: a typo must not silently drop a credential.
func (c *Config) checkKeys(providers []string, params func(string) []string) []string {
	var warnings []string
	// warn reports key, suggesting prefix+candidate for its unknown word.
	warn := func(key, word string, candidates []string, prefix string) {
		msg := fmt.Sprintf("config file %s: unknown key %q", c.path, key)
		if s := suggest.Closest(word, candidates); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", prefix+s)
		}
		warnings = append(warnings, msg+" (it is ignored)")
	}
	checkProviders := func(prefix string, parts []string, full string) {
		// parts: <provider> <field>
		if len(parts) == 0 {
			return
		}
		if !contains(providers, parts[0]) {
			warn(full, parts[0], providers, prefix)
			return
		}
		if len(parts) == 1 {
			return // an empty block, e.g. only comments under "lava:"
		}
		fields := append([]string{}, ProviderFields...)
		if params != nil {
			fields = append(fields, params(parts[0])...)
		}
		if len(parts) != 2 || !contains(fields, parts[1]) {
			field := ""
			if len(parts) > 1 {
				field = parts[1]
			}
			warn(full, field, fields, prefix+parts[0]+".")
		}
	}
	keys := c.v.AllKeys()
	sort.Strings(keys)
	for _, key := range keys {
		parts := strings.Split(key, ".")
		switch {
		case parts[0] == "providers":
			checkProviders("providers.", parts[1:], key)
		case parts[0] == "profiles" && len(parts) >= 3 && parts[2] == "providers":
			checkProviders("profiles."+parts[1]+".providers.", parts[3:], key)
		case parts[0] == "profiles":
			warnings = append(warnings, fmt.Sprintf("config file %s: unknown key %q: a profile holds only providers.<name>.<setting> (it is ignored)", c.path, key))
		case len(parts) == 1 && contains(GlobalKeys, key):
		default:
			warn(key, parts[0], append(append([]string{}, GlobalKeys...), "providers", "profiles"), "")
		}
	}
	return warnings
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkPermissions warns when the file holds a literal credential and is
// readable by group or others.
func (c *Config) checkPermissions() []string {
	hasSecret := false
	for _, key := range c.v.AllKeys() {
		if strings.HasSuffix(key, ".token") && c.v.GetString(key) != "" {
			hasSecret = true
			break
		}
	}
	if !hasSecret {
		return nil
	}
	if w := loosePermissions(c.path, "config file"); w != "" {
		return []string{w}
	}
	return nil
}

// loosePermissions says how to fix a secret-holding file others can read.
func loosePermissions(path, what string) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s holds a credential and is readable by group or others (mode %04o); run: chmod 600 %s", what, path, info.Mode().Perm(), path)
}
