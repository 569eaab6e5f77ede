package liveavatar

import (
	"net/http"
	"testing"

	"github.com/keyctl/keyctl/internal/build"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/providertest"
)

func TestRequestUsesXAPIKeyAndNoAuthorization(t *testing.T) {
	r, err := Adapter{}.Request(providertest.Target(t, "https://api.liveavatar.com", "la-key-1"), "sec 1")
	if err != nil {
		t.Fatal(err)
	}
	providertest.CheckRequest(t, r, "https://api.liveavatar.com/v1/secrets/sec%201", http.Header{
		"X-Api-Key":  {"la-key-1"},
		"Accept":     {"application/json"},
		"User-Agent": {"keyctl/" + build.Version},
	})
	if r.Header.Get("Authorization") != "" {
		t.Error("LiveAvatar request carries an Authorization header")
	}
}

func TestClassify(t *testing.T) {
	cases := []providertest.Case{
		{Name: "200", Status: 200, Body: `{"code":100,"data":null,"message":"Secret deleted"}`, State: providers.Revoked, Code: exit.OK},
		// The envelope's success code is 100; without it nothing confirms the deletion.
		// The documented schema gives code the default 100.
		{Name: "200 without code", Status: 200, Body: `{"data":null}`, State: providers.Revoked, Code: exit.OK},
		{Name: "200 html page", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html>ok</html>", State: providers.Failed, Code: exit.Unexpected, Message: []string{"HTML"}},
		{Name: "200 error code", Status: 200, Body: `{"code":4001,"data":null,"message":"secret locked"}`, State: providers.Failed, Code: exit.Unexpected,
			Message: []string{"code 4001", "secret locked", "may NOT be revoked"}},
		{Name: "400 no space", Status: 400, Body: `{"detail":"User has no associated space"}`, State: providers.Failed, Code: exit.Conflict,
			Message: []string{"User has no associated space", "no associated LiveAvatar space"}},
		{Name: "400 envelope", Status: 400, Body: `{"code":400,"data":null,"message":"no space"}`, State: providers.Failed, Code: exit.Conflict, Message: []string{"no space"}},
		{Name: "401", Status: 401, Body: `{"detail":"Invalid API key"}`, State: providers.Failed, Code: exit.Auth, Message: []string{"Invalid API key", "KEYCTL_LIVEAVATAR_TOKEN"}},
		{Name: "404", Status: 404, Body: `{"detail":"Secret not found"}`, State: providers.NotFound, Code: exit.NotFound, Message: []string{"Secret not found"}},
		{Name: "422 fastapi", Status: 422,
			Body:  `{"detail":[{"loc":["path","secret_id"],"msg":"Input should be a valid UUID","type":"uuid_parsing","input":"x"},{"loc":["header",0],"msg":"m2","type":"t2"}]}`,
			State: providers.Failed, Code: exit.Invalid, Message: []string{"path.secret_id: Input should be a valid UUID (uuid_parsing); header.0: m2 (t2)"}},
	}
	cases = append(cases, providertest.GarbageCases()...)
	providertest.Classify(t, Adapter{}, cases)
}
