package contract

import (
	"fmt"
	"net/http/httptest"
	"sync/atomic"

	"github.com/icholy/digest"

	"github.com/keyctl/keyctl/providers"
	"net/http"
	"sync"
	"testing"
)

const token = "contract-test-credential"

// startMocks starts one Prism mock per provider, in parallel: each takes a
// few seconds to start.
func startMocks(t *testing.T, ds []described) map[string]string {
	t.Helper()
	urls := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, d := range ds {
		p := d.name
		wg.Go(func() {
			u := startPrism(t, "mock", d.openapi)
			mu.Lock()
			urls[p] = u
			mu.Unlock()
		})
	}
	wg.Wait()
	return urls
}

// TestEveryDocumentedStatus runs keyctl against Prism mocks of each
// provider: each documented status must give the right outcome and exit
// code, and Prism must find nothing wrong with any request keyctl sends.
func TestEveryDocumentedStatus(t *testing.T) {
	needPrism(t)
	ds := describedProviders(t)
	mocks := startMocks(t, ds)
	for _, d := range ds {
		provider := d.name
		check, url := newChecker(t, mocks[provider])
		if d.digest {
			check.playDigest(contractDigest(t, provider))
		}
		for _, c := range d.cases {
			t.Run(fmt.Sprintf("%s_%d", provider, c.status), func(t *testing.T) {
				check.setPrefer(fmt.Sprintf("code=%d", c.status))
				code, rs, stderr := keyctl(t, env(provider, url, token), "revoke", provider, d.id, "--retries", "1", "--max-wait", "5s")
				if v := check.take(); len(v) > 0 {
					t.Fatalf("Prism reports violations in keyctl's requests:\n%v", v)
				}
				if code != c.code || len(rs) != 1 || rs[0].Outcome != c.outcome || rs[0].HTTPStatus != c.status || rs[0].ExitCode != c.code {
					t.Fatalf("exit %d results %+v; want %s with exit %d\n%s", code, rs, c.outcome, c.code, stderr)
				}
				if rs[0].Message == "" {
					t.Fatal("empty message")
				}
			})
		}
	}
}

// TestTheCheckerCatchesViolations proves the suite can fail: requests with
// the wrong auth header, a wrong path or an id off the pattern are reported.
func TestTheCheckerCatchesViolations(t *testing.T) {
	needPrism(t)
	mocks := startMocks(t, describedProviders(t))
	cases := []struct {
		provider, path string
		header         [2]string
	}{
		{"lava", "/secret_keys/sk_1", [2]string{"X-API-KEY", token}},                       // Lava wants a Bearer token
		{"liveavatar", "/v1/secrets/sec_1", [2]string{"Authorization", "Bearer " + token}}, // LiveAvatar wants X-API-KEY
		{"langwatch", "/api/api-keys/k", [2]string{"X-Auth-Token", token}},                 // a project key header, not the admin Bearer
		{"altostrat", "/api/keys/api_key_short", [2]string{"Authorization", "Bearer " + token}},
		{"lava", "/v1/secret_keys/sk_1", [2]string{"Authorization", "Bearer " + token}}, // base path twice
		{"datadog", "/api/v2/api_keys/k", [2]string{"DD-API-KEY", token}},               // the application key missing
	}
	for _, c := range cases {
		check, url := newChecker(t, mocks[c.provider])
		check.setPrefer("code=200")
		req, _ := http.NewRequest(http.MethodDelete, url+c.path, nil)
		req.Header.Set(c.header[0], c.header[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if v := check.take(); len(v) == 0 {
			t.Errorf("%s %s with %s: no violation reported (status %d)", c.provider, c.path, c.header[0], resp.StatusCode)
		}
	}
}

// contractDigest is the Digest user and password keyctl sends with the
// credentials env gives it.
func contractDigest(t *testing.T, provider string) (user, password string) {
	t.Helper()
	p, err := providers.Lookup(provider)
	if err != nil {
		t.Fatal(err)
	}
	dp := p.(*providers.Defined)
	extra := map[string]string{}
	for _, x := range dp.Definition().Credential.Extra {
		extra[x.Name] = "contract-test-" + x.Name
	}
	a, err := dp.DigestCredentials(providers.Target{Token: token, Extra: extra})
	if err != nil || a == nil {
		t.Fatalf("%s: no Digest credentials: %v", provider, err)
	}
	return a.User, a.Password
}

// TestTheDigestCheckerCatchesAWrongAnswer proves the Digest side of the
// checker can fail: no answer gets a challenge, a wrong one is a violation
// and is not passed on.
func TestTheDigestCheckerCatchesAWrongAnswer(t *testing.T) {
	var passed atomic.Int32
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { passed.Add(1); w.WriteHeader(204) }))
	defer upstream.Close()
	check, url := newChecker(t, upstream.URL)
	check.playDigest("pub", "priv")
	send := func(auth string) *http.Response {
		req, _ := http.NewRequest(http.MethodDelete, url+"/k", nil)
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
	first := send("")
	chal, err := digest.FindChallenge(first.Header)
	if first.StatusCode != 401 || err != nil || len(check.take()) != 0 {
		t.Fatalf("no answer: %d, challenge %v", first.StatusCode, err)
	}
	wrong, _ := digest.Digest(chal, digest.Options{Method: http.MethodDelete, URI: "/k", Username: "pub", Password: "not-priv", Count: 1})
	if r := send(wrong.String()); r.StatusCode != 401 || len(check.take()) != 1 || passed.Load() != 0 {
		t.Fatalf("a wrong answer: %d, passed on %d times", r.StatusCode, passed.Load())
	}
	chal, _ = digest.FindChallenge(send("").Header)
	right, _ := digest.Digest(chal, digest.Options{Method: http.MethodDelete, URI: "/k", Username: "pub", Password: "priv", Count: 1})
	if r := send(right.String()); r.StatusCode != 204 || len(check.take()) != 0 || passed.Load() != 1 {
		t.Fatalf("the right answer: %d, passed on %d times", r.StatusCode, passed.Load())
	}
}
