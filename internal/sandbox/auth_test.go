package sandbox

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/icholy/digest"
)

// TestDigestChallenge: the emulator plays HTTP Digest: no answer or a
// wrong one gets 401 with a challenge, a right one revokes, and a nonce
// answers once.
func TestDigestChallenge(t *testing.T) {
	srv := httptest.NewServer(New(Options{}).Handler())
	defer srv.Close()
	path := basePath("mongodbatlas") + "/api/atlas/v2/orgs/" + Params("mongodbatlas")["org_id"] + "/apiKeys/6a1b2c3d4e5f60718293a4b1"
	send := func(auth string) *http.Response {
		req, _ := http.NewRequest(http.MethodDelete, srv.URL+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	answer := func(resp *http.Response, user, password string) string {
		chal, err := digest.FindChallenge(resp.Header)
		if err != nil {
			t.Fatalf("no Digest challenge in a %d: %v", resp.StatusCode, err)
		}
		cred, err := digest.Digest(chal, digest.Options{Method: http.MethodDelete, URI: path, Username: user, Password: password, Count: 1})
		if err != nil {
			t.Fatal(err)
		}
		return cred.String()
	}
	user, password := ExtraCredentials("mongodbatlas")["public_key"], Token("mongodbatlas")

	first := send("")
	if first.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without credentials: %d", first.StatusCode)
	}
	if r := send(answer(first, user, "wrong-private-key")); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong password: %d, want 401", r.StatusCode)
	}
	if r := send(answer(first, user, password)); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a nonce answered twice: %d, want 401", r.StatusCode)
	}
	if r := send(answer(send(""), "wronguser", password)); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong user: %d, want 401", r.StatusCode)
	}
	if r := send(answer(send(""), user, password)); r.StatusCode != http.StatusNoContent {
		t.Fatalf("the right answer: %d, want 204", r.StatusCode)
	}
}

// TestEveryAuthHeaderIsChecked: a provider sending two credential headers
// (Datadog) is refused when either is wrong or missing.
func TestEveryAuthHeaderIsChecked(t *testing.T) {
	srv := httptest.NewServer(New(Options{}).Handler())
	defer srv.Close()
	app := ExtraCredentials("datadog")["application_key"]
	cases := []struct {
		api, app string
		want     int
	}{
		{Token("datadog"), "", http.StatusUnauthorized},
		{Token("datadog"), "wrong", http.StatusUnauthorized},
		{"wrong", app, http.StatusUnauthorized},
		{Token("datadog"), app, http.StatusNoContent},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/datadog/api/v2/api_keys/3fa85f64-5717-4562-b3fc-2c963f66afa2", nil)
		req.Header.Set("DD-API-KEY", c.api)
		if c.app != "" {
			req.Header.Set("DD-APPLICATION-KEY", c.app)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("DD-API-KEY %q, DD-APPLICATION-KEY %q: %d, want %d", c.api, c.app, resp.StatusCode, c.want)
		}
	}
}
