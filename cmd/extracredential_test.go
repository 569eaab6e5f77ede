package cmd

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
)

const appKey = "ddapp-TEST-s3cr3t-0002"

// TestDatadogSendsBothKeys: the API key and the application key each go in
// their header, and neither appears anywhere in the output or the trace,
// even echoed back by the server.
func TestDatadogSendsBothKeys(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 403, `{"errors":["Forbidden: `+r.Header.Get("DD-APPLICATION-KEY")+` / `+r.Header.Get("DD-API-KEY")+`"]}`,
			"X-Echo", r.Header.Get("DD-APPLICATION-KEY"))
	})
	t.Setenv("KEYCTL_DATADOG_BASE_URL", srv.URL)
	t.Setenv("KEYCTL_DATADOG_TOKEN", secret)
	t.Setenv("KEYCTL_DATADOG_APPLICATION_KEY", appKey)
	code, stdout, stderr := run(t, nil, "revoke", "datadog", "3fa85f64-5717-4562-b3fc-2c963f66afa1", "-o", "json", "--no-audit", "--debug")
	if code != exit.Permission {
		t.Fatalf("exit %d, want %d\n%s", code, exit.Permission, stderr)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != "DELETE" || r.RequestURI != "/api/v2/api_keys/3fa85f64-5717-4562-b3fc-2c963f66afa1" ||
		r.Header.Get("DD-API-KEY") != secret || r.Header.Get("DD-APPLICATION-KEY") != appKey || r.Header.Get("Authorization") != "" {
		t.Errorf("request %s %s with headers %v", r.Method, r.RequestURI, r.Header)
	}
	for _, want := range []string{"> Dd-Api-Key: [REDACTED]", "> Dd-Application-Key: [REDACTED]"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("trace lacks %q:\n%s", want, stderr)
		}
	}
	rs := results(t, stdout)
	if len(rs) != 1 || !strings.Contains(rs[0].Message, "Forbidden: [REDACTED] / [REDACTED]") {
		t.Errorf("results %+v", rs)
	}
	assertNoSecret(t, stdout, stderr)
	if strings.Contains(stdout+stderr, appKey) {
		t.Fatalf("the application key leaked:\n%s\n%s", stdout, stderr)
	}
}

// TestMissingExtraCredentialSendsNothing: without the application key the
// run stops with exit 3 naming where to set it.
func TestMissingExtraCredentialSendsNothing(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	t.Setenv("KEYCTL_DATADOG_BASE_URL", srv.URL)
	t.Setenv("KEYCTL_DATADOG_TOKEN", secret)
	code, stdout, stderr := run(t, nil, "revoke", "datadog", "k1", "-o", "json", "--no-audit")
	if code != exit.Config || len(srv.Requests()) != 0 {
		t.Fatalf("exit %d after %d requests, want %d and none", code, len(srv.Requests()), exit.Config)
	}
	for _, want := range []string{"no application_key for datadog", "KEYCTL_DATADOG_APPLICATION_KEY", "providers.datadog.application_key", "application_key_command", "nothing sent"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	assertNoSecret(t, stdout, stderr)
}

// TestExtraCredentialFromTheConfigSources: the application key comes from
// a profile's secret-manager command, the API key from a file; the
// environment beats the file as for the main credential.
func TestExtraCredentialFromTheConfigSources(t *testing.T) {
	testutil.IsolateEnv(t)
	var got []string
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		got = append(got, r.Header.Get("DD-APPLICATION-KEY"))
		testutil.Respond(w, 204, "")
	})
	dir := t.TempDir()
	cfg := writeConfigFile(t, dir, `providers:
  datadog:
    base_url: `+srv.URL+`
    token: `+secret+`
    application_key: from-the-top-level
profiles:
  ops:
    providers:
      datadog:
        application_key_command: "printf '%s\n' `+appKey+`"
`)
	code, stdout, stderr := run(t, nil, "--config", cfg, "--profile", "ops", "revoke", "datadog", "k1", "-o", "json", "--no-audit")
	if code != exit.OK || len(got) != 1 || got[0] != appKey {
		t.Fatalf("exit %d, application keys sent %q\n%s", code, got, stderr)
	}
	if strings.Contains(stderr, "unknown key") {
		t.Errorf("the config check does not know the extra credential's settings:\n%s", stderr)
	}
	assertNoSecret(t, stdout, stderr)
	t.Setenv("KEYCTL_DATADOG_APPLICATION_KEY", "from-the-env")
	if code, _, stderr := run(t, nil, "--config", cfg, "--profile", "ops", "revoke", "datadog", "k2", "-o", "json", "--no-audit"); code != exit.OK || got[1] != "from-the-env" {
		t.Fatalf("exit %d, application keys sent %q\n%s", code, got, stderr)
	}
}

// TestConfigViewShowsExtraCredentialSource: where the application key
// comes from, never its value.
func TestConfigViewShowsExtraCredentialSource(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_DATADOG_APPLICATION_KEY", appKey)
	code, stdout, stderr := run(t, nil, "config", "view", "-o", "json")
	if code != exit.OK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := `{"key":"providers.datadog.application_key","value":"[REDACTED]","source":"env","origin":"env KEYCTL_DATADOG_APPLICATION_KEY"}`
	if !strings.Contains(stdout, want) || strings.Contains(stdout+stderr, appKey) {
		t.Errorf("config view:\n%s", stdout)
	}
}
