package contract

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	_ "github.com/keyctl/keyctl/providers/all"
)

// defsDir holds the built-in definitions and their OpenAPI descriptions.
const defsDir = "../../providers/defs"

// described is a definition with an OpenAPI description beside it.
type described struct {
	name    string
	openapi string // path of the description
	def     *providers.Definition
	cases   []statusCase
	id      string
	// digest: the provider authenticates with HTTP Digest, which Prism
	// cannot check; openapi is then a copy without the security
	// requirement, and the tests play or check Digest themselves.
	digest bool
}

// statusCase is one documented status and what keyctl must report for it.
type statusCase struct {
	status  int
	outcome string
	code    int
}

// describedProviders walks every definition that has an OpenAPI description
// beside it; each status the description documents for the revoke
// operation must be mapped by the definition.
func describedProviders(t *testing.T) []described {
	t.Helper()
	var out []described
	for _, p := range providers.All() {
		dp, ok := p.(*providers.Defined)
		if !ok {
			continue
		}
		d := dp.Definition()
		file := filepath.Join(defsDir, d.Name+providers.OpenAPISuffix)
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		// A path item holds operations beside path-level parameters and
		// servers: only the revoke method's operation is decoded.
		var doc struct {
			Paths map[string]map[string]yaml.Node `yaml:"paths"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		x := described{name: d.Name, openapi: file, def: d, id: d.ID.Example, digest: d.Credential.Auth.Digest != nil}
		if x.digest {
			x.openapi = digestFree(t, file, data)
		}
		if x.id == "" {
			x.id = "key_1"
		}
		for _, ops := range doc.Paths {
			for method, node := range ops {
				if !d.HasRevoke() || !strings.EqualFold(method, d.Revoke.Request.Method) {
					continue
				}
				var op struct {
					Responses map[string]any `yaml:"responses"`
				}
				if err := node.Decode(&op); err != nil {
					t.Fatalf("%s: %s: %v", file, method, err)
				}
				for key := range op.Responses {
					st, err := strconv.Atoi(key)
					if err != nil {
						continue
					}
					a, ok := d.Revoke.Answers[key]
					if !ok {
						t.Errorf("%s documents %d but %s.yaml does not map it", file, st, d.Name)
						continue
					}
					x.cases = append(x.cases, statusCase{st, outcomeOf(a), int(codeOf(a, st))})
				}
			}
		}
		sort.Slice(x.cases, func(i, j int) bool { return x.cases[i].status < x.cases[j].status })
		out = append(out, x)
	}
	if len(out) < 4 {
		t.Fatalf("only %d definitions have an OpenAPI description", len(out))
	}
	return out
}

// outcomeOf is the outcome a definition declares for an answer.
func outcomeOf(a providers.Answer) string {
	if a.Outcome == "" {
		return "failed"
	}
	return a.Outcome
}

// codeOf is the exit code a definition declares for an answer.
func codeOf(a providers.Answer, status int) exit.Code {
	for _, e := range exit.Table {
		if a.Exit != "" && e.Name == a.Exit {
			return e.Code
		}
	}
	switch a.Outcome {
	case "revoked", "submitted", "already_revoked":
		return exit.OK
	case "not_found":
		return exit.NotFound
	}
	return providers.FromStatus(status, nil, "").Code
}

// digestFree writes a copy of an OpenAPI description without its security
// requirements, for a provider that authenticates with HTTP Digest: Prism
// refuses every real Digest answer (see playDigest), so the copy lets it
// check the rest of each request and every response.
func digestFree(t *testing.T, file string, data []byte) string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	delete(doc, "security")
	if paths, ok := doc["paths"].(map[string]any); ok {
		for _, item := range paths {
			ops, _ := item.(map[string]any)
			for _, op := range ops {
				if m, ok := op.(map[string]any); ok {
					delete(m, "security")
				}
			}
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	copyFile := filepath.Join(t.TempDir(), filepath.Base(file))
	if err := os.WriteFile(copyFile, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return copyFile
}
