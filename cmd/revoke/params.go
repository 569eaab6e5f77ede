package revoke

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/providers"
)

// paramValues are the --param values by provider name, then parameter name.
type paramValues map[string]map[string]string

// parseParamFlags reads every --param NAME=VALUE. With a provider argument
// NAME is one of its parameters; without one it is PROVIDER.NAME, so a
// batch spanning providers can give each its own. Anything malformed or
// unknown is a usage error naming the parameters that exist: nothing is
// sent on a guess.
func parseParamFlags(values []string, provider string) (paramValues, error) {
	out := paramValues{}
	for _, raw := range values {
		name, value, ok := strings.Cut(raw, "=")
		name = strings.TrimSpace(name)
		prov := provider
		if before, after, dotted := strings.Cut(name, "."); dotted {
			if provider != "" && !strings.EqualFold(before, provider) {
				return nil, cmdutil.FlagErrorf("--param %q: this run revokes %s keys; give its parameter as NAME=VALUE", raw, provider)
			}
			prov, name = before, after
		}
		if prov == "" {
			return nil, cmdutil.FlagErrorf("--param %q: without a provider argument, give PROVIDER.NAME=VALUE (for example openai.project_id=proj_abc)", raw)
		}
		p, err := providers.Lookup(prov)
		if err != nil {
			return nil, cmdutil.FlagErrorf("--param %q: %v", raw, err)
		}
		info := p.Info()
		params := definedParams(p)
		if !ok || name == "" {
			return nil, cmdutil.FlagErrorf("--param %q: expected NAME=VALUE; %s", raw, knownParams(info.Name, params))
		}
		prm, found := findParam(params, name)
		if !found {
			return nil, cmdutil.FlagErrorf("--param %q: unknown parameter %q; %s", raw, name, knownParams(info.Name, params))
		}
		if why := badParamValue(prm, value); why != "" {
			return nil, cmdutil.FlagErrorf("--param %s: %s", name, why)
		}
		if out[info.Name] == nil {
			out[info.Name] = map[string]string{}
		}
		if _, twice := out[info.Name][name]; twice {
			return nil, cmdutil.FlagErrorf("--param %s is given twice for %s", name, info.Name)
		}
		out[info.Name][name] = value
	}
	return out, nil
}

// definedParams are the extra parameters a provider takes.
func definedParams(p providers.Provider) []providers.Param {
	return providers.ParamsOf(p)
}

func findParam(params []providers.Param, name string) (providers.Param, bool) {
	for _, prm := range params {
		if prm.Name == name {
			return prm, true
		}
	}
	return providers.Param{}, false
}

// knownParams names a provider's parameters for an error message.
func knownParams(provider string, params []providers.Param) string {
	if len(params) == 0 {
		return provider + " takes no parameters"
	}
	names := make([]string, len(params))
	for i, prm := range params {
		names[i] = prm.Name
	}
	return provider + " takes " + strings.Join(names, ", ")
}

// badParamValue says why value cannot be sent, "" when it can: empty, a
// control character (it goes into a path or a header), or off the
// documented pattern.
func badParamValue(prm providers.Param, value string) string {
	if strings.TrimSpace(value) == "" {
		return "empty value"
	}
	if strings.IndexFunc(value, unicode.IsControl) >= 0 {
		return fmt.Sprintf("%q holds a control character", value)
	}
	if prm.Pattern != "" {
		if re, err := regexp.Compile(prm.Pattern); err == nil && !re.MatchString(value) {
			return fmt.Sprintf("%q does not match %s (%s)", value, prm.Pattern, prm.Describe)
		}
	}
	return ""
}

// params resolves a defined provider's extra parameters with the one
// precedence: --param > KEYCTL_<NAME>_<PARAM> > the profile, then the file >
// the default. A parameter without a value is a configuration error, like a
// missing credential; so is a value from the environment or the file that
// cannot be sent.
func (t *targets) params(p providers.Provider) (map[string]string, error) {
	params := definedParams(p)
	if len(params) == 0 {
		return nil, nil
	}
	name := p.Info().Name
	out := map[string]string{}
	for _, prm := range params {
		if v, ok := t.flagParams[name][prm.Name]; ok {
			out[prm.Name] = v
			continue
		}
		s := config.Setting{Value: prm.Default, Source: config.SourceDefault, Origin: "default"}
		if t.cfg != nil {
			s = t.cfg.Get(config.ProviderKey(name, prm.Name), nil, prm.Default)
		}
		v := s.Value
		if v == "" && prm.Optional {
			continue // sent without it
		}
		if v == "" && t.sandbox != "" {
			v = prm.SandboxValue()
		}
		if v == "" {
			return nil, &config.Error{Msg: (&providers.MissingParamError{Provider: name, Param: prm.Name, Describe: prm.Describe}).Error()}
		}
		if why := badParamValue(prm, v); why != "" && s.Source != config.SourceDefault {
			return nil, &config.Error{Msg: fmt.Sprintf("%s: %s", s.Origin, why)}
		}
		out[prm.Name] = v
	}
	return out, nil
}
