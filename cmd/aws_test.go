package cmd

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/internal/sigv4verify"
	"github.com/keyctl/keyctl/internal/testutil"
)

var awsAdmin = awssdk.Credentials{
	AccessKeyID:     "AKIAADMINEXAMPLE0001",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMINKEY0",
	SessionToken:    "IQoJb3JpZ2luX2VjEXAMPLE-session-token-0001",
}

// isolateAWS leaves the AWS SDK's chain nothing but what the test sets: no
// variables, no shared files, no instance metadata (nothing leaves loopback).
func isolateAWS(t *testing.T) string {
	t.Helper()
	dir := testutil.IsolateEnv(t)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	t.Setenv("HOME", dir)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return dir
}

// iamServer checks each request's signature against creds with the SDK's
// signer and answers with answer.
type iamServer struct {
	*testutil.Server
	mu     sync.Mutex
	bodies []string
	errs   []error
}

func newIAMServer(t *testing.T, creds awssdk.Credentials, answer func(w http.ResponseWriter, r *http.Request)) *iamServer {
	s := &iamServer{}
	s.Server = testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		body, _ := io.ReadAll(r.Body)
		_, err := sigv4verify.Verify(r, body, creds)
		s.mu.Lock()
		s.bodies, s.errs = append(s.bodies, string(body)), append(s.errs, err)
		s.mu.Unlock()
		answer(w, r)
	})
	return s
}

const deleted = `<DeleteAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></DeleteAccessKeyResponse>`

func TestAWSRevokeSignsWithTheAWSChainAndNeedsNoKeyctlToken(t *testing.T) {
	dir := isolateAWS(t)
	srv := newIAMServer(t, awsAdmin, func(w http.ResponseWriter, r *http.Request) {
		testutil.Respond(w, 200, deleted, "Content-Type", "text/xml", "X-Amzn-RequestId", "7a62c49f")
	})
	t.Setenv("AWS_ACCESS_KEY_ID", awsAdmin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsAdmin.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", awsAdmin.SessionToken)
	t.Setenv("KEYCTL_AWS_BASE_URL", srv.URL)
	auditPath := filepath.Join(dir, "audit.jsonl")

	code, stdout, stderr := run(t, nil, "revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "--param", "user_name=Bob", "--debug", "--audit-log", auditPath)
	if code != exit.OK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if len(srv.bodies) != 1 || srv.errs[0] != nil {
		t.Fatalf("requests %q, signature check %v", srv.bodies, srv.errs)
	}
	if want := "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=AKIAIOSFODNN7EXAMPLE&UserName=Bob"; srv.bodies[0] != want {
		t.Errorf("body %q, want %q", srv.bodies[0], want)
	}
	r := srv.Requests()[0]
	if r.Method != "POST" || r.RequestURI != "/" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded; charset=utf-8" {
		t.Errorf("request %s %s %q", r.Method, r.RequestURI, r.Header.Get("Content-Type"))
	}
	rs := results(t, stdout)
	if len(rs) != 1 || rs[0].Outcome != "revoked" || rs[0].Provider != "aws" || rs[0].RequestID != "7a62c49f" {
		t.Errorf("results %+v", rs)
	}
	for _, want := range []string{"> Authorization: AWS4-HMAC-SHA256 [REDACTED]", "> X-Amz-Security-Token: [REDACTED]"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("debug trace lacks %q:\n%s", want, stderr)
		}
	}
	audit, _ := os.ReadFile(auditPath)
	if !strings.Contains(string(audit), "AKIAIOSFODNN7EXAMPLE") {
		t.Errorf("audit log lacks the key: %s", audit)
	}
	for _, s := range []string{awsAdmin.SecretAccessKey, awsAdmin.SessionToken} {
		for what, text := range map[string]string{"stdout": stdout, "stderr": stderr, "audit log": string(audit)} {
			if strings.Contains(text, s) {
				t.Errorf("an AWS secret is in the %s", what)
			}
		}
	}
}

