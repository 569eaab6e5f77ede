package lava

import (
	"net/http"
	"testing"

	"github.com/keyctl/keyctl/internal/build"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/providertest"
)

func TestRequest(t *testing.T) {
	tgt := providertest.Target(t, "https://api.lava.so/v1", "sk-test-123")
	cases := map[string]string{
		"sk_abc":    "https://api.lava.so/v1/secret_keys/sk_abc",
		"a/b":       "https://api.lava.so/v1/secret_keys/a%2Fb",
		"a?b#c%d e": "https://api.lava.so/v1/secret_keys/a%3Fb%23c%25d%20e",
		"..a":       "https://api.lava.so/v1/secret_keys/..a",
		"ключ":      "https://api.lava.so/v1/secret_keys/%D0%BA%D0%BB%D1%8E%D1%87",
	}
	for id, want := range cases {
		r, err := Adapter{}.Request(tgt, id)
		if err != nil {
			t.Fatalf("Request(%q): %v", id, err)
		}
		providertest.CheckRequest(t, r, want, http.Header{
			"Authorization": {"Bearer sk-test-123"},
			"Accept":        {"application/json"},
			"User-Agent":    {"keyctl/" + build.Version},
		})
	}
}

func TestRequestKeepsBasePathAndDropsTrailingSlash(t *testing.T) {
	r, err := Adapter{}.Request(providertest.Target(t, "http://127.0.0.1:8080/proxy/lava/v1/", "t"), "k1")
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "http://127.0.0.1:8080/proxy/lava/v1/secret_keys/k1" {
		t.Fatalf("URL = %s", r.URL)
	}
}

func TestRequestRefusesBadIDs(t *testing.T) {
	for _, id := range []string{"", ".", "..", "a\nb", "a\x00", "tab\there", "\x7f"} {
		if _, err := (Adapter{}).Request(providertest.Target(t, "https://api.lava.so/v1", "t"), id); err == nil {
			t.Errorf("Request(%q) accepted a malformed id", id)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []providertest.Case{
		{Name: "200 revoked", Status: 200, Body: `{"id":"sk_1","deleted":true}`, State: providers.Revoked, Code: exit.OK},
		{Name: "200 deleted false", Status: 200, Body: `{"id":"sk_1","deleted":false}`, State: providers.Failed, Code: exit.Unexpected, Message: []string{"deleted=false"}},
		{Name: "200 wrong-typed id does not hide deleted false", Status: 200, Body: `{"id":1,"deleted":false}`, State: providers.Failed, Code: exit.Unexpected, Message: []string{"deleted=false"}},
		{Name: "200 without deleted", Status: 200, Body: `{"id":"sk_1"}`, State: providers.Failed, Code: exit.Unexpected, Message: []string{"without deleted", "may NOT be revoked"}},
		{Name: "200 html page", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html>ok</html>", State: providers.Failed, Code: exit.Unexpected, Message: []string{"HTML"}},
		{Name: "201 undocumented", Status: 201, Body: `{"id":"sk_1","deleted":true}`, State: providers.Failed, Code: exit.Unexpected, Message: []string{"does not define"}},
		{Name: "400 last key", Status: 400,
			Body:  `{"error":{"message":"Cannot delete the last remaining secret key","code":"last_secret_key","status":400}}`,
			State: providers.Failed, Code: exit.Conflict, Message: []string{"Cannot delete the last remaining secret key (last_secret_key)", "create a replacement key first"}},
		{Name: "400 empty body still hints", Status: 400, State: providers.Failed, Code: exit.Conflict, Message: []string{"400 Bad Request", "last remaining"}},
		{Name: "401", Status: 401, Body: `{"error":{"message":"Invalid authentication credentials","code":"unauthorized","status":401}}`,
			State: providers.Failed, Code: exit.Auth, Message: []string{"Invalid authentication credentials", "KEYCTL_LAVA_TOKEN"}},
		{Name: "404", Status: 404, Body: `{"error":{"message":"Secret key not found","code":"not_found","status":404}}`,
			State: providers.NotFound, Code: exit.NotFound, Message: []string{"Secret key not found"}},
		{Name: "body status disagrees with HTTP status", Status: 404, Body: `{"error":{"message":"nope","code":"x","status":500}}`,
			State: providers.NotFound, Code: exit.NotFound},
		{Name: "429 cooldown", Status: 429, Header: http.Header{"Retry-After": {"12"}},
			Body:  `{"error":{"message":"Cooldown period active","code":"cooldown","status":429}}`,
			State: providers.Failed, Code: exit.RateLimited, Message: []string{"Cooldown period active", "15 seconds", "Retry-After: 12"}},
		{Name: "issues", Status: 422, Body: `{"error":{"message":"Invalid","code":"invalid","status":422,"issues":[{"path":["id"],"message":"bad id"}]}}`,
			State: providers.Failed, Code: exit.Invalid, Message: []string{"Invalid (invalid); id: bad id"}},
		{Name: "control chars in message", Status: 404, Body: `{"error":{"message":"a\u001b[31mred\nline","code":"x","status":404}}`,
			State: providers.NotFound, Code: exit.NotFound, Message: []string{"a [31mred line"}},
	}
	cases = append(cases, providertest.GarbageCases()...)
	providertest.Classify(t, Adapter{}, cases)
}

func TestCooldownIsKeyOnly(t *testing.T) {
	h := http.Header{"Retry-After": {"12"}}
	if o := (Adapter{}).Classify(429, h, []byte(`{"error":{"message":"Cooldown period active","code":"x","status":429}}`)); !o.KeyOnly {
		t.Error("the documented cooldown 429 must concern the key only")
	}
	if o := (Adapter{}).Classify(429, h, []byte(`{"error":{"message":"Too many requests","code":"rate_limited","status":429}}`)); o.KeyOnly {
		t.Error("a rate limit must pause the provider")
	}
	if o := (Adapter{}).Classify(429, h, nil); o.KeyOnly {
		t.Error("an unexplained 429 must pause the provider")
	}
}
