// Package langwatch revokes LangWatch API keys: DELETE {base}/api/api-keys/{id}
// with an admin key. Self-hosted LangWatch is reached by overriding the base URL.
package langwatch

import (
	"net/http"
	"strings"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// Adapter is the LangWatch provider.
type Adapter struct{}

var (
	_ providers.Provider          = Adapter{}
	_ providers.CredentialChecker = Adapter{}
)

func init() { providers.Register(Adapter{}) }

// Info describes LangWatch.
func (Adapter) Info() providers.Info {
	return providers.Info{
		Name:           "langwatch",
		Title:          "LangWatch",
		DefaultBaseURL: "https://app.langwatch.ai",
		Endpoint:       "DELETE /api/api-keys/{id}",
		Auth:           "Authorization: Bearer <admin key>",
		Credential:     "a LangWatch admin API key (sk-lw-{id}_{secret}) with organization:manage",
	}
}

// Request builds the revocation request.
func (Adapter) Request(t providers.Target, id string) (*providers.Request, error) {
	r, err := providers.NewRequest(t, "/api/api-keys/", id)
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+t.Token)
	return r, nil
}

// CheckCredential warns when the token has the shape of a project key
// (sk-lw-… without an underscore): revoking needs an admin key.
func (Adapter) CheckCredential(token string) string {
	rest, ok := strings.CutPrefix(token, "sk-lw-")
	if ok && !strings.Contains(rest, "_") {
		return "the LangWatch credential looks like a project API key (sk-lw-… without '_'); revoking keys needs an admin API key (sk-lw-{id}_{secret}) from Settings > API Keys"
	}
	return ""
}

// success is LangWatch's documented 200: a JSON object {success: boolean}.
var success = providers.Success{
	Title: "LangWatch", Status: http.StatusOK, JSON: true, Field: "success", Want: true,
	Shape: `200 {"success": true}`, Verify: "LangWatch (Settings > API Keys)",
}

// Classify reads LangWatch's answer. Its error bodies are undocumented and
// may be empty, so the status carries the meaning.
func (Adapter) Classify(status int, header http.Header, body []byte) providers.Outcome {
	if status >= 200 && status < 300 {
		return success.Confirm(status, header, body)
	}
	msg := ""
	if status >= 400 {
		msg = providers.GenericMessage(body)
	}
	o := providers.FromStatus(status, header, providers.Describe(status, header, body, msg))
	switch status {
	case http.StatusConflict:
		// The key is dead, which is what the user asked for.
		o.State, o.Code = providers.AlreadyRevoked, exit.OK
		o.Message = providers.WithHint(o.Message, "the key was already revoked")
	case http.StatusUnauthorized:
		o.Message = providers.WithHint(o.Message, providers.AuthHint("langwatch")+" (an admin key is required)")
	case http.StatusForbidden:
		o.Message = providers.WithHint(o.Message, "the key is owned by another user, or the admin key lacks organization:manage")
	}
	return o
}
