package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/build"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/internal/testutil"
)

const secret = "sk-TEST-s3cr3t-value-0001"

// run executes keyctl with args and returns the exit code and streams.
func run(t *testing.T, clock revoke.Clock, args ...string) (exit.Code, string, string) {
	t.Helper()
	io, _, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{IO: io, Clock: clock}
	code := Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func results(t *testing.T, stdout string) []revoke.Result {
	t.Helper()
	var rs []revoke.Result
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var r revoke.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("stdout line is not JSON: %q: %v", line, err)
		}
		rs = append(rs, r)
	}
	return rs
}

func assertNoSecret(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Fatalf("secret leaked into output:\n%s", s)
		}
	}
}

// TestRevokeEachProviderSendsTheDocumentedRequest checks the exact request
// on the wire and the reported result for each provider's success answer.
func TestRevokeEachProviderSendsTheDocumentedRequest(t *testing.T) {
	cases := []struct {
		provider, id, wantURI, authHeader, authValue string
		status                                       int
		body                                         string
	}{
		{"lava", "sk_1/x", "/v1/secret_keys/sk_1%2Fx", "Authorization", "Bearer " + secret, 200, `{"id":"sk_1","deleted":true}`},
		{"langwatch", "key 1", "/api/api-keys/key%201", "Authorization", "Bearer " + secret, 200, `{"success":true}`},
		{"liveavatar", "sec?1", "/v1/secrets/sec%3F1", "X-Api-Key", secret, 200, `{"code":100,"data":null,"message":"ok"}`},
		{"altostrat", "api_key_0123456789abcdefghijABCDEFG", "/api/keys/api_key_0123456789abcdefghijABCDEFG", "Authorization", "Bearer " + secret, 204, ""},
	}
	for _, c := range cases {
		t.Run(c.provider, func(t *testing.T) {
			testutil.IsolateEnv(t)
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, c.status, c.body) })
			base := srv.URL
			if c.provider == "lava" {
				base += "/v1"
			}
			t.Setenv(fmt.Sprintf("KEYCTL_%s_TOKEN", strings.ToUpper(c.provider)), secret)
			t.Setenv(fmt.Sprintf("KEYCTL_%s_BASE_URL", strings.ToUpper(c.provider)), base)

			code, stdout, stderr := run(t, nil, "revoke", c.provider, c.id)
			if code != exit.OK {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != "DELETE" || r.RequestURI != c.wantURI {
				t.Errorf("request %s %s, want DELETE %s", r.Method, r.RequestURI, c.wantURI)
			}
			if got := r.Header.Get(c.authHeader); got != c.authValue {
				t.Errorf("%s = %q, want %q", c.authHeader, got, c.authValue)
			}
			if c.provider == "liveavatar" && r.Header.Get("Authorization") != "" {
				t.Error("liveavatar got an Authorization header")
			}
			if r.Header.Get("User-Agent") != "keyctl/"+build.Version || r.Header.Get("Accept") != "application/json" {
				t.Errorf("User-Agent %q Accept %q", r.Header.Get("User-Agent"), r.Header.Get("Accept"))
			}
			rs := results(t, stdout)
			if len(rs) != 1 || rs[0].Outcome != "revoked" || rs[0].Provider != c.provider || rs[0].ID != c.id ||
				rs[0].HTTPStatus != c.status || rs[0].Attempts != 1 || rs[0].ExitCode != 0 {
				t.Errorf("results = %+v", rs)
			}
			assertNoSecret(t, stdout, stderr)
		})
	}
}

