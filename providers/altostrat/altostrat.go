// Package altostrat revokes Altostrat SDX API keys: DELETE {base}/api/keys/{id}.
package altostrat

import (
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/keyctl/keyctl/providers"
)

// Adapter is the Altostrat provider.
type Adapter struct{}

var _ providers.Provider = Adapter{}

func init() { providers.Register(Adapter{}) }

// idPattern is the documented pattern of an API key id. The document's own
// example (api_key_2m3h5n7k9j8g7f6e5d4c3b2a) has 24 characters after the
// prefix and does not match it; --skip-id-check exists for such ids.
var idPattern = regexp.MustCompile(`^api_key_[0-9A-Za-z]{27}$`)

const idExample = "api_key_2m3h5n7k9j8g7f6e5d4c3b2a1b2"

// Info describes Altostrat.
func (Adapter) Info() providers.Info {
	return providers.Info{
		Name:           "altostrat",
		Title:          "Altostrat",
		DefaultBaseURL: "https://v1.api.altostrat.io",
		Endpoint:       "DELETE /api/keys/{id}",
		Auth:           "Authorization: Bearer <token>",
		Credential:     "an SDX user access token allowed to manage API keys",
		IDPattern:      idPattern.String(),
	}
}

// Request builds the revocation request after checking the id's pattern.
func (Adapter) Request(t providers.Target, id string) (*providers.Request, error) {
	if err := providers.ValidateID(id); err != nil {
		return nil, err
	}
	if err := providers.MatchID(t, id, idPattern, idExample); err != nil {
		return nil, err
	}
	r, err := providers.NewRequest(t, "/api/keys/", id)
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+t.Token)
	return r, nil
}

// errorBody is Altostrat's {message, errors: {field: [..]}}.
type errorBody struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors"`
}

func (e errorBody) message() string {
	msg := e.Message
	fields := make([]string, 0, len(e.Errors))
	for f := range e.Errors {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		msg += "; " + f + ": " + strings.Join(e.Errors[f], ", ")
	}
	return providers.Clean(strings.TrimPrefix(msg, "; "))
}

// success is Altostrat's documented answer: 204 No Content, nothing else.
var success = providers.Success{
	Title: "Altostrat", Status: http.StatusNoContent,
	Shape: "204 No Content", Verify: "the Altostrat SDX dashboard",
}

// Classify reads Altostrat's answer: 204 on success.
func (Adapter) Classify(status int, header http.Header, body []byte) providers.Outcome {
	if status >= 200 && status < 300 {
		return success.Confirm(status, header, body)
	}
	msg := ""
	var eb errorBody
	if status >= 400 && providers.DecodeJSON(body, &eb) {
		msg = eb.message()
	}
	o := providers.FromStatus(status, header, providers.Describe(status, header, body, msg))
	if status == http.StatusUnauthorized {
		o.Message = providers.WithHint(o.Message, providers.AuthHint("altostrat"))
	}
	return o
}
