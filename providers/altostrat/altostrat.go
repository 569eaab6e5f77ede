// Package altostrat names the Altostrat provider for code that refers to it
// directly; its behaviour is the definition providers/defs/altostrat.yaml.
package altostrat

import (
	"net/http"
	"regexp"

	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// Adapter is the Altostrat provider.
type Adapter struct{}

var _ providers.Provider = Adapter{}

var def = defs.Builtin("altostrat")

// Info describes Altostrat.
func (Adapter) Info() providers.Info { return def.Info() }

// Request builds the revocation request.
func (Adapter) Request(t providers.Target, id string) (*providers.Request, error) {
	return def.Request(t, id)
}

// Classify reads Altostrat's answer.
func (Adapter) Classify(status int, header http.Header, body []byte) providers.Outcome {
	return def.Classify(status, header, body)
}

// idPattern and idExample are the definition's id check.
var (
	idPattern = regexp.MustCompile(def.Definition().ID.Pattern)
	idExample = def.Definition().ID.Example
)
