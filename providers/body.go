package providers

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// BodyNote describes a body that gave no message, so the user can tell an
// HTML page from a proxy or a cut-off answer apart from a silent provider.
func BodyNote(header http.Header, body []byte) string {
	if len(strings.TrimSpace(string(body))) == 0 {
		return ""
	}
	switch {
	case isHTML(header, body):
		return "the response is an HTML page, not the provider's API (a proxy or wrong base URL?)"
	case len(body) >= MaxBody:
		return fmt.Sprintf("the response body was larger than %d bytes and was cut", MaxBody)
	default:
		return "the response body could not be read as the provider's JSON"
	}
}

// isHTML reports whether an answer is a web page (a sign-in page, a proxy's
// error page) rather than anything an API sends.
func isHTML(header http.Header, body []byte) bool {
	ct, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	return ct == "text/html" || strings.HasPrefix(strings.TrimSpace(strings.ToLower(string(body))), "<")
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
