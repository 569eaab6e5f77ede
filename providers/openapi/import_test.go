package openapi_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
	"github.com/keyctl/keyctl/providers/openapi"
	"github.com/keyctl/keyctl/providers/providertest"
)

// testdata holds providers' own documents as published (OpenAPI inside
// Markdown): the four seeds and three from the catalog.
const specs = "testdata"

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func imported(t *testing.T, doc []byte, opts openapi.Options) *providers.Defined {
	t.Helper()
	text, err := openapi.Import(doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	d, err := providers.ParseDefinition("imported.yaml", []byte(text))
	if err != nil {
		t.Fatalf("the draft does not load: %v\n%s", err, text)
	}
	p, err := providers.NewDefined(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "# Drafted by keyctl providers import") {
		t.Errorf("no header comment:\n%s", text)
	}
	return p
}

// TestImportSeedsBehaveLikeTheBuiltins imports each seed provider's own
// document and checks the draft sends the built-in's request and reads
// every answer to the same outcome and exit code.
func TestImportSeedsBehaveLikeTheBuiltins(t *testing.T) {
	bodies := []string{"", "<html><body>ok</body></html>", `{}`, `{"id":"k","deleted":true}`, `{"id":1,"deleted":false}`,
		`{"success":true}`, `{"success":false}`, `{"code":100,"data":null,"message":"ok"}`, `{"code":4001,"message":"locked"}`,
		`{"error":{"message":"Cooldown period active","code":"secret_key_cooldown","status":429}}`,
		`{"error":{"message":"Too many requests","code":"rate_limited","status":429}}`,
		`{"detail":"Secret not found"}`, `{"message":"The given data was invalid.","errors":{"id":["bad"]}}`, `[1,2]`, `{"error": {"message": "cut`}
	statuses := []int{200, 201, 204, 301, 400, 401, 403, 404, 409, 418, 422, 429, 500, 503}
	for _, name := range []string{"lava", "langwatch", "liveavatar", "altostrat"} {
		t.Run(name, func(t *testing.T) {
			got := imported(t, read(t, filepath.Join(specs, name+".md")), openapi.Options{Source: name + ".md"})
			want := defs.Builtin(name)
			if got.Info().Name != name || got.Info().DefaultBaseURL != want.Info().DefaultBaseURL || got.Info().Endpoint != want.Info().Endpoint {
				t.Fatalf("info %+v, want %+v", got.Info(), want.Info())
			}
			id := "api_key_0123456789abcdefghijABCDEFG"
			tgt := providertest.Target(t, want.Info().DefaultBaseURL, "tok-123")
			gr, gerr := got.Request(tgt, id)
			wr, werr := want.Request(tgt, id)
			if gerr != nil || werr != nil || gr.Method != wr.Method || gr.URL != wr.URL || !sameHeader(gr.Header, wr.Header) {
				t.Fatalf("request %+v (%v), want %+v (%v)", gr, gerr, wr, werr)
			}
			if name == "altostrat" {
				if _, err := got.Request(tgt, "api_key_short"); err == nil {
					t.Error("the imported id pattern lets an id off the pattern through")
				}
			}
			for _, st := range statuses {
				for _, b := range bodies {
					h := http.Header{"Retry-After": {"3"}, "Location": {"https://x.example/"}}
					if strings.HasPrefix(b, "<") {
						h.Set("Content-Type", "text/html")
					}
					g, w := got.Classify(st, h, []byte(b)), want.Classify(st, h, []byte(b))
					if g.State != w.State || g.Code != w.Code || g.KeyOnly != w.KeyOnly {
						t.Errorf("%d %s: imported %s/%v/%v (%s), built-in %s/%v/%v (%s)", st, b, g.State, g.Code, g.KeyOnly, g.Message, w.State, w.Code, w.KeyOnly, w.Message)
					}
				}
			}
			for _, c := range providertest.GarbageCases() {
				g, w := got.Classify(c.Status, c.Header, []byte(c.Body)), want.Classify(c.Status, c.Header, []byte(c.Body))
				if g.State != w.State || g.Code != w.Code {
					t.Errorf("%s: imported %s/%v, built-in %s/%v", c.Name, g.State, g.Code, w.State, w.Code)
				}
			}
		})
	}
}

func sameHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a.Get(k) != b.Get(k) {
			return false
		}
	}
	return true
}

