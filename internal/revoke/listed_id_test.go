package revoke_test

import (
	"net/http"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
	"github.com/keyctl/keyctl/providers"
)

// TestAnswerListingKeysIsReadForTheKeySent: a provider whose success lists
// the keys it acted on is told which key the answer is about, so the list
// naming that key is a revocation and a list naming another is not.
func TestAnswerListingKeysIsReadForTheKeySent(t *testing.T) {
	d, err := providers.ParseDefinition("acme.yaml", []byte(`name: acme
base_url: https://api.acme.example
credential: {auth: {bearer: "{credential}"}}
revoke:
  request: {method: DELETE, path: /keys, body: {json: {ids: ["{id}"]}}}
  answers:
    "200": {outcome: revoked, confirm: [{path: invalidated, contains: "{id}"}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	srv := scripted(t, func(w http.ResponseWriter) { testutil.Respond(w, 200, `{"invalidated":["key_1"]}`) })
	e := newEngine(t, testutil.NewClock())
	if r := runOne(t, e, job(t, p, srv.URL, "key_1")); r.Outcome != providers.Revoked || r.ExitCode != exit.OK {
		t.Errorf("answer naming the key: %+v", r)
	}
	if r := runOne(t, e, job(t, p, srv.URL, "key_2")); r.Outcome != providers.Failed || r.ExitCode != exit.Unexpected {
		t.Errorf("answer naming another key: %+v", r)
	}
}
