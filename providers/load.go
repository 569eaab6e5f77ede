package providers

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
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

// RegisterDefinition makes a definition a provider. A user definition (user
// true) may replace a built-in only with override: true; the returned
// warning then says so.
func RegisterDefinition(d *Definition, user bool) error {
	_, err := registerDefinition(d, user)
	return err
}

// RegisterUserDefinitions registers user definitions and returns the
// warnings to show (replaced built-ins).
func RegisterUserDefinitions(defs []*Definition) (warnings []string, err error) {
	var errs []error
	for _, d := range defs {
		w, err := registerDefinition(d, true)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	return warnings, errors.Join(errs...)
}

func registerDefinition(d *Definition, user bool) (string, error) {
	p, err := NewDefined(d)
	if err != nil {
		return "", &DefinitionError{File: d.file, Msg: err.Error()}
	}
	p.user = user
	mu.Lock()
	defer mu.Unlock()
	old, exists := registry[d.Name]
	switch {
	case !exists:
		registry[d.Name] = p
		return "", nil
	case !user:
		return "", &DefinitionError{File: d.file, Field: "name", Msg: fmt.Sprintf("provider %q is defined twice", d.Name)}
	case !d.Override:
		where := "a built-in provider"
		if od, ok := old.(*Defined); ok && od.user {
			where = "already defined by " + od.def.file
		}
		return "", &DefinitionError{File: d.file, Field: "name", Msg: fmt.Sprintf("%q is %s; add override: true to replace it", d.Name, where)}
	}
	registry[d.Name] = p
	return fmt.Sprintf("warning: %s replaces the built-in provider %q (override: true)", d.file, d.Name), nil
}