// TestImportCatalogDocuments drafts definitions from real providers'
// documents and checks what each must get right.
func TestImportCatalogDocuments(t *testing.T) {
	cases := []struct {
		file, operation, name string
		url, header, value    string
		check                 func(t *testing.T, p *providers.Defined)
	}{
		{"launchdarkly.md", "deleteToken", "", "https://app.launchdarkly.com/api/v2/tokens/k1", "Authorization", "tok-123", func(t *testing.T, p *providers.Defined) {
			if o := p.Classify(204, http.Header{}, nil); o.State != providers.Revoked {
				t.Errorf("204 = %+v", o)
			}
			if o := p.Classify(200, http.Header{}, []byte(`{}`)); o.State != providers.Failed {
				t.Errorf("undocumented 200 = %+v", o)
			}
			if o := p.Classify(404, http.Header{}, []byte(`{"code":"not_found","message":"Invalid resource identifier"}`)); o.State != providers.NotFound || !strings.Contains(o.Message, "Invalid resource identifier") {
				t.Errorf("404 = %+v", o)
			}
		}},
		{"okta.md", "DELETE /api/v1/api-tokens/{apiTokenId}", "", "https://subdomain.okta.com/api/v1/api-tokens/k1", "Authorization", "SSWS tok-123", func(t *testing.T, p *providers.Defined) {
			if o := p.Classify(403, http.Header{}, []byte(`{"errorCode":"E0000006","errorSummary":"You do not have permission"}`)); o.Code != 5 || !strings.Contains(o.Message, "You do not have permission") {
				t.Errorf("403 = %+v", o)
			}
		}},
		{"confluent-cloud.md", "", "confluent", "https://api.confluent.cloud/iam/v2/api-keys/k1", "Authorization", "Basic dXNlcjp0b2stMTIz", func(t *testing.T, p *providers.Defined) {
			if len(p.Definition().Params) != 1 || p.Definition().Params[0].Name != "username" {
				t.Errorf("params %+v", p.Definition().Params)
			}
			if o := p.Classify(404, http.Header{}, []byte(`{"errors":[{"status":"404","detail":"API key not found"}]}`)); o.State != providers.NotFound || !strings.Contains(o.Message, "API key not found") {
				t.Errorf("404 = %+v", o)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := imported(t, read(t, filepath.Join(specs, c.file)), openapi.Options{Operation: c.operation, Name: c.name})
			u, _ := url.Parse(p.Info().DefaultBaseURL)
			r, err := p.Request(providers.Target{BaseURL: u, Token: "tok-123", Params: map[string]string{"username": "user"}}, "k1")
			if err != nil {
				t.Fatal(err)
			}
			if r.Method != "DELETE" || r.URL != c.url || r.Header.Get(c.header) != c.value {
				t.Fatalf("request %s %s %v", r.Method, r.URL, r.Header)
			}
			c.check(t, p)
		})
	}
}

func TestImportErrors(t *testing.T) {
	if _, err := openapi.Import([]byte("# not an API\n"), openapi.Options{}); err == nil || !strings.Contains(err.Error(), "no OpenAPI document") {
		t.Errorf("err = %v", err)
	}
	doc := read(t, filepath.Join(specs, "launchdarkly.md"))
	if _, err := openapi.Import(doc, openapi.Options{Operation: "nope"}); err == nil || !strings.Contains(err.Error(), "deleteToken") {
		t.Errorf("unknown operation: %v", err)
	}
}
