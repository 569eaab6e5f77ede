package providers

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// OpenAPISuffix names the OpenAPI description beside a definition:
// lava.yaml and lava.openapi.yaml.
const OpenAPISuffix = ".openapi.yaml"

// IsDefinitionFile tells a definition from its OpenAPI description.
func IsDefinitionFile(name string) bool {
	return (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) && !strings.HasSuffix(name, OpenAPISuffix)
}

// LoadFS parses every definition in dir of fsys, sorted by file name; prefix
// is prepended to file names in messages. All problems are reported, joined.
func LoadFS(fsys fs.FS, dir, prefix string) ([]*Definition, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var out []*Definition
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !IsDefinitionFile(e.Name()) {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d, err := ParseDefinition(prefix+e.Name(), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, d)
	}
	return out, errors.Join(errs...)
}

// LoadDir parses the definitions in a directory of the file system. A
// missing directory holds none.
func LoadDir(dir string) ([]*Definition, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return LoadFS(os.DirFS(dir), ".", strings.TrimRight(dir, "/")+"/")
}

// RegisterDefinition makes a built-in definition a provider.
func RegisterDefinition(d *Definition, user bool) error {
	if user {
		_, err := AddUserDefinitions([]*Definition{d})
		return err
	}
	p, err := NewDefined(d)
	if err != nil {
		return &DefinitionError{File: d.file, Msg: err.Error()}
	}
	mu.Lock()
	defer mu.Unlock()
	if builtinLocked(d.Name) {
		return &DefinitionError{File: d.file, Field: "name", Msg: fmt.Sprintf("provider %q is defined twice", d.Name)}
	}
	registry[d.Name] = p
	return nil
}

// SetUserDefinitions makes defs the user's providers, replacing any set
// before. A definition named like a built-in replaces it only with
// override: true, and a warning says so; without it, or named like an
// earlier user definition, it is refused with an error and the others
// still load.
func SetUserDefinitions(defs []*Definition) (warnings []string, err error) {
	mu.Lock()
	users = map[string]Provider{}
	mu.Unlock()
	return AddUserDefinitions(defs)
}

// AddUserDefinitions adds to the user's providers; see SetUserDefinitions.
func AddUserDefinitions(defs []*Definition) (warnings []string, err error) {
	var errs []error
	for _, d := range defs {
		p, perr := NewDefined(d)
		if perr != nil {
			errs = append(errs, &DefinitionError{File: d.file, Msg: perr.Error()})
			continue
		}
		p.user = true
		mu.Lock()
		builtin := builtinLocked(d.Name)
		prev, dup := users[d.Name]
		switch {
		case dup:
			errs = append(errs, &DefinitionError{File: d.file, Field: "name", Msg: fmt.Sprintf("provider %q is already defined by %s", d.Name, prev.(*Defined).def.file)})
		case builtin && !d.Override:
			errs = append(errs, &DefinitionError{File: d.file, Field: "name", Msg: fmt.Sprintf("%q is a built-in provider; add override: true to replace it", d.Name)})
		default:
			users[d.Name] = p
			if builtin {
				warnings = append(warnings, fmt.Sprintf("%s replaces the built-in provider %q (override: true)", d.file, d.Name))
			}
		}
		mu.Unlock()
	}
	return warnings, errors.Join(errs...)
}

// UserProvidersDir is where the user's definitions live:
// $XDG_CONFIG_HOME/keyctl/providers (~/.config when unset).
func UserProvidersDir() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		dir, _ = os.UserConfigDir()
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "keyctl", "providers")
}

// LoadUser loads the definitions of the user's directory and of extra
// directories (--providers-dir) and makes them the user's providers. Broken
// files are reported and skipped: the rest still load.
func LoadUser(extra ...string) (warnings []string, err error) {
	var defs []*Definition
	var errs []error
	for i, dir := range append([]string{UserProvidersDir()}, extra...) {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(dir); i > 0 && err != nil {
			errs = append(errs, fmt.Errorf("--providers-dir: %w", err))
			continue
		}
		ds, err := LoadDir(dir)
		defs = append(defs, ds...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	w, err := SetUserDefinitions(defs)
	return w, errors.Join(append(errs, err)...)
}

// ParamNames are the extra settings of the provider name defines, if it
// is a definition with any: its parameters and its extra credentials. It builds only that provider: the config check
// asks for the providers its file names, not for every built-in.
func ParamNames(name string) []string {
	p, err := Lookup(name)
	if err != nil {
		return nil
	}
	d, ok := p.(*Defined)
	if !ok {
		return nil
	}
	var out []string
	for _, prm := range d.def.Params {
		out = append(out, prm.Name)
	}
	// Extra credentials are settings of the provider's block too.
	for _, x := range d.def.Credential.Extra {
		out = append(out, x.Name)
		for _, sfx := range ExtraCredentialSuffixes {
			out = append(out, x.Name+sfx)
		}
	}
	return out
}
