package contract

import (
	"os"
	"path/filepath"
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
	ops     []operation  // every request it sends, matched to the description
	cases   []statusCase // the revoke operation's
	id      string
	// digest: the provider authenticates with HTTP Digest, which Prism
	// cannot check; openapi is then a copy without the security
	// requirement, and the tests play or check Digest themselves.
	digest bool
	// prefix is the server path the description's templates follow
	// ("/api/v4"): the checker takes it off before Prism matches a path.
	prefix string
	// accept: the Accept header values the description requires; Prism
	// reads a copy that also takes application/json (acceptAnswered).
	accept []string
}

// op is the definition's operation of that name, nil if it has none.
func (d described) op(name string) *operation {
	for i := range d.ops {
		if d.ops[i].name == name {
			return &d.ops[i]
		}
	}
	return nil
}

// statusCase is one documented status and what keyctl must report for it.
type statusCase struct {
	status  int
	outcome string
	code    int
	answer  providers.Answer // where cases tell answers apart by body
}

// describedProviders walks every definition that has an OpenAPI description
// beside it: each request the definition sends must be an operation of the
// description (same method and path template), and each status the
// description documents for it must be mapped by the definition.
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
		f, err := parseFragment(file, data)
		if err != nil {
			t.Fatal(err)
		}
		x := described{name: d.Name, openapi: file, def: d, id: d.ID.Example, digest: d.Credential.Auth.Digest != nil}
		if x.digest {
			x.openapi = digestFree(t, file, data)
		} else if x.accept = requiredAccept(data); len(x.accept) > 0 {
			x.openapi = acceptAnswered(t, file, data)
		}
		if x.id == "" {
			x.id = "key_1"
		}
		var errs []string
		x.ops, x.prefix, errs = checkOperations(filepath.Join(defsDir, d.Name+".yaml"), d, f)
		for _, e := range errs {
			t.Error(e)
		}
		if op := x.op(providers.OpRevoke); op != nil {
			x.cases = op.cases
		}
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

// codeOf is the exit code keyctl must give an answer to an operation, as
// docs/definitions.md defines it: a success exits 0 whatever its exit
// field, a secret that still works exits still_live, anything else takes
// its exit field, else its outcome's code, else the status's.
func codeOf(a providers.Answer, status int) exit.Code {
	switch a.Outcome {
	case "revoked", "submitted", "found":
		return exit.OK
	case "live":
		return exit.StillLive
	}
	if c, ok := exitNamed(a.Exit); ok {
		return c
	}
	switch a.Outcome {
	case "already_revoked", "dead":
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

// exitNamed is the exit code of that name in the public table.
func exitNamed(name string) (exit.Code, bool) {
	for _, e := range exit.Table {
		if name != "" && e.Name == name {
			return e.Code, true
		}
	}
	return 0, false
}

// requiredAccept are the media types a description requires as the Accept
// header of its requests (Pulumi's versioned application/vnd.pulumi+8).
func requiredAccept(data []byte) []string {
	var doc struct {
		Components struct {
			Parameters map[string]struct {
				Name   string `yaml:"name"`
				In     string `yaml:"in"`
				Schema struct {
					Enum []string `yaml:"enum"`
				} `yaml:"schema"`
			} `yaml:"parameters"`
		} `yaml:"components"`
	}
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	var out []string
	for _, p := range doc.Components.Parameters {
		if p.In == "header" && strings.EqualFold(p.Name, "Accept") {
			out = append(out, p.Schema.Enum...)
		}
	}
	return out
}

// acceptAnswered writes a copy of a description whose requests must accept
// a versioned media type (Pulumi: Accept: application/vnd.pulumi+8) while
// its answers are documented as application/json: Prism's mock negotiates
// the answer's type by the Accept header and, finding none, answers with
// an error instead of the documented JSON. The copy also takes
// application/json as the Accept header; the checker checks the header
// keyctl sends against the required types itself, then asks Prism for
// application/json (see checker.accept).
func acceptAnswered(t *testing.T, file string, data []byte) string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	components, _ := doc["components"].(map[string]any)
	params, _ := components["parameters"].(map[string]any)
	for _, p := range params {
		m, _ := p.(map[string]any)
		if name, _ := m["name"].(string); m["in"] == "header" && strings.EqualFold(name, "Accept") {
			if schema, ok := m["schema"].(map[string]any); ok {
				if enum, ok := schema["enum"].([]any); ok {
					schema["enum"] = append(enum, "application/json")
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
