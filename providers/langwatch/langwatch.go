// Package langwatch names the LangWatch provider for code that refers to it
// directly; its behaviour is the definition providers/defs/langwatch.yaml.
package langwatch

import (
	"net/http"

	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// Adapter is the LangWatch provider.
type Adapter struct{}

var _ providers.Provider = Adapter{}

var def = defs.Builtin("langwatch")

// Info describes LangWatch.
func (Adapter) Info() providers.Info { return def.Info() }

// Request builds the revocation request.
func (Adapter) Request(t providers.Target, id string) (*providers.Request, error) {
	return def.Request(t, id)
}

// Classify reads LangWatch's answer.
func (Adapter) Classify(status int, header http.Header, body []byte) providers.Outcome {
	return def.Classify(status, header, body)
}

// CheckCredential warns about a project key where an admin key is needed.
func (Adapter) CheckCredential(token string) string { return def.CheckCredential(token) }
