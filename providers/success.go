package providers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"reflect"

	"github.com/keyctl/keyctl/internal/exit"
)

// Success is a provider's documented answer to a revocation that worked.
// Only an answer that looks like it is reported as revoked: a 2xx sign-in
// page from a proxy, a captive portal or a wrong base URL is not a
// revocation, and neither is a body whose confirming field says otherwise.
type Success struct {
	Title  string // the provider as it writes itself, e.g. "Lava"
	Status int    // the documented success status
	// JSON says the document defines a JSON object body for the success.
	JSON bool
	// Field is the body field that confirms the revocation ("" for none)
	// and Want the value it must hold: true, or 100 for LiveAvatar's code.
	Field string
	Want  any
	// Required says the field must be present; otherwise a missing field is
	// taken as the document's default (LiveAvatar's code defaults to 100).
	Required bool
	// Shape describes the documented answer for messages, e.g.
	// `200 {"id": …, "deleted": true}`.
	Shape string
	// Verify names where to check the key by hand, e.g. "the Lava dashboard".
	Verify string
}

// Confirm reads a 2xx answer against the documented success: revoked when
// it matches, failed (exit 1) with what was received and what to check
// otherwise. The body is decoded field by field, so a field of an
// unexpected type elsewhere cannot make the confirming field go unread.
func (s Success) Confirm(status int, header http.Header, body []byte) Outcome {
	if status != s.Status {
		return s.unconfirmed(status, header, body, "the documented success is "+StatusText(s.Status))
	}
	if !s.JSON {
		return Outcome{State: Revoked, Code: exit.OK, Message: "revoked (" + StatusText(status) + ")"}
	}
	fields, ok := objectFields(body)
	if !ok {
		return s.unconfirmed(status, header, body, describeNonJSON(header, body))
	}
	if s.Field != "" {
		raw, present := fields[s.Field]
		switch {
		case !present && s.Required:
			return s.unconfirmed(status, header, body, fmt.Sprintf("the body has no %q field", s.Field))
		case present:
			got := reflect.New(reflect.TypeOf(s.Want))
			if json.Unmarshal(raw, got.Interface()) != nil {
				return s.unconfirmed(status, header, body, fmt.Sprintf("the body's %q is %s, not %v", s.Field, Clean(string(raw)), s.Want))
			}
			if v := got.Elem().Interface(); v != s.Want {
				return s.unconfirmed(status, header, body, fmt.Sprintf("the body says %s=%v%s", s.Field, v, providerMessage(fields)))
			}
		}
	}
	return Outcome{State: Revoked, Code: exit.OK, Message: "revoked (" + StatusText(status) + ")"}
}

func (s Success) unconfirmed(status int, header http.Header, body []byte, why string) Outcome {
	ct := ""
	if v := header.Get("Content-Type"); v != "" {
		ct = " " + Clean(v)
	}
	return Outcome{State: Failed, Code: exit.Unexpected, Message: fmt.Sprintf(
		"%s answered %s%s but %s; its documented confirmation is %s, so the key may NOT be revoked: check the base URL and any proxy in between, and verify the key in %s",
		s.Title, StatusText(status), ct, why, s.Shape, s.Verify)}
}

// objectFields decodes a JSON object one level deep: each field's raw value,
// so no field's type can fail the whole decoding.
func objectFields(body []byte) (map[string]json.RawMessage, bool) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(trimmed, &fields) != nil {
		return nil, false
	}
	return fields, true
}

// describeNonJSON says what came instead of the documented JSON object.
func describeNonJSON(header http.Header, body []byte) string {
	ct, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return "the body is empty"
	case ct == "text/html" || trimmed[0] == '<':
		return "the body is an HTML page, not the provider's API (a sign-in page, a proxy or a wrong base URL?)"
	case len(body) >= MaxBody:
		return fmt.Sprintf("the body was larger than %d bytes and was cut", MaxBody)
	default:
		return "the body is not a JSON object"
	}
}

// providerMessage is the body's own "message", if any, to show alongside.
func providerMessage(fields map[string]json.RawMessage) string {
	var msg string
	if json.Unmarshal(fields["message"], &msg) == nil && msg != "" {
		return ": " + Clean(msg)
	}
	return ""
}
