package providers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// listing is a provider whose success lists the keys it deleted, over
// GraphQL: the shape of New Relic's apiAccessDeleteKeys.
const listing = `name: acme
base_url: https://api.acme.example
credential:
  auth: {header: {name: API-Key, value: "{credential}"}}
revoke:
  request:
    method: POST
    path: /graphql
    body:
      graphql:
        query: "mutation($keys: DeleteInput!) { deleteKeys(keys: $keys) { deletedKeys { id } errors { message } } }"
        variables: {keys: {userKeyIds: ["{id}"]}}
  answers:
    "200":
      outcome: revoked
      confirm:
        - {path: data.deleteKeys.deletedKeys.#.id, contains: "{id}", fail: "Acme deleted nothing: {data.deleteKeys.errors.#.message}{errors.#.message}"}
`

func parseDefined(t *testing.T, def string) *providers.Defined {
	t.Helper()
	d, err := providers.ParseDefinition("acme.yaml", []byte(def))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGraphQLBodySendsTheQueryAsWritten: the query's braces are GraphQL's,
// not placeholders, and the id reaches the server only as a variable,
// escaped as a JSON string.
func TestGraphQLBodySendsTheQueryAsWritten(t *testing.T) {
	p := parseDefined(t, listing)
	u, _ := url.Parse("https://api.acme.example")
	r, err := p.Request(providers.Target{BaseURL: u, Token: "NRAK-secret"}, `k"1 } }`)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"query":"mutation($keys: DeleteInput!) { deleteKeys(keys: $keys) { deletedKeys { id } errors { message } } }","variables":{"keys":{"userKeyIds":["k\"1 } }"]}}}`
	if r.Method != "POST" || r.URL != "https://api.acme.example/graphql" || string(r.Body) != want {
		t.Fatalf("request = %s %s %s\nwant body %s", r.Method, r.URL, r.Body, want)
	}
	if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("API-Key") != "NRAK-secret" {
		t.Fatalf("headers = %v", r.Header)
	}
}

// TestContainsConfirmsOnlyTheKeySent: a 200 that lists what it deleted
// confirms the revocation of the key sent only when it names that key; an
// answer naming another key, an empty list, a GraphQL error or a reader
// that does not know the id never reports revoked.
func TestContainsConfirmsOnlyTheKeySent(t *testing.T) {
	p := parseDefined(t, listing)
	h := http.Header{}
	const id = "ABC123"
	cases := []struct {
		name, id, body string
		state          providers.State
		message        string
	}{
		{"names the key", id, `{"data":{"deleteKeys":{"deletedKeys":[{"id":"XYZ"},{"id":"ABC123"}],"errors":[]}}}`, providers.Revoked, "revoked"},
		{"names another key", id, `{"data":{"deleteKeys":{"deletedKeys":[{"id":"ABC1234"}],"errors":[]}}}`, providers.Failed, "Acme deleted nothing"},
		{"per-key error", id, `{"data":{"deleteKeys":{"deletedKeys":[],"errors":[{"message":"Key not found"}]}}}`, providers.Failed, "Key not found"},
		{"request error", id, `{"errors":[{"message":"Invalid API key"}]}`, providers.Failed, "Invalid API key"},
		{"id as a number", "123", `{"data":{"deleteKeys":{"deletedKeys":[{"id":123}]}}}`, providers.Failed, "Acme deleted nothing"},
		{"not a list", id, `{"data":{"deleteKeys":{"deletedKeys":{"id":"ABC123"}}}}`, providers.Failed, "Acme deleted nothing"},
		{"id unknown to the reader", "", `{"data":{"deleteKeys":{"deletedKeys":[{"id":""}]}}}`, providers.Failed, "Acme deleted nothing"},
	}
	for _, c := range cases {
		o := p.ClassifyID(c.id, 200, h, []byte(c.body))
		if o.State != c.state || !strings.Contains(o.Message, c.message) {
			t.Errorf("%s: %s (%q), want %s with %q", c.name, o.State, o.Message, c.state, c.message)
		}
		if c.state == providers.Failed && o.Code != exit.Unexpected {
			t.Errorf("%s: exit %v, want unexpected", c.name, o.Code)
		}
	}
	// Without the id (a caller that cannot tell which key), nothing is confirmed.
	if o := p.Classify(200, h, []byte(`{"data":{"deleteKeys":{"deletedKeys":[{"id":"ABC123"}]}}}`)); o.State != providers.Failed {
		t.Errorf("Classify without the id = %+v", o)
	}
	// The engine's entry point hands the id over.
	if o := providers.ClassifyAnswer(p, id, 200, h, []byte(`{"data":{"deleteKeys":{"deletedKeys":[{"id":"ABC123"}]}}}`)); o.State != providers.Revoked {
		t.Errorf("ClassifyAnswer = %+v", o)
	}
}

// TestContainsAndGraphQLAreChecked: the new fields are refused where they
// cannot work, naming the field.
func TestContainsAndGraphQLAreChecked(t *testing.T) {
	cases := []struct{ from, to, field string }{
		{`contains: "{id}"`, `contains: "{id}", equals: true`, "contains"},
		{`contains: "{id}"`, `contains: "{key}"`, "contains"},
		{`contains: "{id}"`, `contains: "{id}", optional: true`, "optional"},
		{`contains: "{id}", `, ``, "equals"},
		{`query: "mutation($keys: DeleteInput!) { deleteKeys(keys: $keys) { deletedKeys { id } errors { message } } }"`, `query: "  "`, "graphql.query"},
		{`variables: {keys: {userKeyIds: ["{id}"]}}`, `variables: {keys: {userKeyIds: ["{key}"]}}`, "graphql.variables"},
		{"      graphql:\n", "      json: {a: b}\n      graphql:\n", "request.body"},
	}
	for _, c := range cases {
		def := strings.Replace(listing, c.from, c.to, 1)
		if def == listing {
			t.Fatalf("%q not in the definition", c.from)
		}
		_, err := providers.ParseDefinition("acme.yaml", []byte(def))
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: err = %v, want one naming %s", c.to, err, c.field)
		}
	}
}
