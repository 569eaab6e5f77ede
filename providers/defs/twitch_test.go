package defs_test

import (
	"net/url"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestTwitchRevokesWithTheAppsClientID: POST /oauth2/revoke with the form
// client_id and token and no credential; 200 revoked, 400 Invalid token is
// a token Twitch refuses, 404 a wrong client id. GET /oauth2/validate with
// Authorization: OAuth <token> tells whether it still works.
func TestTwitchRevokesWithTheAppsClientID(t *testing.T) {
	const secret = "sandboxexample000000000000001a"
	params := map[string]string{"client_id": "hof5gwx0su6owfnys0yan9c87zr6t"}
	revoke := secretCall{provider: "twitch", op: providers.OpRevokeBySecret, base: "/oauth2", params: params, secret: secret}
	got, _ := revoke.send(t, 200, nil, "")
	if got.Method != "POST" || got.Path != "/oauth2/revoke" || len(got.Query) != 0 {
		t.Errorf("request %s %s?%s, want POST /oauth2/revoke", got.Method, got.Path, got.Query.Encode())
	}
	form, err := url.ParseQuery(got.Body)
	if err != nil || got.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || len(form) != 2 ||
		form.Get("client_id") != "hof5gwx0su6owfnys0yan9c87zr6t" || form.Get("token") != secret {
		t.Errorf("body %q (%s), want the form client_id=…&token=<token>", got.Body, got.Header.Get("Content-Type"))
	}
	if a := got.Header.Get("Authorization"); a != "" {
		t.Errorf("Authorization %q: the revocation takes no credential", a)
	}
	revoke.checkAnswers(t, []answerCase{
		{200, "", providers.Revoked, exit.OK, "200"},
		{400, `{"status":400,"message":"Invalid token"}`, providers.Dead, exit.OK, "Invalid token"},
		{404, `{"status":404,"message":"client does not exist"}`, providers.Failed, exit.Config, "client does not exist"},
	})

	verify := secretCall{provider: "twitch", op: providers.OpVerify, base: "/oauth2", params: params, secret: secret}
	got, _ = verify.send(t, 200, nil, "{}")
	if got.Method != "GET" || got.Path != "/oauth2/validate" || got.Header.Get("Authorization") != "OAuth "+secret || got.Body != "" {
		t.Errorf("verify %s %s, Authorization %q: want GET /oauth2/validate with Authorization: OAuth <token>", got.Method, got.Path, got.Header.Get("Authorization"))
	}
	verify.checkAnswers(t, []answerCase{
		{200, `{"client_id":"hof5gwx0su6owfnys0yan9c87zr6t","login":"twitchdev","scopes":[],"user_id":"141981764","expires_in":5520838}`, providers.Live, exit.StillLive, "still accepts"},
		{401, `{"status":401,"message":"invalid access token"}`, providers.Dead, exit.OK, "refuses the secret"},
	})

	// The client id is required: nothing is built without it.
	if _, err := defs.Builtin("twitch").SecretRequest(providers.OpRevokeBySecret, providers.Target{BaseURL: &url.URL{Scheme: "https", Host: "id.twitch.tv", Path: "/oauth2"}}, secret, ""); err == nil {
		t.Error("a revocation without client_id was built")
	}
	if d := detected(secret); d != "twitch" {
		t.Errorf("a token of Twitch's example shape detected as %q", d)
	}
}
