// Package lava revokes Lava secret keys: DELETE {base}/secret_keys/{id}.
package lava

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/keyctl/keyctl/providers"
)

// Adapter is the Lava provider.
type Adapter struct{}

var _ providers.Provider = Adapter{}

func init() { providers.Register(Adapter{}) }

// Info describes Lava.
func (Adapter) Info() providers.Info {
	return providers.Info{
		Name:           "lava",
		Title:          "Lava",
		DefaultBaseURL: "https://api.lava.so/v1",
		Endpoint:       "DELETE /secret_keys/{id}",
		Auth:           "Authorization: Bearer <token>",
		Credential:     "a Lava secret key (Bearer token)",
	}
}

// Request builds the revocation request.
func (Adapter) Request(t providers.Target, id string) (*providers.Request, error) {
	r, err := providers.NewRequest(t, "/secret_keys/", id)
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+t.Token)
	return r, nil
}

// success is Lava's documented DeletedResponse: 200 {id, deleted}, both
// required, deleted "always true".
var success = providers.Success{
	Title: "Lava", Status: http.StatusOK, JSON: true, Field: "deleted", Want: true, Required: true,
	Shape: `200 {"id": …, "deleted": true}`, Verify: "the Lava dashboard",
}

// errorBody is Lava's documented error shape.
type errorBody struct {
	Error struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		Status  int    `json:"status"` // can disagree with the HTTP status; never trusted
		Issues  []struct {
			Path    []string `json:"path"`
			Message string   `json:"message"`
		} `json:"issues"`
	} `json:"error"`
}

func (e errorBody) message() string {
	msg := e.Error.Message
	if e.Error.Code != "" {
		msg = strings.TrimSpace(msg + " (" + e.Error.Code + ")")
	}
	for _, is := range e.Error.Issues {
		if len(is.Path) > 0 {
			msg += "; " + strings.Join(is.Path, ".") + ": " + is.Message
		} else {
			msg += "; " + is.Message
		}
	}
	return providers.Clean(msg)
}

// Classify reads Lava's answer.
func (Adapter) Classify(status int, header http.Header, body []byte) providers.Outcome {
	if status >= 200 && status < 300 {
		return success.Confirm(status, header, body)
	}
	var eb errorBody
	msg := ""
	if status >= 400 && providers.DecodeJSON(body, &eb) {
		msg = eb.message()
	}
	o := providers.FromStatus(status, header, providers.Describe(status, header, body, msg))
	switch status {
	case http.StatusBadRequest:
		o.Message = providers.WithHint(o.Message, "Lava cannot revoke the last remaining secret key; create a replacement key first")
	case http.StatusUnauthorized:
		o.Message = providers.WithHint(o.Message, providers.AuthHint("lava"))
	case http.StatusTooManyRequests:
		// The documented 429 is the cooldown of one freshly created key; any
		// other 429 is taken as a rate limit on the whole account.
		o.KeyOnly = eb.isCooldown()
		o.Message = providers.WithHint(o.Message, fmt.Sprintf("Lava refuses to revoke a key in the 15 seconds after it was created%s", retryNote(header)))
	}
	return o
}

// isCooldown recognises the post-creation cooldown by its code or message.
func (e errorBody) isCooldown() bool {
	return strings.Contains(strings.ToLower(e.Error.Code+" "+e.Error.Message), "cooldown")
}

func retryNote(h http.Header) string {
	if ra := h.Get("Retry-After"); ra != "" {
		return " (Retry-After: " + providers.Clean(ra) + ")"
	}
	return ""
}
