package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/testutil"
)

// TestBinaryRevokesLeakedAWSKeysFromATruffleHogReport runs TruffleHog AWS
// findings against the sandbox: a pair that may delete itself, a pair
// whose policy forbids it (deleted by id with the sandbox's credentials
// instead), and a key id reported without its secret.
func TestBinaryRevokesLeakedAWSKeysFromATruffleHogReport(t *testing.T) {
	pairs := map[string]string{}
	for _, s := range sandboxSecrets(t) {
		if s[0] == "aws" {
			id, _, _ := strings.Cut(s[1], ":")
			pairs[id] = s[1]
		}
	}
	self, noself := pairs["AKIASANDBOXDEMO00001"], pairs["AKIASANDBOXNOSELF001"]
	if self == "" || noself == "" {
		t.Fatalf("keyctl sandbox leak prints no AWS pairs: %v", pairs)
	}
	var secrets []string // the secret access keys: they must appear nowhere
	for _, p := range []string{self, noself} {
		_, s, _ := strings.Cut(p, ":")
		secrets = append(secrets, s, p)
	}
	finding := func(i int, id, rawV2 string) string {
		return fmt.Sprintf(`{"SourceMetadata":{"Data":{"Git":{"commit":"c0ffee%02d","file":"infra/%d.tf","line":%d}}},"SourceID":1,"SourceType":16,"SourceName":"trufflehog - git","DetectorType":2,"DetectorName":"AWS","DecoderName":"PLAIN","Verified":true,"Raw":%q,"RawV2":%q,"Redacted":%q,"ExtraData":{"account":"123456789012","resource_type":"Access key"},"StructuredData":null}`,
			i, i, i+1, id, rawV2, id)
	}
	report := strings.Join([]string{
		finding(0, "AKIASANDBOXDEMO00001", self),
		finding(1, "AKIASANDBOXNOSELF001", noself),
		finding(2, "AKIASANDBOXDEMO00003", ""),
	}, "\n") + "\n"
	dir := t.TempDir()
	in, out, auditPath := filepath.Join(dir, "trufflehog.jsonl"), filepath.Join(dir, "annotated.jsonl"), filepath.Join(dir, "audit.jsonl")
	if err := os.WriteFile(in, []byte(report), 0o600); err != nil {
		t.Fatal(err)
	}
	r := keyctl(t, nil, "revoke", "--sandbox", "--from", in, "--format", "trufflehog", "--verify", "--verify-wait", "1s",
		"-o", "json", "--audit-log", auditPath, "--report-out", out, "--debug")
	results := parseResults(t, r.stdout)
	if len(results) != 3 {
		t.Fatalf("%d results (exit %d):\n%s\n%s", len(results), r.code, r.stdout, r.stderr)
	}
	byID := map[string]leakedResult{}
	keyIDs := map[string]string{}
	for i, res := range results {
		byID[res.ID[:strings.Index(res.ID, " ")]] = res
		var k struct {
			KeyID string `json:"key_id"`
		}
		_ = json.Unmarshal([]byte(strings.Split(strings.TrimSpace(r.stdout), "\n")[i]), &k)
		keyIDs[res.ID[:strings.Index(res.ID, " ")]] = k.KeyID
	}
	want := []struct {
		fingerprint, outcome, method string
		code                         int
		message, keyID               string
	}{
		{"AKIA…0001", "confirmed", "revoke_by_secret", 0, "confirmed: AWS refuses the key (403 InvalidClientTokenId", "AKIASANDBOXDEMO00001"},
		{"AKIA…F001", "confirmed", "revoke_by_secret", 0, "may not delete itself (403 AccessDenied", "AKIASANDBOXNOSELF001"},
		{"AKIA…0003", "revoked", "revoke", 15, "not verified: AWS verifies a key only by a request signed with its secret access key", "AKIASANDBOXDEMO00003"},
	}
	for _, w := range want {
		res, ok := byID[w.fingerprint]
		if !ok {
			t.Errorf("no result named %s:\n%s", w.fingerprint, r.stdout)
			continue
		}
		if keyIDs[w.fingerprint] != w.keyID {
			t.Errorf("%s: key id %q, want %q (an access key id is public)", w.fingerprint, keyIDs[w.fingerprint], w.keyID)
		}
		if res.Provider != "aws" || res.Outcome != w.outcome || res.Method != w.method || res.ExitCode != w.code || !strings.Contains(res.Message, w.message) {
			t.Errorf("%s: %+v, want %s by %s, exit %d, saying %q", w.fingerprint, res, w.outcome, w.method, w.code, w.message)
		}
	}
	if r.code != 15 {
		t.Errorf("exit %d, want 15 (a key revoked but not verified)", r.code)
	}
	audit, _ := os.ReadFile(auditPath)
	annotated, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(annotated), "confirmed") {
		t.Errorf("annotated report: %v\n%s", err, annotated)
	}
	assertNoSecret(t, secrets, map[string]string{"stdout": r.stdout, "stderr (--debug)": r.stderr, "the audit log": string(audit), "the annotated report": string(annotated)})

	// keyctl verify signs GetCallerIdentity with a pair: live in a fresh
	// sandbox; a key id alone cannot be checked.
	file := filepath.Join(dir, "secrets.txt")
	id2, secret2, _ := strings.Cut(pairs["AKIASANDBOXDEMO00002"], ":")
	if err := os.WriteFile(file, []byte(id2+" "+secret2+"\nAKIASANDBOXDEMO00003\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = keyctl(t, nil, "verify", "--sandbox", "--secrets-from", file, "-o", "json", "--debug")
	byLine := map[int]leakedResult{}
	for _, res := range parseResults(t, r.stdout) {
		byLine[res.Line] = res
	}
	if len(byLine) != 2 || byLine[1].Outcome != "live" || byLine[1].Method != "verify" || !strings.Contains(byLine[1].Message, "arn:aws:iam::123456789012:user/keyctl-sandbox") ||
		byLine[2].Outcome != "unverified" || byLine[2].ExitCode != 15 || r.code != 15 {
		t.Errorf("verify: exit %d\n%s", r.code, r.stdout)
	}
	assertNoSecret(t, []string{secret2}, map[string]string{"verify stdout": r.stdout, "verify stderr": r.stderr})
}

// TestBinaryLeakedAWSPairDeniedWithoutAWSCredentials: a pair whose policy
// forbids deleting itself, with no AWS credentials configured, sends its
// own DeleteAccessKey only, then says what to configure and run; a key id
// alone sends nothing.
func TestBinaryLeakedAWSPairDeniedWithoutAWSCredentials(t *testing.T) {
	const id, secret = "AKIAIOSFODNN7EXAMPLE", "leaked/secret/access/key/EXAMPLE00000002"
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/xml")
		testutil.Respond(w, 403, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:DeleteAccessKey</Message></Error><RequestId>r</RequestId></ErrorResponse>`)
	})
	file := filepath.Join(t.TempDir(), "leaked.txt")
	if err := os.WriteFile(file, []byte(id+":"+secret+"\n"+"AKIAIOSFODNN7EXAMPL2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noAWS := []string{"KEYCTL_AWS_BASE_URL=" + srv.URL, "AWS_CONFIG_FILE=/nonexistent/aws-config", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-credentials", "AWS_EC2_METADATA_DISABLED=true"}
	r := keyctl(t, noAWS, "revoke", "--secrets-from", file, "-o", "json", "--no-audit", "--debug")
	byLine := map[int]leakedResult{}
	for _, res := range parseResults(t, r.stdout) {
		byLine[res.Line] = res
	}
	pair, alone := byLine[1], byLine[2]
	if pair.Outcome != "failed" || pair.ExitCode != 3 || !strings.Contains(pair.Message, "may not delete itself") || !strings.Contains(pair.Message, "keyctl revoke aws "+id) {
		t.Errorf("pair: %+v", pair)
	}
	if alone.Outcome != "failed" || alone.ExitCode != 3 || !strings.Contains(alone.Message, "AWS_ACCESS_KEY_ID") {
		t.Errorf("key id alone: %+v", alone)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || !strings.Contains(reqs[0].Header.Get("Authorization"), "Credential="+id+"/") {
		t.Fatalf("%d requests, want the pair's own DeleteAccessKey only", len(reqs))
	}
	if r.code != 3 {
		t.Errorf("exit %d, want 3", r.code)
	}
	assertNoSecret(t, []string{secret}, map[string]string{"stdout": r.stdout, "stderr": r.stderr})
}
