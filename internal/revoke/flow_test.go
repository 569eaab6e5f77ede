package revoke_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/httpclient"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/internal/retry"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/internal/testutil"
	"github.com/keyctl/keyctl/providers"
)

// secretDef is a provider whose secrets are looked up, then revoked by id
// with the credential, and verified; its secrets carry no id.
const secretDef = `
name: acme
base_url: https://api.acme.example
credential: {describe: an admin key, auth: {bearer: "{credential}"}}
revoke:
  request: {method: DELETE, path: "/keys/{id}"}
  answers:
    "204": {outcome: revoked}
    "404": {outcome: not_found}
secret:
  formats: [{name: key, pattern: '^acme_[a-z0-9]+$', prefix: acme_}]
lookup:
  auth: secret
  request: {method: GET, path: "/keys/self"}
  id: key.id
  answers:
    "200": {outcome: found}
    "401": {outcome: dead}
verify:
  auth: secret
  request: {method: GET, path: "/whoami"}
  answers:
    "200": {outcome: live}
    "401": {outcome: dead}
`

func defined(t *testing.T, yaml string) *providers.Defined {
	t.Helper()
	d, err := providers.ParseDefinition("acme.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// acme plays the provider: secrets map to key ids; a revoked key's
// secret stops working unless sticky.
type acme struct {
	mu       sync.Mutex
	ids      map[string]string // secret → id
	revoked  map[string]bool   // id → revoked
	sticky   bool
	requests []string
}

func (a *acme) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests = append(a.requests, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
	secret := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch {
	case r.Method == "GET" && r.URL.Path == "/keys/self":
		id, ok := a.ids[secret]
		if !ok || a.revoked[id] {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"key":{"id":"` + id + `"}}`))
	case r.Method == "DELETE" && strings.HasPrefix(r.URL.Path, "/keys/"):
		if secret != "admin" {
			w.WriteHeader(401)
			return
		}
		a.revoked[strings.TrimPrefix(r.URL.Path, "/keys/")] = !a.sticky
		w.WriteHeader(204)
	case r.URL.Path == "/whoami":
		if id, ok := a.ids[secret]; ok && !a.revoked[id] {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{}`))
			return
		}
		w.WriteHeader(401)
	}
}

func runFlow(t *testing.T, p *providers.Defined, srv string, token, secret string, o providers.FlowOptions, dry bool) revoke.Result {
	t.Helper()
	u, _ := url.Parse(srv)
	client, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &revoke.Engine{Client: client, Policy: retry.DefaultPolicy(), Concurrency: 1, Secrets: &redact.Secrets{}, DryRun: dry, Clock: testutil.NewClock()}
	tgt := providers.Target{BaseURL: u, Token: token}
	j := revoke.Job{Provider: p, Target: tgt, ID: providers.Fingerprint("acme_", secret), Secret: secret, Flow: providers.SecretFlow(p, tgt, secret, o)}
	var got []revoke.Result
	e.Run(context.Background(), func(yield func(revoke.Job) bool) { yield(j) }, func(b []revoke.Result) { got = append(got, b...) })
	if len(got) != 1 {
		t.Fatalf("%d results", len(got))
	}
	return got[0]
}

func TestLookupThenRevokeByIDThenVerify(t *testing.T) {
	a := &acme{ids: map[string]string{"acme_leaked1": "key_42"}, revoked: map[string]bool{}}
	srv := httptest.NewServer(a)
	defer srv.Close()
	r := runFlow(t, defined(t, secretDef), srv.URL, "admin", "acme_leaked1", providers.FlowOptions{Revoke: true, Verify: true}, false)
	if r.Outcome != providers.Confirmed || r.ExitCode != exit.OK || r.KeyID != "key_42" || r.Method != "lookup+revoke" {
		t.Fatalf("result %+v", r)
	}
	want := []string{"GET /keys/self Bearer acme_leaked1", "DELETE /keys/key_42 Bearer admin", "GET /whoami Bearer acme_leaked1"}
	if strings.Join(a.requests, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s", strings.Join(a.requests, "\n"))
	}
	if strings.Contains(r.Message+r.ID, "acme_leaked1") {
		t.Fatalf("the secret appears in the result: %+v", r)
	}
}

func TestLookupWithoutCredentialNamesTheIDAndSendsNoRevocation(t *testing.T) {
	a := &acme{ids: map[string]string{"acme_leaked1": "key_42"}, revoked: map[string]bool{}}
	srv := httptest.NewServer(a)
	defer srv.Close()
	r := runFlow(t, defined(t, secretDef), srv.URL, "", "acme_leaked1", providers.FlowOptions{Revoke: true}, false)
	if r.Outcome != providers.Failed || r.ExitCode != exit.Config || !strings.Contains(r.Message, "keyctl revoke acme key_42") {
		t.Fatalf("result %+v", r)
	}
	if len(a.requests) != 1 {
		t.Fatalf("requests %v", a.requests)
	}
}

func TestDeadSecretIsNotRevokedAgain(t *testing.T) {
	a := &acme{ids: map[string]string{}, revoked: map[string]bool{}}
	srv := httptest.NewServer(a)
	defer srv.Close()
	r := runFlow(t, defined(t, secretDef), srv.URL, "admin", "acme_gone", providers.FlowOptions{Revoke: true}, false)
	if r.Outcome != providers.Dead || r.ExitCode != exit.OK || len(a.requests) != 1 {
		t.Fatalf("result %+v, requests %v", r, a.requests)
	}
}

