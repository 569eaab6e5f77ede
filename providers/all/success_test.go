package all_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	_ "github.com/keyctl/keyctl/providers/all"
)

// These tests go through the registry only, so they hold for any
// implementation of the providers: a 2xx is revoked only when it looks like
// the provider's documented success, and anything else is failed (exit 1)
// with a message saying what came back and what to check.

type answer struct {
	name        string
	status      int
	contentType string
	body        string
}

const signInPage = `<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>`

// documentedSuccess is each provider's success as its document defines it.
var documentedSuccess = map[string][]answer{
	"lava": {
		{"200 deleted true", 200, "application/json", `{"id":"sk_1","deleted":true}`},
		{"200 id of another type", 200, "application/json", `{"id":1,"deleted":true}`},
	},
	"langwatch": {
		{"200 success true", 200, "application/json", `{"success":true}`},
		{"200 object without success", 200, "application/json", `{}`},
	},
	"liveavatar": {
		{"200 code 100", 200, "application/json", `{"code":100,"data":null,"message":"Secret deleted"}`},
		{"200 code defaulted", 200, "application/json", `{"data":null}`},
		{"200 message of another type", 200, "application/json", `{"code":100,"data":null,"message":7}`},
	},
	"altostrat": {
		{"204", 204, "", ""},
	},
}

// notASuccess are 2xx answers no provider documents as a revocation.
var notASuccess = map[string][]answer{
	"lava": {
		{"200 deleted false with an id of another type", 200, "application/json", `{"id":1,"deleted":false}`},
		{"200 deleted false", 200, "application/json", `{"id":"sk_1","deleted":false}`},
		{"200 deleted as a string", 200, "application/json", `{"id":"sk_1","deleted":"true"}`},
		{"200 without deleted", 200, "application/json", `{"id":"sk_1"}`},
		{"200 empty body", 200, "", ""},
		{"204", 204, "", ""},
		{"201", 201, "application/json", `{"id":"sk_1","deleted":true}`},
	},
	"langwatch": {
		{"200 success false", 200, "application/json", `{"success":false}`},
		{"200 success false beside a field of another type", 200, "application/json", `{"success":false,"extra":{"a":[1,"x"]}}`},
		{"200 success as a string", 200, "application/json", `{"success":"yes"}`},
		{"200 empty body", 200, "", ""},
		{"200 json array", 200, "application/json", `[true]`},
		{"202", 202, "application/json", `{"success":true}`},
	},
	"liveavatar": {
		{"200 envelope code 4001", 200, "application/json", `{"code":4001,"data":null,"message":"secret locked"}`},
		{"200 code 400 with a message of another type", 200, "application/json", `{"code":400,"data":null,"message":7}`},
		{"200 code as a string", 200, "application/json", `{"code":"100"}`},
		{"200 empty body", 200, "", ""},
		{"204", 204, "", ""},
	},
	"altostrat": {
		{"200 json", 200, "application/json", `{"message":"deleted"}`},
		{"200 empty", 200, "", ""},
	},
}

func classify(t *testing.T, provider string, a answer) providers.Outcome {
	t.Helper()
	p, err := providers.Lookup(provider)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if a.contentType != "" {
		h.Set("Content-Type", a.contentType)
	}
	return p.Classify(a.status, h, []byte(a.body))
}

func TestSuccessDocumentedAnswerIsRevoked(t *testing.T) {
	for provider, answers := range documentedSuccess {
		for _, a := range answers {
			t.Run(provider+"/"+a.name, func(t *testing.T) {
				o := classify(t, provider, a)
				if o.State != providers.Revoked || o.Code != exit.OK {
					t.Fatalf("%s/%d: %s (%q)", o.State, o.Code, o.State, o.Message)
				}
			})
		}
	}
}

func TestSuccessSignInPageIsNeverRevoked(t *testing.T) {
	for _, provider := range providers.Names() {
		for _, status := range []int{200, 201} {
			t.Run(fmt.Sprintf("%s/%d", provider, status), func(t *testing.T) {
				o := classify(t, provider, answer{status: status, contentType: "text/html; charset=utf-8", body: signInPage})
				if o.State != providers.Failed || o.Code != exit.Unexpected {
					t.Fatalf("a %d sign-in page: %s/%d (%q), want failed/1", status, o.State, o.Code, o.Message)
				}
				if status == 200 && revokedBy200(provider) && !strings.Contains(o.Message, "HTML") {
					t.Errorf("message %q does not say an HTML page came back", o.Message)
				}
				assertTellsWhatToCheck(t, o.Message)
			})
		}
	}
}

// revokedBy200 reports whether the provider documents 200 as a revocation:
// only then is a 200 sign-in page read as a body at all (a 204 provider's
// 200 is undocumented whatever it holds).
func revokedBy200(provider string) bool {
	p, err := providers.Lookup(provider)
	if err != nil {
		return false
	}
	d, ok := p.(*providers.Defined)
	return !ok || d.Definition().Revoke.Answers["200"].Outcome == "revoked"
}

func TestSuccessUndocumentedAnswerIsFailed(t *testing.T) {
	for provider, answers := range notASuccess {
		for _, a := range answers {
			t.Run(provider+"/"+a.name, func(t *testing.T) {
				o := classify(t, provider, a)
				if o.State != providers.Failed || o.Code != exit.Unexpected {
					t.Fatalf("%s/%d (%q), want failed/1", o.State, o.Code, o.Message)
				}
				assertTellsWhatToCheck(t, o.Message)
			})
		}
	}
}

func assertTellsWhatToCheck(t *testing.T, msg string) {
	t.Helper()
	for _, want := range []string{"may NOT be revoked", "base URL", "proxy", "verify"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
}
