package providers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/providers"
)

// TestIDInQuery: a provider that names the key in a query parameter (Azure
// DevOps' ?authorizationId=) is a valid definition and gets the id there,
// escaped; one whose request carries the id nowhere is refused.
func TestIDInQuery(t *testing.T) {
	def := strings.Replace(minimal, `request: {method: DELETE, path: "/keys/{id}"}`,
		`request: {method: DELETE, path: "/keys", query: {keyId: "{id}", v: "1"}}`, 1)
	d, err := providers.ParseDefinition("acme.yaml", []byte(def))
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://api.acme.example/v2")
	r, err := p.Request(providers.Target{BaseURL: u, Token: "tok"}, "k&1")
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "https://api.acme.example/v2/keys?keyId=k%261&v=1" {
		t.Fatalf("URL = %s", r.URL)
	}

	nowhere := strings.Replace(minimal, `path: "/keys/{id}"`, `path: "/keys", query: {v: "{id}x"}`, 1)
	_, err = providers.ParseDefinition("acme.yaml", []byte(nowhere))
	if err == nil || !strings.Contains(err.Error(), "the id must appear") {
		t.Fatalf("a request without the id: err = %v", err)
	}
}
