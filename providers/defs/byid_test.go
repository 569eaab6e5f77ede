package defs_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// TestByIDRequestsOnTheWire: Elasticsearch, New Relic, Google's API keys
// and key disabling and Heroku send their documented requests (npm is
// tested with its leaked-token operations).
func TestByIDRequestsOnTheWire(t *testing.T) {
	const cred = "s3cret-credential"
	nerdgraph := func(list, id string) string {
		return `{"query":"mutation($keys: ApiAccessDeleteInput!) { apiAccessDeleteKeys(keys: $keys) { deletedKeys { id } errors { message type } } }","variables":{"keys":{"` + list + `":["` + id + `"]}}}`
	}
	cases := []struct {
		provider, base, id string
		params             map[string]string
		method, url        string
		header             map[string]string
		body               string
	}{
		{"elasticsearch", "https://es.example.com:9200", "VuaCfGcBCdbkQm-e5aOx", nil,
			"DELETE", "https://es.example.com:9200/_security/api_key",
			map[string]string{"Authorization": "ApiKey " + cred, "Content-Type": "application/json"}, `{"ids":["VuaCfGcBCdbkQm-e5aOx"]}`},
		{"newrelic", "https://api.eu.newrelic.com", "F2E8A1B3C4", nil,
			"POST", "https://api.eu.newrelic.com/graphql",
			map[string]string{"Api-Key": cred, "Authorization": "", "Content-Type": "application/json"}, nerdgraph("userKeyIds", "F2E8A1B3C4")},
		{"newrelicingest", "https://api.newrelic.com", "F2E8A1B3C4", nil,
			"POST", "https://api.newrelic.com/graphql",
			map[string]string{"Api-Key": cred}, nerdgraph("ingestKeyIds", "F2E8A1B3C4")},
		{"googleapikey", "https://apikeys.googleapis.com", "9a1b2c3d-0000-4000-8000-000000000001", map[string]string{"project": "my-project"},
			"DELETE", "https://apikeys.googleapis.com/v2/projects/my-project/locations/global/keys/9a1b2c3d-0000-4000-8000-000000000001",
			map[string]string{"Authorization": "Bearer " + cred}, ""},
		{"gcpsakeydisable", "https://iam.googleapis.com", "0f561cc41650ff521899de2fd653bd3de08e2da4", map[string]string{"project": "my-project", "account": "my-sa@my-project.iam.gserviceaccount.com"},
			"POST", "https://iam.googleapis.com/v1/projects/my-project/serviceAccounts/my-sa@my-project.iam.gserviceaccount.com/keys/0f561cc41650ff521899de2fd653bd3de08e2da4:disable",
			map[string]string{"Authorization": "Bearer " + cred, "Content-Type": "application/json"}, `{}`},
		{"heroku", "https://api.heroku.com", "01234567-89ab-cdef-0123-456789abcdef", nil,
			"DELETE", "https://api.heroku.com/oauth/authorizations/01234567-89ab-cdef-0123-456789abcdef",
			map[string]string{"Authorization": "Bearer " + cred, "Accept": "application/vnd.heroku+json; version=3"}, ""},
	}
	for _, c := range cases {
		t.Run(c.provider, func(t *testing.T) {
			u, _ := url.Parse(c.base)
			r, err := defs.Builtin(c.provider).Request(providers.Target{BaseURL: u, Token: cred, Params: c.params}, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Method != c.method || r.URL != c.url {
				t.Errorf("request line %s %s, want %s %s", r.Method, r.URL, c.method, c.url)
			}
			for k, v := range c.header {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if string(r.Body) != c.body {
				t.Errorf("body %s\nwant %s", r.Body, c.body)
			}
		})
	}
}

// TestByIDAnswers: a success is revoked only when the answer says so for
// the key sent: listed among the invalidated or deleted keys, or a
// finished operation without an error.
func TestByIDAnswers(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	const es, nr = "VuaCfGcBCdbkQm-e5aOx", "F2E8A1B3C4"
	cases := []struct {
		provider, id string
		status       int
		body         string
		state        providers.State
		code         exit.Code
		message      string
	}{
		{"elasticsearch", es, 200, `{"invalidated_api_keys":["` + es + `"],"previously_invalidated_api_keys":[],"error_count":0}`, providers.Revoked, exit.OK, "revoked"},
		{"elasticsearch", es, 200, `{"invalidated_api_keys":[],"previously_invalidated_api_keys":["` + es + `"],"error_count":0}`, providers.Failed, exit.Unexpected, "previously_invalidated_api_keys: [" + es + "]"},
		{"elasticsearch", es, 200, `{"invalidated_api_keys":[],"previously_invalidated_api_keys":[],"error_count":0}`, providers.Failed, exit.Unexpected, "did not list the key"},
		{"elasticsearch", es, 200, `{"invalidated_api_keys":[],"previously_invalidated_api_keys":[],"error_count":1,"error_details":[{"type":"exception","reason":"boom"}]}`, providers.Failed, exit.Unexpected, "error_count: 1 boom"},
		{"elasticsearch", es, 403, `{"error":{"type":"security_exception","reason":"action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized"},"status":403}`, providers.Failed, exit.Permission, "is unauthorized (security_exception)"},
		{"newrelic", nr, 200, `{"data":{"apiAccessDeleteKeys":{"deletedKeys":[{"id":"` + nr + `"}],"errors":[]}}}`, providers.Revoked, exit.OK, "revoked"},
		{"newrelic", nr, 200, `{"data":{"apiAccessDeleteKeys":{"deletedKeys":[],"errors":[{"message":"Key not found","type":"NOT_FOUND"}]}}}`, providers.Failed, exit.Unexpected, "New Relic did not delete the key: Key not found"},
		{"newrelic", nr, 200, `{"data":null,"errors":[{"message":"Invalid API key"}]}`, providers.Failed, exit.Unexpected, "Invalid API key"},
		{"newrelicingest", nr, 200, `{"data":{"apiAccessDeleteKeys":{"deletedKeys":[{"id":"` + nr + `"}],"errors":[]}}}`, providers.Revoked, exit.OK, "revoked"},
		{"newrelicingest", nr, 200, `{"data":{"apiAccessDeleteKeys":{"deletedKeys":[{"id":"OTHER"}],"errors":[]}}}`, providers.Failed, exit.Unexpected, "did not delete the key"},
		{"googleapikey", "k", 200, `{"name":"operations/akmf.p7-1","done":true,"response":{"name":"projects/p/locations/global/keys/k"}}`, providers.Revoked, exit.OK, "revoked"},
		{"googleapikey", "k", 200, `{"name":"operations/akmf.p7-1","done":false}`, providers.Failed, exit.Unexpected, "poll GET https://apikeys.googleapis.com/v2/operations/akmf.p7-1"},
		{"googleapikey", "k", 200, `{"name":"operations/akmf.p7-1","done":true,"error":{"code":9,"message":"key is in use"}}`, providers.Failed, exit.Unexpected, "failed: key is in use (9)"},
		{"googleapikey", "k", 404, `{"error":{"code":404,"message":"Key not found.","status":"NOT_FOUND"}}`, providers.NotFound, exit.NotFound, "Key not found. (NOT_FOUND)"},
		{"gcpsakeydisable", "k", 200, `{}`, providers.Revoked, exit.OK, "revoked"},
		{"heroku", "k", 200, `{"id":"k","scope":["global"]}`, providers.Revoked, exit.OK, "revoked"},
		{"heroku", "k", 200, ``, providers.Failed, exit.Unexpected, "not its documented JSON"},
		{"heroku", "k", 404, `{"id":"not_found","message":"Couldn't find that authorization."}`, providers.NotFound, exit.NotFound, "Couldn't find that authorization. (not_found)"},
		{"gcpsakeydisable", "k", 403, `{"error":{"code":403,"message":"Permission denied.","status":"PERMISSION_DENIED"}}`, providers.Failed, exit.Permission, "iam.serviceAccountKeys.disable"},
	}
	for _, c := range cases {
		o := defs.Builtin(c.provider).ClassifyID(c.id, c.status, json, []byte(c.body))
		if o.State != c.state || o.Code != c.code || !strings.Contains(o.Message, c.message) {
			t.Errorf("%s %d %s: %s/%d (%s), want %s/%d with %q", c.provider, c.status, c.body, o.State, o.Code, o.Message, c.state, c.code, c.message)
		}
	}
}
