package sandbox

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestIDInGraphQLVariablesIsRead: New Relic names the key in the GraphQL
// variables; the emulator deletes that key and lists it in its answer.
func TestIDInGraphQLVariablesIsRead(t *testing.T) {
	_, srv, _ := newServer(t, Options{})
	const id = "SANDBOXUSERKEY000001"
	send := func() (int, string) {
		body := `{"query":"mutation($keys: ApiAccessDeleteInput!) { apiAccessDeleteKeys(keys: $keys) { deletedKeys { id } } }","variables":{"keys":{"userKeyIds":["` + id + `"]}}}`
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/newrelic/graphql", strings.NewReader(body))
		req.Header.Set("API-Key", Token("newrelic"))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := send(); st != http.StatusOK || !strings.Contains(body, `"deletedKeys":[{"id":"`+id+`"}]`) {
		t.Fatalf("deleting seeded %s: %d %s", id, st, body)
	}
	if st, _ := send(); st != http.StatusNotFound {
		t.Fatalf("deleting it again: %d, want 404", st)
	}
}
