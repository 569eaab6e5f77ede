// Package defs holds the built-in provider definitions, one YAML file per
// provider with its OpenAPI description beside it (<name>.openapi.yaml),
// embedded in the binary. Importing the package registers them.
package defs

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/keyctl/keyctl/providers"
)

// FS holds every definition and OpenAPI description.
//
//go:generate sh -c "cd ../.. && go run ./providers/gendocs"
//go:embed *.yaml
var FS embed.FS

func init() {
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		panic(err) // the embedded directory is always readable
	}
	for _, e := range entries {
		if file := e.Name(); providers.IsDefinitionFile(file) {
			name := strings.TrimSuffix(file, path.Ext(file))
			providers.RegisterLazy(name, func() (providers.Provider, error) { return parse(name, file) })
		}
	}
}

// parse builds one built-in definition. Its name must be its file's, which
// is how it is found before it is parsed.
func parse(name, file string) (*providers.Defined, error) {
	data, err := FS.ReadFile(file)
	if err != nil {
		return nil, err
	}
	d, err := providers.ParseDefinition("providers/defs/"+file, data)
	if err != nil {
		return nil, err
	}
	if d.Name != name {
		return nil, &providers.DefinitionError{File: "providers/defs/" + file, Field: "name", Msg: fmt.Sprintf("%q: a built-in is named like its file (%s)", d.Name, name)}
	}
	return providers.NewDefined(d)
}

// Builtin is the built-in provider name as a *providers.Defined, built from
// its definition whatever a user's override says; it panics on a name that
// is not built in (a programming error).
func Builtin(name string) *providers.Defined {
	p, err := parse(name, name+".yaml")
	if err != nil {
		panic("defs: no built-in provider " + name + ": " + err.Error())
	}
	return p
}
