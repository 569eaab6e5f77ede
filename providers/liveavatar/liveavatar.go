// Package liveavatar names the LiveAvatar provider for code that refers to it
// directly; its behaviour is the definition providers/defs/liveavatar.yaml.
package liveavatar

import (
	"net/http"

	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// Adapter is the LiveAvatar provider.
type Adapter struct{}

var _ providers.Provider = Adapter{}

var def = defs.Builtin("liveavatar")

// Info describes LiveAvatar.
func (Adapter) Info() providers.Info { return def.Info() }

// Request builds the revocation request.
func (Adapter) Request(t providers.Target, id string) (*providers.Request, error) {
	return def.Request(t, id)
}

// Classify reads LiveAvatar's answer.
func (Adapter) Classify(status int, header http.Header, body []byte) providers.Outcome {
	return def.Classify(status, header, body)
}