func TestAWSRevokeWithASharedCredentialsProfile(t *testing.T) {
	dir := isolateAWS(t)
	creds := awssdk.Credentials{AccessKeyID: "AKIAPROFILEEXAMPLE01", SecretAccessKey: "profile/secret/access/key/EXAMPLE0000001"}
	file := "[incident]\naws_access_key_id = " + creds.AccessKeyID + "\naws_secret_access_key = " + creds.SecretAccessKey + "\n"
	if err := os.WriteFile(filepath.Join(dir, "aws-credentials"), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_PROFILE", "incident")
	srv := newIAMServer(t, creds, func(w http.ResponseWriter, r *http.Request) {
		testutil.Respond(w, 404, `<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.</Message></Error><RequestId>1</RequestId></ErrorResponse>`, "Content-Type", "text/xml")
	})
	code, stdout, stderr := run(t, nil, "revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "--base-url", srv.URL, "--no-audit")
	if code != exit.NotFound {
		t.Fatalf("exit %d, want %d; stderr %s", code, exit.NotFound, stderr)
	}
	if len(srv.errs) != 1 || srv.errs[0] != nil {
		t.Fatalf("signature check %v", srv.errs)
	}
	rs := results(t, stdout)
	if len(rs) != 1 || rs[0].Outcome != "not_found" || !strings.Contains(rs[0].Message, "cannot be found. (NoSuchEntity)") {
		t.Errorf("results %+v", rs)
	}
	if strings.Contains(stdout+stderr, creds.SecretAccessKey) {
		t.Error("the secret access key leaked")
	}
}

func TestAWSEchoedSecretsAreScrubbed(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", awsAdmin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsAdmin.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", awsAdmin.SessionToken)
	srv := newIAMServer(t, awsAdmin, func(w http.ResponseWriter, r *http.Request) {
		testutil.Respond(w, 403, `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>key `+awsAdmin.SecretAccessKey+` token `+awsAdmin.SessionToken+`</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
			"Content-Type", "text/xml", "X-Echo", awsAdmin.SessionToken)
	})
	code, stdout, stderr := run(t, nil, "revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "--base-url", srv.URL, "--no-audit", "--debug")
	if code != exit.Auth {
		t.Fatalf("exit %d, want %d; stderr %s", code, exit.Auth, stderr)
	}
	for _, s := range []string{awsAdmin.SecretAccessKey, awsAdmin.SessionToken} {
		if strings.Contains(stdout+stderr, s) {
			t.Errorf("an echoed AWS secret reached the output:\n%s\n%s", stdout, stderr)
		}
	}
	if rs := results(t, stdout); !strings.Contains(rs[0].Message, "(SignatureDoesNotMatch)") {
		t.Errorf("message %q", rs[0].Message)
	}
}

func TestAWSWithoutCredentialsIsAConfigErrorAndSendsNothing(t *testing.T) {
	isolateAWS(t)
	srv := newIAMServer(t, awsAdmin, func(w http.ResponseWriter, r *http.Request) { testutil.Respond(w, 200, deleted) })
	code, _, stderr := run(t, nil, "revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "--base-url", srv.URL, "--no-audit")
	if code != exit.Config {
		t.Fatalf("exit %d, want %d; stderr %s", code, exit.Config, stderr)
	}
	if !strings.Contains(stderr, "AWS_ACCESS_KEY_ID") || strings.Contains(stderr, "KEYCTL_AWS_TOKEN") {
		t.Errorf("stderr %q: should name the AWS chain, not a keyctl token", stderr)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestAWSTemporaryKeyIsRefusedBeforeAnything(t *testing.T) {
	isolateAWS(t)
	srv := newIAMServer(t, awsAdmin, func(w http.ResponseWriter, r *http.Request) { testutil.Respond(w, 200, deleted) })
	code, _, stderr := run(t, nil, "revoke", "aws", "ASIAIOSFODNN7EXAMPLE", "--base-url", srv.URL, "--no-audit", "--skip-id-check")
	if code != exit.Usage || !strings.Contains(stderr, "cannot be revoked") || !strings.Contains(stderr, "aws:TokenIssueTime") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestAWSRevokeInTheSandbox(t *testing.T) {
	dir := isolateAWS(t)
	// Real credentials in the environment are not what a rehearsal signs with.
	t.Setenv("AWS_ACCESS_KEY_ID", awsAdmin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsAdmin.SecretAccessKey)
	auditPath := filepath.Join(dir, "audit.jsonl")
	code, stdout, stderr := run(t, nil, "revoke", "--sandbox", "aws", "AKIASANDBOXDEMO00001", "AKIASANDBOXBOB000001", "--param", "user_name=Bob", "--audit-log", auditPath)
	if code != exit.NotFound {
		t.Fatalf("exit %d, want %d (Bob's key under user_name Bob, the demo key the signing user's); stderr %s", code, exit.NotFound, stderr)
	}
	got := byID(results(t, stdout))
	if got["aws/AKIASANDBOXDEMO00001"].Outcome != "not_found" || got["aws/AKIASANDBOXBOB000001"].Outcome != "revoked" {
		t.Errorf("results %+v", got)
	}
	recs := readAudit(t, auditPath)
	if len(recs) != 2 || !recs[0].Sandbox || recs[0].Params["user_name"] != "Bob" {
		t.Errorf("audit %+v: a rehearsal is recorded as the sandbox's, with its user_name", recs)
	}
}

func TestAWSRehearsalAgainstAStandaloneSandbox(t *testing.T) {
	dir := isolateAWS(t)
	srv := sandboxEnv(t, sandbox.Options{})
	set, _, _ := sandbox.CredentialEnv("aws")
	for _, kv := range set {
		t.Setenv(kv[0], kv[1])
	}
	auditPath := filepath.Join(dir, "audit.jsonl")
	code, stdout, stderr := run(t, nil, "revoke", "aws", "AKIASANDBOXDEMO00002", "--audit-log", auditPath)
	if code != exit.OK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	if rs := results(t, stdout); rs[0].Outcome != "revoked" {
		t.Errorf("results %+v", rs)
	}
	if recs := readAudit(t, auditPath); len(recs) != 1 || !recs[0].Sandbox || recs[0].BaseURL != srv.URL+"/aws" {
		t.Errorf("audit %+v: the sandbox's credentials mark a rehearsal", recs)
	}
}

func TestAWSProvidersShowsTheAWSChain(t *testing.T) {
	isolateAWS(t)
	code, stdout, stderr := run(t, nil, "providers", "aws", "-o", "json")
	if code != exit.OK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var row struct {
		Configured     bool   `json:"configured"`
		Source         string `json:"credential_source"`
		CredentialFrom string `json:"credential_from"`
		Params         []struct {
			Name     string `json:"name"`
			Optional bool   `json:"optional"`
		} `json:"params"`
		Answers []struct {
			Status int `json:"status"`
		} `json:"answers"`
		Sources []string `json:"sources"`
	}
	if err := json.Unmarshal([]byte(stdout), &row); err != nil {
		t.Fatal(err)
	}
	if row.Configured || !strings.Contains(row.CredentialFrom, "AWS_PROFILE") || len(row.Params) != 1 || !row.Params[0].Optional ||
		len(row.Answers) < 10 || len(row.Sources) == 0 {
		t.Errorf("row %+v", row)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", awsAdmin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsAdmin.SecretAccessKey)
	_, table, _ := run(t, nil, "providers", "-o", "table")
	var line string
	for _, l := range strings.Split(table, "\n") {
		if strings.HasPrefix(l, "aws ") {
			line = l
		}
	}
	if !strings.Contains(line, "configured (AWS chain: env AWS_ACCESS_KEY_ID)") || !strings.Contains(line, "user_name (optional)") || strings.Contains(table, "KEYCTL_AWS_TOKEN") {
		t.Errorf("aws row %q", line)
	}
	if strings.Contains(table, awsAdmin.SecretAccessKey) {
		t.Error("the secret access key is shown")
	}
}

func TestAWSRefusesTokenStdin(t *testing.T) {
	isolateAWS(t)
	code, _, stderr := run(t, nil, "revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "--token-stdin", "--no-audit")
	if code != exit.Usage || !strings.Contains(stderr, "keyctl providers aws") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

func TestAWSThrottlingIsRetriedWithBackoff(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", awsAdmin.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsAdmin.SecretAccessKey)
	var calls sync.Mutex
	n := 0
	srv := newIAMServer(t, awsAdmin, func(w http.ResponseWriter, r *http.Request) {
		calls.Lock()
		n++
		first := n == 1
		calls.Unlock()
		if first {
			testutil.Respond(w, 400, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>`, "Content-Type", "text/xml")
			return
		}
		testutil.Respond(w, 200, deleted, "Content-Type", "text/xml")
	})
	clock := testutil.NewClock()
	code, stdout, stderr := run(t, clock, "revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "--base-url", srv.URL, "--no-audit")
	if code != exit.OK {
		t.Fatalf("exit %d; stderr %s", code, stderr)
	}
	rs := results(t, stdout)
	if len(rs) != 1 || rs[0].Outcome != "revoked" || rs[0].Attempts != 2 {
		t.Errorf("results %+v, want revoked on the second attempt", rs)
	}
	if clock.Waited() <= 0 {
		t.Error("the retry did not back off")
	}
	for _, err := range srv.errs {
		if err != nil {
			t.Errorf("signature: %v (the retried request must still verify)", err)
		}
	}
}