func TestRevokeExitCodePerStatus(t *testing.T) {
	cases := []struct {
		provider string
		status   int
		body     string
		code     exit.Code
		outcome  string
	}{
		{"lava", 400, `{"error":{"message":"Cannot delete the last remaining secret key","code":"last_key","status":400}}`, exit.Conflict, "failed"},
		{"lava", 401, `{"error":{"message":"Invalid authentication credentials","code":"unauthorized","status":401}}`, exit.Auth, "failed"},
		{"lava", 404, `{"error":{"message":"Secret key not found","code":"not_found","status":404}}`, exit.NotFound, "not_found"},
		{"langwatch", 403, "", exit.Permission, "failed"},
		{"langwatch", 409, "", exit.OK, "already_revoked"},
		{"liveavatar", 400, `{"detail":"no space"}`, exit.Conflict, "failed"},
		{"liveavatar", 422, `{"detail":[{"loc":["path","secret_id"],"msg":"bad","type":"x"}]}`, exit.Invalid, "failed"},
		{"altostrat", 404, `{"message":"Not found","errors":{}}`, exit.NotFound, "not_found"},
		{"altostrat", 301, "", exit.Unexpected, "failed"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s_%d", c.provider, c.status), func(t *testing.T) {
			testutil.IsolateEnv(t)
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				testutil.Respond(w, c.status, c.body, "Location", "https://elsewhere.example/")
			})
			t.Setenv("KEYCTL_"+strings.ToUpper(c.provider)+"_TOKEN", secret)
			id := "k1"
			if c.provider == "altostrat" {
				id = "api_key_0123456789abcdefghijABCDEFG"
			}
			code, stdout, stderr := run(t, nil, "revoke", c.provider, id, "--base-url", srv.URL)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stdout %s stderr %s", code, c.code, stdout, stderr)
			}
			rs := results(t, stdout)
			if len(rs) != 1 || string(rs[0].Outcome) != c.outcome || rs[0].ExitCode != c.code || rs[0].Message == "" {
				t.Fatalf("results = %+v", rs)
			}
			if len(srv.Requests()) != 1 {
				t.Fatalf("%d requests, want exactly 1 (4xx and 3xx are never retried)", len(srv.Requests()))
			}
		})
	}
}

func TestRevokeRefusesBeforeSending(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code exit.Code
		want []string
	}{
		{"unknown provider", []string{"revoke", "notaprovider", "k"}, nil, exit.Usage, []string{`unknown provider "notaprovider"`, "known providers: altostrat, ", "langwatch", "liveavatar"}},
		{"provider typo", []string{"revoke", "lavaa", "k"}, nil, exit.Usage, []string{`unknown provider "lavaa"; did you mean "lava"?`, "'keyctl providers' lists all"}},
		{"missing id", []string{"revoke", "lava"}, nil, exit.Usage, []string{"missing key id"}},
		{"empty id", []string{"revoke", "lava", "ok", ""}, map[string]string{"KEYCTL_LAVA_TOKEN": secret}, exit.Usage, []string{"empty"}},
		{"dot dot", []string{"revoke", "lava", ".."}, map[string]string{"KEYCTL_LAVA_TOKEN": secret}, exit.Usage, []string{"dot segment"}},
		{"control char", []string{"revoke", "lava", "a\x1bb"}, map[string]string{"KEYCTL_LAVA_TOKEN": secret}, exit.Usage, []string{"control character"}},
		{"altostrat pattern", []string{"revoke", "altostrat", "api_key_2m3h5n7k9j8g7f6e5d4c3b2a"}, map[string]string{"KEYCTL_ALTOSTRAT_TOKEN": secret}, exit.Usage,
			[]string{"^api_key_[0-9A-Za-z]{27}$", "--skip-id-check"}},
		{"missing credential", []string{"revoke", "liveavatar", "s1"}, nil, exit.Config, []string{"KEYCTL_LIVEAVATAR_TOKEN", "providers.liveavatar.token", "nothing sent"}},
		{"bad flag", []string{"revoke", "lava", "k", "--retries", "lots"}, map[string]string{"KEYCTL_LAVA_TOKEN": secret}, exit.Usage, []string{"--retries"}},
		{"bad env setting", []string{"revoke", "lava", "k"}, map[string]string{"KEYCTL_LAVA_TOKEN": secret, "KEYCTL_TIMEOUT": "soon"}, exit.Config, []string{"KEYCTL_TIMEOUT", "duration"}},
		{"bad output", []string{"revoke", "lava", "k", "-o", "xml"}, map[string]string{"KEYCTL_LAVA_TOKEN": secret}, exit.Usage, []string{"table or json"}},
		{"clear-text base url", []string{"revoke", "lava", "k", "--base-url", "http://api.lava.so/v1"}, map[string]string{"KEYCTL_LAVA_TOKEN": secret}, exit.Usage, []string{"clear text"}},
		{"clear-text base url from env", []string{"revoke", "lava", "k"}, map[string]string{"KEYCTL_LAVA_TOKEN": secret, "KEYCTL_LAVA_BASE_URL": "http://10.0.0.1"}, exit.Config, []string{"KEYCTL_LAVA_BASE_URL", "clear text"}},
		{"unknown flag", []string{"revoke", "lava", "k", "--token", secret}, nil, exit.Usage, []string{"unknown flag: --token"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testutil.IsolateEnv(t)
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 200, "{}") })
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			if _, ok := c.env["KEYCTL_LAVA_BASE_URL"]; !ok {
				t.Setenv("KEYCTL_LAVA_BASE_URL", srv.URL)
			}
			t.Setenv("KEYCTL_LIVEAVATAR_BASE_URL", srv.URL)
			t.Setenv("KEYCTL_ALTOSTRAT_BASE_URL", srv.URL)
			code, stdout, stderr := run(t, nil, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
			assertNoSecret(t, stdout, stderr)
		})
	}
}

