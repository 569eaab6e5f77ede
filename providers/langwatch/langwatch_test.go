package langwatch

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/build"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/providertest"
)

func TestRequest(t *testing.T) {
	r, err := Adapter{}.Request(providertest.Target(t, "https://app.langwatch.ai", "sk-lw-abc_secret"), "key/1")
	if err != nil {
		t.Fatal(err)
	}
	providertest.CheckRequest(t, r, "https://app.langwatch.ai/api/api-keys/key%2F1", http.Header{
		"Authorization": {"Bearer sk-lw-abc_secret"},
		"Accept":        {"application/json"},
		"User-Agent":    {"keyctl/" + build.Version},
	})
}

func TestSelfHostedBaseURL(t *testing.T) {
	r, err := Adapter{}.Request(providertest.Target(t, "https://langwatch.internal.example/", "t"), "k")
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "https://langwatch.internal.example/api/api-keys/k" {
		t.Fatalf("URL = %s", r.URL)
	}
}

func TestCheckCredential(t *testing.T) {
	project := "sk-lw-projectkeyonly"
	w := Adapter{}.CheckCredential(project)
	if !strings.Contains(w, "project API key") || strings.Contains(w, project) {
		t.Errorf("project key warning = %q", w)
	}
	if w := (Adapter{}).CheckCredential("sk-lw-abc123_s3cr3t"); w != "" {
		t.Errorf("admin key warned: %q", w)
	}
	if w := (Adapter{}).CheckCredential("some-other-format"); w != "" {
		t.Errorf("unknown format warned: %q", w)
	}
}

func TestClassify(t *testing.T) {
	cases := []providertest.Case{
		{Name: "200", Status: 200, Body: `{"success":true}`, State: providers.Revoked, Code: exit.OK},
		{Name: "200 success false", Status: 200, Body: `{"success":false}`, State: providers.Failed, Code: exit.Unexpected, Message: []string{"success=false"}},
		// An answer that does not carry the documented {"success": true} does
		// not confirm a revocation.
		{Name: "200 empty body", Status: 200, State: providers.Failed, Code: exit.Unexpected, Message: []string{"may NOT be revoked"}},
		{Name: "200 html page", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html>ok</html>", State: providers.Failed, Code: exit.Unexpected, Message: []string{"HTML", "may NOT be revoked"}},
		{Name: "200 success wrong type", Status: 200, Body: `{"success":"yes"}`, State: providers.Failed, Code: exit.Unexpected, Message: []string{"success"}},
		{Name: "401 empty", Status: 401, State: providers.Failed, Code: exit.Auth, Message: []string{"401 Unauthorized", "KEYCTL_LANGWATCH_TOKEN", "admin key"}},
		{Name: "401 message", Status: 401, Body: `{"message":"Invalid API key"}`, State: providers.Failed, Code: exit.Auth, Message: []string{"Invalid API key"}},
		{Name: "403 owned by another user", Status: 403, Body: `{"error":"Forbidden"}`, State: providers.Failed, Code: exit.Permission, Message: []string{"Forbidden", "owned by another user"}},
		{Name: "404", Status: 404, State: providers.NotFound, Code: exit.NotFound, Message: []string{"404 Not Found"}},
		{Name: "409 already revoked", Status: 409, Body: `{"error":{"message":"API key is already revoked"}}`, State: providers.AlreadyRevoked, Code: exit.OK,
			Message: []string{"API key is already revoked"}},
		{Name: "409 empty", Status: 409, State: providers.AlreadyRevoked, Code: exit.OK, Message: []string{"already revoked"}},
	}
	cases = append(cases, providertest.GarbageCases()...)
	providertest.Classify(t, Adapter{}, cases)
}