func TestSecretThatStillWorksAfterRevocationIsStillLive(t *testing.T) {
	a := &acme{ids: map[string]string{"acme_leaked1": "key_42"}, revoked: map[string]bool{}, sticky: true}
	srv := httptest.NewServer(a)
	defer srv.Close()
	r := runFlow(t, defined(t, secretDef), srv.URL, "admin", "acme_leaked1", providers.FlowOptions{Revoke: true, Verify: true}, false)
	if r.Outcome != providers.Revoked || r.ExitCode != exit.StillLive || !strings.Contains(r.Message, "still accepts the secret") {
		t.Fatalf("result %+v", r)
	}
	if r.HTTPStatus != 204 {
		t.Fatalf("status %d, want the revocation's 204", r.HTTPStatus)
	}
	verifications := 0
	for _, req := range a.requests {
		if strings.HasPrefix(req, "GET /whoami") {
			verifications++
		}
	}
	if verifications < 3 {
		t.Fatalf("verified %d times; a revocation may take seconds to propagate", verifications)
	}
}

func TestVerifyOnly(t *testing.T) {
	a := &acme{ids: map[string]string{"acme_live": "key_1"}, revoked: map[string]bool{}}
	srv := httptest.NewServer(a)
	defer srv.Close()
	p := defined(t, secretDef)
	if r := runFlow(t, p, srv.URL, "", "acme_live", providers.FlowOptions{Verify: true}, false); r.Outcome != providers.Live || r.ExitCode != exit.StillLive {
		t.Fatalf("live: %+v", r)
	}
	if r := runFlow(t, p, srv.URL, "", "acme_dead", providers.FlowOptions{Verify: true}, false); r.Outcome != providers.Dead || r.ExitCode != exit.OK {
		t.Fatalf("dead: %+v", r)
	}
}

func TestDryRunShowsThePlanWithoutTheSecret(t *testing.T) {
	p := defined(t, secretDef)
	r := runFlow(t, p, "https://api.acme.example", "admin", "acme_leaked1", providers.FlowOptions{Revoke: true, Verify: true}, true)
	if r.Outcome != providers.DryRun || !strings.Contains(r.Message, "GET https://api.acme.example/keys/self") || !strings.Contains(r.Message, "then revoke the id it returns with DELETE /keys/{id}") {
		t.Fatalf("result %+v", r)
	}
	if strings.Contains(r.Message, "acme_leaked1") || strings.Contains(r.Request.Headers["Authorization"], "acme_leaked1") {
		t.Fatalf("the secret appears in the dry run: %+v", r)
	}
}

func TestNoWayToRevokeIsManualWithTheNextStep(t *testing.T) {
	def := strings.Replace(secretDef, "lookup:", "unused_lookup:", 1)
	def = def[:strings.Index(def, "unused_lookup:")] + def[strings.Index(def, "verify:"):]
	p := defined(t, def)
	r := runFlow(t, p, "https://api.acme.example", "admin", "acme_leaked1", providers.FlowOptions{Revoke: true}, false)
	if r.Outcome != providers.Failed || r.ExitCode != exit.Manual || !strings.Contains(r.Message, "keyctl revoke acme <id>") {
		t.Fatalf("result %+v", r)
	}
}

// panicky is a provider whose reading of an answer panics with the secret
// in the panic's value: a defect that must cost one key, not the run or
// the secret.
type panicky struct{ *providers.Defined }

func (p panicky) SecretClassify(op string, status int, h http.Header, body []byte) providers.Outcome {
	panic("cannot read the answer about acme_leaked1")
}

func TestAPanicFailsOneKeyAndHidesItsValue(t *testing.T) {
	a := &acme{ids: map[string]string{"acme_leaked1": "key_42"}, revoked: map[string]bool{}}
	srv := httptest.NewServer(a)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	client, err := httpclient.New(httpclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &revoke.Engine{Client: client, Policy: retry.DefaultPolicy(), Concurrency: 1, Secrets: &redact.Secrets{}, Clock: testutil.NewClock()}
	bad := panicky{defined(t, secretDef)}
	tgt := providers.Target{BaseURL: u, Token: "admin"}
	jobs := []revoke.Job{
		{Provider: bad, Target: tgt, ID: "fp1", Secret: "acme_leaked1", Flow: providers.SecretFlow(bad, tgt, "acme_leaked1", providers.FlowOptions{Revoke: true})},
		{Provider: bad, Target: tgt, ID: "k2"},
	}
	var got []revoke.Result
	e.Run(context.Background(), func(yield func(revoke.Job) bool) {
		for _, j := range jobs {
			if !yield(j) {
				return
			}
		}
	}, func(b []revoke.Result) { got = append(got, b...) })
	if len(got) != 2 {
		t.Fatalf("%d results for 2 keys", len(got))
	}
	for _, r := range got {
		if r.ID == "fp1" && (r.Outcome != providers.Failed || r.ExitCode != exit.Unexpected || strings.Contains(r.Message, "acme_leaked1")) {
			t.Fatalf("the panicking key: %+v", r)
		}
	}
}
