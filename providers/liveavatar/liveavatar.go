// Package liveavatar deletes LiveAvatar secrets: DELETE {base}/v1/secrets/{id}
// with an X-API-KEY header.
package liveavatar

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/keyctl/keyctl/providers"
)

// Adapter is the LiveAvatar provider.
type Adapter struct{}

var _ providers.Provider = Adapter{}

func init() { providers.Register(Adapter{}) }

// Info describes LiveAvatar.
func (Adapter) Info() providers.Info {
	return providers.Info{
		Name:           "liveavatar",
		Title:          "LiveAvatar",
		DefaultBaseURL: "https://api.liveavatar.com",
		Endpoint:       "DELETE /v1/secrets/{id}",
		Auth:           "X-API-KEY: <key>",
		Credential:     "a LiveAvatar API key",
	}
}

// Request builds the revocation request. LiveAvatar authenticates with
// X-API-KEY only; no Authorization header is sent.
func (Adapter) Request(t providers.Target, id string) (*providers.Request, error) {
	r, err := providers.NewRequest(t, "/v1/secrets/", id)
	if err != nil {
		return nil, err
	}
	r.Header.Set("X-API-KEY", t.Token)
	return r, nil
}

// success is LiveAvatar's documented 200: the Response envelope
// {code, data, message} whose code defaults to 100; any other code is not
// a success.
var success = providers.Success{
	Title: "LiveAvatar", Status: http.StatusOK, JSON: true, Field: "code", Want: 100,
	Shape: `200 {"code": 100, "data": null, "message": …}`, Verify: "the LiveAvatar dashboard",
}

// envelope is LiveAvatar's {code, data, message} response.
type envelope struct {
	Message string `json:"message"`
}

// validationError is FastAPI's {detail: [{loc, msg, type}]} or {detail: "…"}.
type validationError struct {
	Detail json.RawMessage `json:"detail"`
}

func (v validationError) message() string {
	var s string
	if json.Unmarshal(v.Detail, &s) == nil {
		return providers.Clean(s)
	}
	var items []struct {
		Loc  []any  `json:"loc"`
		Msg  string `json:"msg"`
		Type string `json:"type"`
	}
	if json.Unmarshal(v.Detail, &items) != nil {
		return ""
	}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		loc := make([]string, len(it.Loc))
		for i, l := range it.Loc {
			loc[i] = fmt.Sprint(l)
		}
		p := it.Msg
		if len(loc) > 0 {
			p = strings.Join(loc, ".") + ": " + it.Msg
		}
		if it.Type != "" {
			p += " (" + it.Type + ")"
		}
		parts = append(parts, p)
	}
	return providers.Clean(strings.Join(parts, "; "))
}

// Classify reads LiveAvatar's answer.
func (Adapter) Classify(status int, header http.Header, body []byte) providers.Outcome {
	if status >= 200 && status < 300 {
		return success.Confirm(status, header, body)
	}
	var env envelope
	hasEnv := providers.DecodeJSON(body, &env)
	msg := ""
	if status >= 400 {
		var ve validationError
		if providers.DecodeJSON(body, &ve) {
			msg = ve.message()
		}
		if msg == "" && hasEnv {
			msg = providers.Clean(env.Message)
		}
	}
	o := providers.FromStatus(status, header, providers.Describe(status, header, body, msg))
	switch status {
	case http.StatusBadRequest:
		o.Message = providers.WithHint(o.Message, "the API key's user has no associated LiveAvatar space")
	case http.StatusUnauthorized:
		o.Message = providers.WithHint(o.Message, providers.AuthHint("liveavatar"))
	}
	return o
}
