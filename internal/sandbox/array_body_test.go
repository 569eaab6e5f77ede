package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

// TestIDInArrayBodyIsRead: Azure DevOps' token admin takes the id inside a
// JSON array, [{"authorizationId": …}]; the emulator revokes that key.
func TestIDInArrayBodyIsRead(t *testing.T) {
	_, srv, _ := newServer(t, Options{})
	const id = "4f9b1c2d-3e4a-4b5c-8d6e-000000000011"
	send := func() int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/azuredevopsadmin/fabrikam/_apis/tokenadmin/revocations?api-version=7.1&isPublic=false",
			strings.NewReader(`[{"authorizationId":"`+id+`"}]`))
		req.Header.Set("Authorization", "Bearer "+Token("azuredevopsadmin"))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := send(); st != http.StatusNoContent {
		t.Fatalf("revoking seeded %s: %d, want 204", id, st)
	}
	if st := send(); st != http.StatusNotFound {
		t.Fatalf("revoking it again: %d, want 404", st)
	}
}
