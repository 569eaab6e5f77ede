package providers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// DecodeJSON decodes a body into v and reports whether it was a JSON object
// of that shape. Empty, truncated or non-JSON bodies return false; the caller
// then falls back to the status code.
func DecodeJSON(body []byte, v any) bool {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return false
	}
	return json.Unmarshal(trimmed, v) == nil
}

// MayBeFalse reports whether a success body could hold a JSON false.
//
// Deprecated: deciding a success from it skipped the decoding of bodies
// such as {"id":1,"deleted":false} (and a wrong-typed field failed the rest);
// use Success.Confirm, which reads the confirming field on its own.
func MayBeFalse(body []byte) bool {
	return bytes.Contains(body, []byte("false"))
}

// BodyNote describes a body that gave no message, so the user can tell an
// HTML page from a proxy or a cut-off answer apart from a silent provider.
func BodyNote(header http.Header, body []byte) string {
	if len(strings.TrimSpace(string(body))) == 0 {
		return ""
	}
	ct, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	switch {
	case ct == "text/html" || strings.HasPrefix(strings.TrimSpace(strings.ToLower(string(body))), "<"):
		return "the response is an HTML page, not the provider's API (a proxy or wrong base URL?)"
	case len(body) >= MaxBody:
		return fmt.Sprintf("the response body was larger than %d bytes and was cut", MaxBody)
	default:
		return "the response body could not be read as the provider's JSON"
	}
}

// GenericMessage pulls a message out of common error shapes:
// {"message": …}, {"error": "…"}, {"error": {"message": …}}, {"detail": "…"}.
func GenericMessage(body []byte) string {
	var v struct {
		Message string          `json:"message"`
		Error   json.RawMessage `json:"error"`
		Detail  json.RawMessage `json:"detail"`
	}
	if !DecodeJSON(body, &v) {
		return ""
	}
	if v.Message != "" {
		return Clean(v.Message)
	}
	for _, raw := range []json.RawMessage{v.Error, v.Detail} {
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			return Clean(s)
		}
		var obj struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(raw, &obj) == nil && obj.Message != "" {
			return Clean(obj.Message)
		}
	}
	return ""
}

// Describe finishes an outcome's message: the provider's message if it gave
// one, otherwise the status line plus a note on the body.
func Describe(status int, header http.Header, body []byte, message string) string {
	if message != "" || status < 300 {
		return message
	}
	msg := StatusText(status)
	if note := BodyNote(header, body); note != "" {
		msg += " (" + note + ")"
	}
	return msg
}

// AuthHint tells the user where the rejected credential came from.
func AuthHint(name string) string {
	return fmt.Sprintf("credential rejected; check KEYCTL_%s_TOKEN or providers.%s.token", strings.ToUpper(name), name)
}
