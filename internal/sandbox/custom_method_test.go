package sandbox

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestCustomMethodAfterTheID: Google's keys/{id}:disable puts a suffix in
// the id's path segment, which ServeMux cannot route; the emulator routes
// the segment and reads the id without the suffix, and the same path
// without :disable is not the revoke request.
func TestCustomMethodAfterTheID(t *testing.T) {
	s, srv, _ := newServer(t, Options{})
	if e := s.providers["gcpsakeydisable"]; e == nil || e.route == "" {
		t.Fatal("gcpsakeydisable is not routed")
	}
	const id = "0f561cc41650ff521899de2fd653bd3de08e2da4"
	keys := srv.URL + "/gcpsakeydisable/v1/projects/my-project/serviceAccounts/my-sa@my-project.iam.gserviceaccount.com/keys/"
	send := func(url string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+Token("gcpsakeydisable"))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := send(keys + id); st != http.StatusNotFound || strings.Contains(body, "Service account key") {
		t.Fatalf("without :disable: %d %s, want the router's 404", st, body)
	}
	if st, body := send(keys + id + ":disable"); st != http.StatusOK || strings.TrimSpace(body) != "{}" {
		t.Fatalf("disabling seeded %s: %d %s, want 200 {}", id, st, body)
	}
	if st, _ := send(keys + id + ":disable"); st != http.StatusNotFound {
		t.Fatalf("disabling it again: %d, want 404", st)
	}
	if st, _ := send(keys + "e5e3800831ac1adc8a5849da7d827b4724b1fce8:enable"); st != http.StatusNotFound {
		t.Fatalf("another custom method: %d, want 404", st)
	}
}

func TestCutIDSuffix(t *testing.T) {
	cases := []struct{ path, route, suffix string }{
		{"/keys/{id}:disable", "/keys/{id}", ":disable"},
		{"/keys/{id}", "/keys/{id}", ""},
		{"/keys/{id}/revoke", "/keys/{id}/revoke", ""},
		{"/keys/revoke", "/keys/revoke", ""},
		{"/keys/{id}:{param_x}", "/keys/{id}:{param_x}", ""},
	}
	for _, c := range cases {
		if r, s := cutIDSuffix(c.path); r != c.route || s != c.suffix {
			t.Errorf("cutIDSuffix(%q) = %q, %q; want %q, %q", c.path, r, s, c.route, c.suffix)
		}
	}
}