func TestRevokeSeveralIDsAndBatchExitCode(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/gone"):
			testutil.Respond(w, 404, `{"error":{"message":"Secret key not found","code":"nf","status":404}}`)
		case strings.HasSuffix(r.URL.Path, "/last"):
			testutil.Respond(w, 400, `{"error":{"message":"last key","code":"last","status":400}}`)
		default:
			testutil.Respond(w, 200, `{"id":"x","deleted":true}`)
		}
	})
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	t.Setenv("KEYCTL_LAVA_BASE_URL", srv.URL)

	code, stdout, _ := run(t, nil, "revoke", "lava", "a", "gone", "b")
	if code != exit.NotFound {
		t.Fatalf("one 404 among successes: exit %d, want %d", code, exit.NotFound)
	}
	if rs := results(t, stdout); len(rs) != 3 {
		t.Fatalf("%d results, want 3", len(rs))
	}
	code, _, _ = run(t, nil, "revoke", "lava", "a", "gone", "last")
	if code != exit.Mixed {
		t.Fatalf("404 and 400: exit %d, want %d", code, exit.Mixed)
	}
	code, stdout, _ = run(t, nil, "revoke", "lava", "a", "gone", "--ignore-missing")
	if code != exit.OK {
		t.Fatalf("--ignore-missing: exit %d, want 0", code)
	}
	for _, r := range results(t, stdout) {
		if r.ID == "gone" && (r.Outcome != "not_found" || r.ExitCode != 0) {
			t.Errorf("--ignore-missing result %+v, want outcome not_found with exit_code 0", r)
		}
	}
}

func TestDryRunSendsNothingAndMasksCredentials(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 200, "{}") })
	t.Setenv("KEYCTL_LIVEAVATAR_TOKEN", secret)
	t.Setenv("KEYCTL_LIVEAVATAR_BASE_URL", srv.URL)
	code, stdout, stderr := run(t, nil, "revoke", "liveavatar", "s/1", "s2", "--dry-run")
	if code != exit.OK || len(srv.Requests()) != 0 {
		t.Fatalf("exit %d, %d requests", code, len(srv.Requests()))
	}
	rs := results(t, stdout)
	if len(rs) != 2 {
		t.Fatalf("results %+v", rs)
	}
	var p *revoke.Preview
	for _, r := range rs {
		if r.Outcome != "dry_run" || r.Request == nil {
			t.Fatalf("result %+v", r)
		}
		if r.ID == "s/1" {
			p = r.Request
		}
	}
	if p.Method != "DELETE" || p.URL != srv.URL+"/v1/secrets/s%2F1" || p.Headers["X-Api-Key"] != "[REDACTED]" {
		t.Errorf("preview %+v", p)
	}
	assertNoSecret(t, stdout, stderr)
}

func TestDebugTraceMasksCredentials(t *testing.T) {
	testutil.IsolateEnv(t)
	// A hostile server echoes the credential back in headers and body.
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 401, `{"error":{"message":"bad token `+r.Header.Get("Authorization")+`","code":"unauthorized","status":401}}`,
			"Set-Cookie", "session="+secret, "X-Echo", r.Header.Get("Authorization"))
	})
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	code, stdout, stderr := run(t, nil, "revoke", "lava", "k1", "--base-url", srv.URL, "--debug")
	if code != exit.Auth {
		t.Fatalf("exit %d, want %d", code, exit.Auth)
	}
	for _, want := range []string{"> DELETE " + srv.URL + "/secret_keys/k1", "> Authorization: Bearer [REDACTED]", "< HTTP/1.1 401 Unauthorized", "< Set-Cookie: [REDACTED]"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("debug trace lacks %q:\n%s", want, stderr)
		}
	}
	assertNoSecret(t, stdout, stderr)
	if rs := results(t, stdout); !strings.Contains(rs[0].Message, "bad token Bearer [REDACTED]") {
		t.Errorf("message %q: the echoed secret must be masked, the rest kept", rs[0].Message)
	}
}

