package providers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	_ "github.com/keyctl/keyctl/providers/all"
)

// signing stands for a provider data cannot describe (a request-signing
// scheme): a Go adapter behind the same interface.
type signing struct{}

func (signing) Info() providers.Info { return providers.Info{Name: "signing", Title: "Signing"} }
func (signing) Request(t providers.Target, id string) (*providers.Request, error) {
	return providers.NewRequest(t, "/keys/", id)
}
func (signing) Classify(status int, h http.Header, _ []byte) providers.Outcome {
	if status == http.StatusNoContent { // its documented success
		return providers.Outcome{State: providers.Revoked, Code: exit.OK}
	}
	return providers.FromStatus(status, h, "")
}

// TestGoAdaptersDefinitionsAndUserDefinitionsShareTheRegistry: the engine
// sees one kind of provider; user definitions come and go as a set and
// never touch the built-ins.
func TestGoAdaptersDefinitionsAndUserDefinitionsShareTheRegistry(t *testing.T) {
	providers.Register(signing{})
	user, err := providers.ParseDefinition("mine/lava.yaml", []byte(`name: lava
override: true
base_url: https://lava.internal.example
credential: {auth: {bearer: "{credential}"}}
revoke:
  request: {method: DELETE, path: "/k/{id}"}
  answers: {"204": {outcome: revoked}}
`))
	if err != nil {
		t.Fatal(err)
	}
	extra, err := providers.ParseDefinition("mine/extra.yaml", []byte(strings.Replace(minimal, "name: acme", "name: extra", 1)))
	if err != nil {
		t.Fatal(err)
	}
	warnings, err := providers.SetUserDefinitions([]*providers.Definition{user, extra})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "replaces the built-in provider \"lava\"") {
		t.Fatalf("warnings %v, err %v", warnings, err)
	}
	names := strings.Join(providers.Names(), " ")
	for _, want := range []string{"signing", "lava", "extra", "altostrat"} {
		if !strings.Contains(" "+names+" ", " "+want+" ") {
			t.Errorf("names %q lack %s", names, want)
		}
	}
	if p, _ := providers.Lookup("lava"); p.Info().DefaultBaseURL != "https://lava.internal.example" {
		t.Errorf("the override is not in effect: %+v", p.Info())
	}
	if p, _ := providers.Lookup("signing"); p.Classify(204, http.Header{}, nil).Code != exit.OK {
		t.Error("the Go adapter is not reachable")
	}
	// Without override: true a built-in cannot be replaced.
	user.Override = false
	if _, err := providers.SetUserDefinitions([]*providers.Definition{user}); err == nil || !strings.Contains(err.Error(), "override: true") {
		t.Errorf("err = %v", err)
	}
	if p, _ := providers.Lookup("lava"); p.Info().DefaultBaseURL != "https://api.lava.so/v1" {
		t.Errorf("the built-in is not back: %+v", p.Info())
	}
	if _, err := providers.Lookup("extra"); err == nil {
		t.Error("a user definition outlived its set")
	}
	_, _ = providers.SetUserDefinitions(nil)
}
