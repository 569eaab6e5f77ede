// Package defs holds the built-in provider definitions, one YAML file per
// provider with its OpenAPI description beside it (<name>.openapi.yaml),
// embedded in the binary. Importing the package registers them.
package defs

import (
	"embed"

	"github.com/keyctl/keyctl/providers"
)

// FS holds every definition and OpenAPI description.
//
//go:generate sh -c "cd ../.. && go run ./providers/gendocs"
//go:embed *.yaml
var FS embed.FS

var builtins []*providers.Defined

func init() {
	defs, err := providers.LoadFS(FS, ".", "providers/defs/")
	if err != nil {
		// A broken built-in is a build defect the first test run catches.
		panic(err)
	}
	for _, d := range defs {
		if err := providers.RegisterDefinition(d, false); err != nil {
			panic(err)
		}
		p, err := providers.NewDefined(d)
		if err != nil {
			panic(err)
		}
		builtins = append(builtins, p)
	}
}

// Builtin is the built-in provider name as a *providers.Defined; it panics
// on a name that is not built in (a programming error).
func Builtin(name string) *providers.Defined {
	for _, d := range builtins {
		if d.Definition().Name == name {
			return d
		}
	}
	panic("defs: no built-in provider " + name)
}