func TestCredentialPrecedenceEnvOverFile(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	cfgPath := filepath.Join(dir, "config", "keyctl", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(cfgPath), 0o700); err != nil {
		t.Fatal(err)
	}
	yaml := fmt.Sprintf("providers:\n  altostrat:\n    token: file-token-0001\n    base_url: %s\n", srv.URL)
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	id := "api_key_0123456789abcdefghijABCDEFG"
	if code, _, stderr := run(t, nil, "revoke", "altostrat", id); code != exit.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Setenv("KEYCTL_ALTOSTRAT_TOKEN", "env-token-0002")
	if code, _, _ := run(t, nil, "revoke", "altostrat", id); code != exit.OK {
		t.Fatal(code)
	}
	reqs := srv.Requests()
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer file-token-0001" {
		t.Errorf("file credential: sent %q", got)
	}
	if got := reqs[1].Header.Get("Authorization"); got != "Bearer env-token-0002" {
		t.Errorf("env must beat file: sent %q", got)
	}

	// --base-url beats env beats file.
	other := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	third := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	t.Setenv("KEYCTL_ALTOSTRAT_BASE_URL", other.URL)
	run(t, nil, "revoke", "altostrat", id)
	run(t, nil, "revoke", "altostrat", id, "--base-url", third.URL)
	if len(other.Requests()) != 1 || len(third.Requests()) != 1 || len(srv.Requests()) != 2 {
		t.Errorf("requests: file %d env %d flag %d, want 2/1/1", len(srv.Requests()), len(other.Requests()), len(third.Requests()))
	}

	// --config names a file that does not exist: exit 3.
	if code, _, stderr := run(t, nil, "--config", filepath.Join(dir, "nope.yaml"), "revoke", "altostrat", id); code != exit.Config || !strings.Contains(stderr, "nope.yaml") {
		t.Errorf("missing --config file: exit %d, %s", code, stderr)
	}
}

func TestLangWatchProjectKeyWarning(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 401, "") })
	t.Setenv("KEYCTL_LANGWATCH_TOKEN", "sk-lw-projectkey0001")
	code, _, stderr := run(t, nil, "revoke", "langwatch", "k", "--base-url", srv.URL)
	if code != exit.Auth || !strings.Contains(stderr, "warning: the LangWatch credential looks like a project API key") {
		t.Fatalf("exit %d stderr %s", code, stderr)
	}
	if strings.Contains(stderr, "sk-lw-projectkey0001") {
		t.Fatal("warning shows the credential")
	}
}

func TestTableOutputOnTerminal(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/b") {
			testutil.Respond(w, 409, "")
			return
		}
		testutil.Respond(w, 200, `{"success":true}`)
	})
	t.Setenv("KEYCTL_LANGWATCH_TOKEN", secret)
	io, _, out, _ := iostreams.Test()
	io.SetTTY(false, true, false)
	code := Run(context.Background(), &cmdutil.Factory{IO: io}, []string{"revoke", "langwatch", "a", "b", "--base-url", srv.URL})
	if code != exit.OK {
		t.Fatalf("exit %d", code)
	}
	s := out.String()
	for _, want := range []string{"PROVIDER", "langwatch", "revoked", "already_revoked", "2 keys: 1 revoked, 1 already revoked, 0 not found, 0 failed, 0 skipped"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "│ a ") > strings.Index(s, "│ b ") {
		t.Errorf("table rows not in input order:\n%s", s)
	}
}

func TestHelpExitCodes(t *testing.T) {
	code, stdout, _ := run(t, nil, "help", "exit-codes")
	if code != exit.OK {
		t.Fatal(code)
	}
	for _, e := range exit.Table {
		if !strings.Contains(stdout, fmt.Sprintf("%3d  %s", int(e.Code), e.Name)) {
			t.Errorf("help exit-codes lacks code %d", e.Code)
		}
	}
}

func TestDebugTraceMasksXAPIKeyAndCookies(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"code":100,"data":null,"message":"ok"}`, "Set-Cookie", "la_session="+secret+"; Path=/")
	})
	t.Setenv("KEYCTL_LIVEAVATAR_TOKEN", secret)
	code, stdout, stderr := run(t, nil, "revoke", "liveavatar", "s1", "--base-url", srv.URL, "--debug")
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"> X-Api-Key: [REDACTED]", "< Set-Cookie: [REDACTED]", "< body (39 bytes read)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("debug trace lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "Authorization") {
		t.Error("LiveAvatar request carries an Authorization header")
	}
	assertNoSecret(t, stdout, stderr)
}
