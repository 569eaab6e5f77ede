package altostrat

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/build"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/providertest"
)

const validID = "api_key_0123456789abcdefghijABCDEFG"

func TestRequest(t *testing.T) {
	r, err := Adapter{}.Request(providertest.Target(t, "https://v1.api.altostrat.io", "jwt.token.sig"), validID)
	if err != nil {
		t.Fatal(err)
	}
	providertest.CheckRequest(t, r, "https://v1.api.altostrat.io/api/keys/"+validID, http.Header{
		"Authorization": {"Bearer jwt.token.sig"},
		"Accept":        {"application/json"},
		"User-Agent":    {"keyctl/" + build.Version},
	})
}

func TestIDPattern(t *testing.T) {
	tgt := providertest.Target(t, "https://v1.api.altostrat.io", "t")
	docExample := "api_key_2m3h5n7k9j8g7f6e5d4c3b2a" // the document's example: 24 characters, off its own pattern
	for _, id := range []string{docExample, "key_123", validID + "x", "api_key_0123456789abcdefghij-BCDEFG"} {
		_, err := Adapter{}.Request(tgt, id)
		var ide *providers.IDError
		if !errors.As(err, &ide) || !strings.Contains(err.Error(), "^api_key_[0-9A-Za-z]{27}$") || !strings.Contains(err.Error(), "--skip-id-check") {
			t.Errorf("Request(%q) err = %v, want an IDError naming the pattern and --skip-id-check", id, err)
		}
	}
	tgt.SkipIDCheck = true
	r, err := Adapter{}.Request(tgt, docExample)
	if err != nil || !strings.HasSuffix(r.URL, "/api/keys/"+docExample) {
		t.Fatalf("with SkipIDCheck: %v %v", r, err)
	}
	if _, err := (Adapter{}).Request(tgt, ".."); err == nil {
		t.Fatal("SkipIDCheck must not let a dot segment through")
	}
	if !idPattern.MatchString(idExample) {
		t.Fatal("the example in our own error message must match the pattern")
	}
}

func TestClassify(t *testing.T) {
	cases := []providertest.Case{
		{Name: "204", Status: 204, State: providers.Revoked, Code: exit.OK},
		// Only 204 is documented as success.
		{Name: "200 undocumented", Status: 200, Body: `{}`, State: providers.Failed, Code: exit.Unexpected, Message: []string{"does not define"}},
		{Name: "200 html page", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html>ok</html>", State: providers.Failed, Code: exit.Unexpected},
		{Name: "401", Status: 401, Body: `{"message":"Unauthenticated."}`, State: providers.Failed, Code: exit.Auth,
			Message: []string{"Unauthenticated.", "KEYCTL_ALTOSTRAT_TOKEN"}},
		{Name: "404", Status: 404, Body: `{"message":"The given data was invalid.","errors":{"id":["The selected id is invalid."],"b":["x","y"]}}`,
			State: providers.NotFound, Code: exit.NotFound, Message: []string{"The given data was invalid.; b: x, y; id: The selected id is invalid."}},
		{Name: "404 errors only", Status: 404, Body: `{"errors":{"id":["unknown"]}}`, State: providers.NotFound, Code: exit.NotFound, Message: []string{"id: unknown"}},
	}
	cases = append(cases, providertest.GarbageCases()...)
	providertest.Classify(t, Adapter{}, cases)
}
