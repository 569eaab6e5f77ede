package contract

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/icholy/digest"

	"github.com/keyctl/keyctl/providers"
)

const token = "contract-test-credential"

// startMocks starts one Prism mock per provider, at most three starting at
// once (startPrism): each takes a few seconds to start. Every operation and
// status of a provider is then played on its one mock.
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

// TestEveryDocumentedStatus runs keyctl against a Prism mock of each
// provider: for every request a definition sends (revoke by id, revoke by
// secret, lookup, verify), each documented status must give the
// definition's outcome and exit code, and Prism must find nothing wrong
// with the request: the exact request keyctl sends must be one the
// provider's own description accepts.
func TestEveryDocumentedStatus(t *testing.T) {
	needPrism(t)
	ds := describedProviders(t)
	mocks := startMocks(t, ds)
	t.Run("the checker catches violations", func(t *testing.T) { checkerCatchesViolations(t, mocks) })
	for _, d := range ds {
		t.Run(d.name, func(t *testing.T) {
			check, url := newChecker(t, mocks[d.name], d.prefix)
			check.setAccept(d.accept)
			if d.digest {
				check.playDigest(contractDigest(t, d.name))
			}
			base := url + urlPath(d.def.BaseURL)
			var secrets []string
			if d.def.RevokeBySecret != nil || d.def.Lookup != nil || d.def.Verify != nil {
				var err error
				if secrets, err = fakeSecrets(d.def); err != nil {
					t.Fatal(err)
				}
			}
			for _, op := range d.ops {
				for _, c := range op.cases {
					t.Run(fmt.Sprintf("%s_%d", op.name, c.status), func(t *testing.T) {
						check.setPrefer(fmt.Sprintf("code=%d", c.status))
						switch op.name {
						case providers.OpRevoke:
							revokeByID(t, d, c, check, base)
						case providers.OpRevokeBySecret:
							revokeBySecret(t, d, c, check, base, secrets)
						default:
							secretOperation(t, d, op.name, c, check, base, secrets)
						}
					})
				}
			}
		})
	}
}

// revokeByID: keyctl revoke NAME ID.
func revokeByID(t *testing.T, d described, c statusCase, check *checker, base string) {
	code, rs, stderr := keyctl(t, env(d.name, base, token), "revoke", d.name, d.id, "--retries", "1", "--max-wait", "5s")
	if v := check.take(); len(v) > 0 {
		t.Fatalf("Prism reports violations in keyctl's requests:\n%s", strings.Join(v, "\n"))
	}
	outcome, want := c.expected(check.body())
	if code != want || len(rs) != 1 || rs[0].Outcome != outcome || rs[0].HTTPStatus != c.status || rs[0].ExitCode != want {
		t.Fatalf("exit %d results %+v; want %s with exit %d\n%s", code, rs, outcome, want, stderr)
	}
	if rs[0].Message == "" {
		t.Fatal("empty message")
	}
}

