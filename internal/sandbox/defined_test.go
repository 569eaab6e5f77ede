package sandbox

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/providers"
)

// TestEveryHookNamedExists: a definition cannot switch on a scenario the
// emulator does not have.
func TestEveryHookNamedExists(t *testing.T) {
	s := New(Options{})
	if len(s.providers) < 4 {
		t.Fatalf("emulating %d providers", len(s.providers))
	}
	for name, e := range s.providers {
		if len(e.unknownHooks) > 0 {
			t.Errorf("%s names unknown sandbox hooks %v", name, e.unknownHooks)
		}
		routed := e.route != ""
		for _, o := range e.secretOps { // a provider may revoke only by secret
			routed = routed || o.route != ""
		}
		if !routed {
			t.Errorf("%s is not routed", name)
		}
	}
}

// TestDefinitionWithoutSandboxSection: a provider known only from its
// definition is emulated from it: auth, success body from its confirming
// fields, id in a JSON body, already-revoked status.
func TestDefinitionWithoutSandboxSection(t *testing.T) {
	d, err := providers.ParseDefinition("acmetest.yaml", []byte(`name: acmetest
base_url: https://api.acme.example/v1
credential:
  auth: {header: {name: X-Acme-Key, value: "{credential}"}}
revoke:
  request:
    method: POST
    path: /keys/revoke
    body: {json: {key: {id: "{id}"}}}
  answers:
    "200": {outcome: revoked, confirm: [{path: result.ok, equals: true}]}
    "409": {outcome: already_revoked}
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := providers.RegisterDefinition(d, true); err != nil {
		t.Fatal(err)
	}
	seeded := 0
	for _, k := range New(Options{}).Keys() {
		if k.Provider == "acmetest" && strings.HasPrefix(k.ID, "demo_") && k.State == Active {
			seeded++
		}
	}
	if seeded != 3 {
		t.Fatalf("%d demo keys seeded for a definition without a sandbox section, want 3", seeded)
	}
	_, srv, _ := newServer(t, Options{AnyID: true})
	if BaseURLs(srv.URL)["acmetest"] != srv.URL+"/acmetest/v1" {
		t.Fatalf("base URL %q", BaseURLs(srv.URL)["acmetest"])
	}
	p, _ := providers.Lookup("acmetest")
	send := func(token string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/acmetest/v1/keys/revoke", strings.NewReader(`{"key":{"id":"k1"}}`))
		req.Header.Set("X-Acme-Key", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 512)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		return resp.StatusCode, b.String()
	}
	if st, _ := send("wrong"); st != 401 {
		t.Fatalf("wrong credential: %d", st)
	}
	st, body := send(Token("acmetest"))
	if o := p.Classify(st, http.Header{}, []byte(body)); st != 200 || o.State != providers.Revoked {
		t.Fatalf("revoke: %d %s → %+v", st, body, o)
	}
	if st, _ := send(Token("acmetest")); st != 409 {
		t.Fatalf("twice: %d, want the documented already-revoked 409", st)
	}
}
