package cmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/testutil"
)

// providerRow is the part of 'keyctl providers -o json' these tests read.
type providerRow struct {
	Name         string   `json:"name"`
	Confidence   string   `json:"confidence"`
	Experimental string   `json:"experimental"`
	Sources      []string `json:"sources"`
	Docs         string   `json:"docs"`
	Params       []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Source string `json:"source"`
	} `json:"params"`
	Answers []struct {
		Status  int    `json:"status"`
		Outcome string `json:"outcome"`
		Exit    int    `json:"exit_code"`
	} `json:"answers"`
}

func providerRows(t *testing.T, stdout string) map[string]providerRow {
	t.Helper()
	rows := map[string]providerRow{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r providerRow
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		rows[r.Name] = r
	}
	return rows
}

// experimentalProvider is a user definition with a stated doubt.
func experimentalProvider(t *testing.T) string {
	t.Helper()
	return userProviderDir(t, "acmeexp", `name: acmeexp
base_url: https://api.acme.example
confidence: partial
experimental: the success status is not documented
sources: ["https://acme.example/docs/keys"]
credential: {auth: {bearer: "{credential}"}}
revoke:
  request: {method: DELETE, path: "/keys/{id}"}
  answers: {"204": {outcome: revoked, describe: key deleted}}
`)
}

// TestProvidersListConfidenceAndParams: the listing gives each provider's
// confidence, experimental doubt, sources, parameters (and where each is
// set) and documented answers.
func TestProvidersListConfidenceAndParams(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_OPENAI_PROJECT_ID", "proj_env")
	code, out, errOut := run(t, testutil.NewClock(), "--providers-dir", experimentalProvider(t), "providers", "-o", "json")
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := providerRows(t, out)
	openai := rows["openai"]
	if openai.Confidence != "official-openapi" || len(openai.Sources) == 0 || openai.Docs == "" {
		t.Errorf("openai: %+v", openai)
	}
	if len(openai.Params) != 1 || openai.Params[0].Name != "project_id" || openai.Params[0].Value != "proj_env" || openai.Params[0].Source != "env KEYCTL_OPENAI_PROJECT_ID" {
		t.Errorf("openai params: %+v", openai.Params)
	}
	if tw := rows["twilio"]; len(tw.Params) != 1 || tw.Params[0].Source != "" {
		t.Errorf("twilio params (unset): %+v", tw.Params)
	}
	if a := openai.Answers; len(a) != 2 || a[0].Status != 200 || a[0].Outcome != "revoked" || a[1].Status != 400 || a[1].Exit != 7 {
		t.Errorf("openai answers: %+v", a)
	}
	if e := rows["acmeexp"]; e.Experimental != "the success status is not documented" || e.Confidence != "partial" {
		t.Errorf("acmeexp: %+v", e)
	}
}

// TestProvidersTableFitsTheTerminal: at a terminal the listing, with its
// parameters and confidence columns, fits the window; the experimental
// marker and a missing parameter are visible.
func TestProvidersTableFitsTheTerminal(t *testing.T) {
	testutil.IsolateEnv(t)
	dir := experimentalProvider(t)
	table := func(width int) string {
		io, _, out, errOut := iostreams.Test()
		io.SetTTY(false, true, true)
		io.SetWidth(width, width)
		f := &cmdutil.Factory{IO: io, Clock: testutil.NewClock()}
		if code := Run(context.Background(), f, []string{"--providers-dir", dir, "providers"}); code != exit.OK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		return out.String()
	}
	narrow := table(100)
	for _, line := range strings.Split(narrow, "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("line of %d columns at a width of 100: %q", n, line)
		}
	}
	if !strings.Contains(narrow, "EXPERIMENTAL") {
		t.Errorf("a narrow table cuts the experimental marker:\n%s", narrow)
	}
	wide := table(400)
	for _, want := range []string{"CONFIDENCE", "PARAMS", "EXPERIMENTAL, partial", "project_id (missing)", "official-openapi"} {
		if !strings.Contains(wide, want) {
			t.Errorf("table lacks %q:\n%s", want, wide)
		}
	}
}

// TestProvidersShowOne: 'keyctl providers NAME' shows the request, the
// credential, each parameter and where to set it, every documented answer
// with its exit code, the confidence, the sources and the docs.
func TestProvidersShowOne(t *testing.T) {
	testutil.IsolateEnv(t)
	code, out, errOut := run(t, testutil.NewClock(), "providers", "twilio", "-o", "table")
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"DELETE https://iam.twilio.com/v1/Keys/{id}",
		"Authorization: Basic ({param.account_sid}:<token>)",
		"missing: set KEYCTL_TWILIO_TOKEN",
		"param account_sid:",
		"--param account_sid=VALUE, KEYCTL_TWILIO_ACCOUNT_SID or providers.twilio.account_sid",
		"^AC[0-9a-fA-F]{32}$",
		"204", "revoked, exit 0",
		"404", "not_found, exit 6",
		"confidence:", "official-openapi",
		"twilio/twilio-oai:spec/json/twilio_iam_v1.json@d50069b44ea8cd23141385bdb6db48f16ff75bb5",
		"docs:", "https://twilio.com/docs/iam/api-keys/key-resource-v1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, testutil.NewClock(), "--providers-dir", experimentalProvider(t), "providers", "acmeexp", "-o", "table")
	if code != exit.OK || !strings.Contains(out, "EXPERIMENTAL:") || !strings.Contains(out, "the success status is not documented") {
		t.Errorf("experimental provider: exit %d\n%s", code, out)
	}
	code, _, errOut = run(t, testutil.NewClock(), "providers", "nope")
	if code != exit.Usage || !strings.Contains(errOut, "unknown provider") {
		t.Errorf("unknown provider: exit %d %s", code, errOut)
	}
}