// revokeBySecret: keyctl revoke NAME --secrets-from FILE, with a fake
// secret of each documented format. None may appear in what keyctl prints.
func revokeBySecret(t *testing.T, d described, c statusCase, check *checker, base string, secrets []string) {
	file := filepath.Join(t.TempDir(), "secrets")
	if err := os.WriteFile(file, []byte(strings.Join(secrets, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, rs, stdout, stderr := keyctlRaw(t, env(d.name, base, token), "revoke", d.name, "--secrets-from", file, "--retries", "1", "--max-wait", "5s")
	if l := leaked(stdout+stderr, d.def, secrets); len(l) > 0 {
		t.Fatalf("keyctl printed the secrets %v", l)
	}
	if v := check.take(); len(v) > 0 {
		t.Fatalf("Prism reports violations in keyctl's requests:\n%s", strings.Join(v, "\n"))
	}
	outcome, want := c.expected(check.body())
	if code != want || len(rs) != len(secrets) {
		t.Fatalf("exit %d with %d results for %d secrets; want exit %d\n%s\n%s", code, len(rs), len(secrets), want, stdout, stderr)
	}
	for _, r := range rs {
		if r.Outcome != outcome || r.HTTPStatus != c.status || r.ExitCode != want || r.Method != providers.OpRevokeBySecret || r.Message == "" {
			t.Fatalf("result %+v; want %s by %s with exit %d\n%s", r, outcome, providers.OpRevokeBySecret, want, stderr)
		}
	}
}

// secretOperation: a lookup or a verification, which keyctl revoke sends
// only on the way to another request (no keyctl verify command yet): the
// request comes from the definition as keyctl builds it, and the answer
// is read as keyctl reads it.
func secretOperation(t *testing.T, d described, op string, c statusCase, check *checker, base string, secrets []string) {
	p, err := providers.Lookup(d.name)
	if err != nil {
		t.Fatal(err)
	}
	h, ok := p.(providers.SecretHandler)
	if !ok {
		t.Fatalf("%s does not handle secrets", d.name)
	}
	u, err := neturl.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	target := providers.Target{BaseURL: u, Token: token, Params: map[string]string{}}
	for _, prm := range d.def.Params {
		target.Params[prm.Name] = prm.SandboxValue()
	}
	for _, secret := range secrets {
		req, err := h.SecretRequest(op, target, secret, "")
		if err != nil {
			t.Fatalf("%s request: %s", op, hide(err.Error()))
		}
		status, header, body := send(t, req)
		if v := check.take(); len(v) > 0 {
			t.Fatalf("Prism reports violations in keyctl's %s request:\n%s", op, strings.Join(v, "\n"))
		}
		o := h.SecretClassify(op, status, header, body)
		if l := leaked(o.Message+o.ID, d.def, secrets); len(l) > 0 {
			t.Fatalf("keyctl's reading of the answer shows the secrets %v", l)
		}
		outcome, want := c.expected(body)
		if status != c.status || string(o.State) != outcome || int(o.Code) != want || o.Message == "" {
			t.Fatalf("status %d read as %s (exit %d): %q; want %d read as %s with exit %d", status, o.State, o.Code, o.Message, c.status, outcome, want)
		}
		if o.State == providers.Found && o.ID == "" {
			t.Fatalf("lookup found no id: %q", o.Message)
		}
	}
}

// send performs a request keyctl built, as its engine does: every header
// as built, the body as is, no redirect followed.
func send(t *testing.T, r *providers.Request) (int, http.Header, []byte) {
	t.Helper()
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequest(r.Method, r.URL, body)
	if err != nil {
		t.Fatal(hide(err.Error()))
	}
	req.Header = r.Header.Clone()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(hide(err.Error()))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, providers.MaxBody))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// checkerCatchesViolations proves the suite can fail: requests with the
// wrong auth header, a wrong path or an id off the pattern are reported.
func checkerCatchesViolations(t *testing.T, mocks map[string]string) {
	cases := []struct {
		provider, method, path string
		header                 [2]string
		prefer                 string
	}{
		{"lava", "DELETE", "/secret_keys/sk_1", [2]string{"X-API-KEY", token}, "code=200"},                       // Lava wants a Bearer token
		{"liveavatar", "DELETE", "/v1/secrets/sec_1", [2]string{"Authorization", "Bearer " + token}, "code=200"}, // LiveAvatar wants X-API-KEY
		{"langwatch", "DELETE", "/api/api-keys/k", [2]string{"X-Auth-Token", token}, "code=200"},                 // a project key header, not the admin Bearer
		{"altostrat", "DELETE", "/api/keys/api_key_short", [2]string{"Authorization", "Bearer " + token}, "code=200"},
		{"lava", "DELETE", "/v1/secret_keys/sk_1", [2]string{"Authorization", "Bearer " + token}, "code=200"}, // base path twice
		// A leaked GitLab token sent the way GitLab does not take it.
		{"gitlab", "GET", "/personal_access_tokens/self", [2]string{"Authorization", "Bearer glpat-x"}, "code=200"},
		{"gitlab", "DELETE", "/personal_access_tokens/self", [2]string{"Private-Token-X", "glpat-x"}, "code=204"},
		{"datadog", "DELETE", "/api/v2/api_keys/k", [2]string{"DD-API-KEY", token}, "code=204"}, // the application key missing
	}
	for _, c := range cases {
		if mocks[c.provider] == "" {
			t.Fatalf("no mock of %s", c.provider)
		}
		check, url := newChecker(t, mocks[c.provider], "")
		check.setPrefer(c.prefer)
		req, _ := http.NewRequest(c.method, url+c.path, nil)
		req.Header.Set(c.header[0], c.header[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if v := check.take(); len(v) == 0 {
			t.Errorf("%s %s %s with %s: no violation reported (status %d)", c.provider, c.method, c.path, c.header[0], resp.StatusCode)
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
	check, url := newChecker(t, upstream.URL, "")
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
