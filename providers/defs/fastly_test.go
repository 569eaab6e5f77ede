package defs_test

import (
	"net/url"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestFastlyRevokesATokenByID: DELETE /tokens/{id} with Fastly-Key; an
// empty 200 or 204 is the revocation, the documented errors read {msg}, and
// the keyword self (which would revoke the credential itself) is refused.
func TestFastlyRevokesATokenByID(t *testing.T) {
	const key = "s3cret-fastly-key"
	c := secretCall{provider: "fastly", op: providers.OpRevoke, credential: key, id: "3krg2uUGZzb2W9Euo4moOY"}
	got, _ := c.send(t, 204, nil, "")
	if got.Method != "DELETE" || got.Path != "/tokens/3krg2uUGZzb2W9Euo4moOY" || got.Body != "" || len(got.Query) != 0 {
		t.Errorf("request %s %s?%s %q, want DELETE /tokens/3krg2uUGZzb2W9Euo4moOY", got.Method, got.Path, got.Query.Encode(), got.Body)
	}
	if got.Header.Get("Fastly-Key") != key || got.Header.Get("Authorization") != "" {
		t.Errorf("Fastly-Key %q, Authorization %q: want the key in Fastly-Key only", got.Header.Get("Fastly-Key"), got.Header.Get("Authorization"))
	}
	c.checkAnswers(t, []answerCase{
		{200, "", providers.Revoked, exit.OK, "200"},
		{204, "", providers.Revoked, exit.OK, "204"},
		{200, `{"id":"3krg2uUGZzb2W9Euo4moOY"}`, providers.Failed, exit.Unexpected, "200"},
		{202, "", providers.Failed, exit.Unexpected, "does not define"},
		{400, `{"msg":"Bad request"}`, providers.Failed, exit.Invalid, "Bad request"},
		{401, `{"msg":"Provided credentials are missing or invalid"}`, providers.Failed, exit.Auth, "credentials are missing"},
		{403, `{"msg":"Forbidden"}`, providers.Failed, exit.Permission, "Forbidden"},
		{404, `{"msg":"Record not found"}`, providers.NotFound, exit.NotFound, "Record not found"},
	})
	p := defs.Builtin("fastly")
	base := &url.URL{Scheme: "https", Host: "api.fastly.com"}
	for _, id := range []string{"self", "SELF", "Self", "tokens/self", "../self"} {
		if _, err := p.Request(providers.Target{BaseURL: base, Token: key}, id); err == nil {
			t.Errorf("id %q was accepted", id)
		}
	}
	for _, id := range []string{"3krg2uUGZzb2W9Euo4moOY", "selfish", "sel", "seLx"} {
		if _, err := p.Request(providers.Target{BaseURL: base, Token: key}, id); err != nil {
			t.Errorf("id %q: %v", id, err)
		}
	}
}
