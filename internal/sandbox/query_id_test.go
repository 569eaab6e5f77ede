package sandbox

import (
	"net/http"
	"testing"
)

// TestIDInQueryIsRead: Azure DevOps names the PAT in ?authorizationId=; the
// emulator revokes that key, not an empty id.
func TestIDInQueryIsRead(t *testing.T) {
	_, srv, _ := newServer(t, Options{})
	const id = "4f9b1c2d-3e4a-4b5c-8d6e-000000000001"
	send := func() int {
		req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/azuredevops/fabrikam/_apis/tokens/pats?authorizationId="+id+"&api-version=7.1-preview.1", nil)
		req.Header.Set("Authorization", "Bearer "+Token("azuredevops"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := send(); st != http.StatusOK {
		t.Fatalf("revoking seeded %s: %d, want 200", id, st)
	}
	if st := send(); st != http.StatusNotFound {
		t.Fatalf("revoking it again: %d, want 404", st)
	}
}
