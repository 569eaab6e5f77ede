package sandbox

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/keyctl/keyctl/providers"
	awsprov "github.com/keyctl/keyctl/providers/aws"
)

type iamAnswer struct {
	status int
	code   string // "" for the DeleteAccessKeyResponse
}

// callIAM sends keyctl's own signed request to the sandbox.
func callIAM(t *testing.T, base string, creds awssdk.Credentials, id string, params map[string]string) iamAnswer {
	t.Helper()
	u, _ := url.Parse(base)
	a := &awsprov.Adapter{}
	req, err := a.Request(providers.Target{BaseURL: u, Credential: creds, Params: params}, id)
	if err != nil {
		t.Fatal(err)
	}
	return sendIAM(t, req)
}

func sendIAM(t *testing.T, req *providers.Request) iamAnswer {
	t.Helper()
	r, _ := http.NewRequest(req.Method, req.URL, bytes.NewReader(req.Body))
	r.Header = req.Header
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var root struct {
		XMLName xml.Name
		Code    string `xml:"Error>Code"`
	}
	if err := xml.Unmarshal(body, &root); err != nil {
		t.Fatalf("%d %s: not XML: %v", resp.StatusCode, body, err)
	}
	if resp.Header.Get("Content-Type") != "text/xml" || resp.Header.Get("X-Amzn-Requestid") == "" {
		t.Errorf("headers %v", resp.Header)
	}
	if root.Code == "" && root.XMLName.Local != "DeleteAccessKeyResponse" {
		t.Errorf("answer <%s>", root.XMLName.Local)
	}
	return iamAnswer{resp.StatusCode, root.Code}
}

func TestAWSEmulationPlaysDeleteAccessKey(t *testing.T) {
	sb := New(Options{})
	srv, err := Start(sb, "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	base := BaseURLs(srv.URL)["aws"]
	if base != srv.URL+"/aws" {
		t.Fatalf("base URL %q", base)
	}
	creds := awsprov.SandboxCredentials
	wrongSecret := creds
	wrongSecret.SecretAccessKey = "not/the/sandbox/secret/access/key/000000"
	stranger := awssdk.Credentials{AccessKeyID: "AKIAUNKNOWNEXAMPLE01", SecretAccessKey: creds.SecretAccessKey}
	steps := []struct {
		name   string
		creds  awssdk.Credentials
		id     string
		params map[string]string
		want   iamAnswer
	}{
		{"revoke", creds, "AKIASANDBOXDEMO00001", nil, iamAnswer{200, ""}},
		{"revoke twice", creds, "AKIASANDBOXDEMO00001", nil, iamAnswer{404, "NoSuchEntity"}},
		{"unknown", creds, "AKIASANDBOXUNKNOWN01", nil, iamAnswer{404, "NoSuchEntity"}},
		{"another user's key without user_name", creds, "AKIASANDBOXBOB000001", nil, iamAnswer{404, "NoSuchEntity"}},
		{"another user's key under a wrong user_name", creds, "AKIASANDBOXBOB000001", map[string]string{"user_name": "Alice"}, iamAnswer{404, "NoSuchEntity"}},
		{"another user's key with its user_name", creds, "AKIASANDBOXBOB000001", map[string]string{"user_name": "Bob"}, iamAnswer{200, ""}},
		{"denied", creds, "AKIASANDBOXDENIED001", nil, iamAnswer{403, "AccessDenied"}},
		{"wrong secret", wrongSecret, "AKIASANDBOXDEMO00002", nil, iamAnswer{403, "SignatureDoesNotMatch"}},
		{"unknown signing key", stranger, "AKIASANDBOXDEMO00002", nil, iamAnswer{403, "InvalidClientTokenId"}},
	}
	for _, s := range steps {
		if got := callIAM(t, base, s.creds, s.id, s.params); got != s.want {
			t.Errorf("%s: %+v, want %+v", s.name, got, s.want)
		}
	}
	// A request changed after signing is refused.
	u, _ := url.Parse(base)
	req, _ := (&awsprov.Adapter{}).Request(providers.Target{BaseURL: u, Credential: creds}, "AKIASANDBOXDEMO00002")
	req.Body = bytes.Replace(req.Body, []byte("DEMO00002"), []byte("DEMO00003"), 1)
	if got := sendIAM(t, req); got != (iamAnswer{403, "SignatureDoesNotMatch"}) {
		t.Errorf("tampered body: %+v", got)
	}
	req.Header.Del("Authorization")
	if got := sendIAM(t, req); got != (iamAnswer{400, "IncompleteSignature"}) {
		t.Errorf("unsigned: %+v", got)
	}
	states := map[string]string{}
	for _, k := range sb.Keys() {
		if k.Provider == "aws" {
			states[k.ID] = k.State
		}
	}
	if states["AKIASANDBOXDEMO00001"] != Revoked || states["AKIASANDBOXBOB000001"] != Revoked || states["AKIASANDBOXDEMO00002"] != Active || len(states) != 6 {
		t.Errorf("states %v", states)
	}
	k, err := sb.Create("aws")
	if err != nil || !awsIDShape(k.ID) {
		t.Errorf("created %+v %v", k, err)
	}
}

func awsIDShape(id string) bool { return len(id) == 20 && id[:4] == "AKIA" }

func TestAWSEmulationThrottlesInIAMsWay(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sb := New(Options{RateLimit: 1, Now: func() time.Time { return now }})
	srv, err := Start(sb, "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	base := BaseURLs(srv.URL)["aws"]
	callIAM(t, base, awsprov.SandboxCredentials, "AKIASANDBOXDEMO00001", nil)
	u, _ := url.Parse(base)
	req, _ := (&awsprov.Adapter{}).Request(providers.Target{BaseURL: u, Credential: awsprov.SandboxCredentials}, "AKIASANDBOXDEMO00002")
	r, _ := http.NewRequest(req.Method, req.URL, bytes.NewReader(req.Body))
	r.Header = req.Header
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte("<Code>Throttling</Code>")) {
		t.Errorf("beyond the rate: %s", body)
	}
	if resp.StatusCode != 400 || resp.Header.Get("Retry-After") != "" {
		t.Errorf("beyond the rate: %d, Retry-After %q; IAM throttles with a 400 and no Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestAWSSandboxCredentialsGoToTheAWSChain(t *testing.T) {
	set, unset, ok := CredentialEnv("aws")
	if !ok || len(set) != 2 || set[0][0] != "AWS_ACCESS_KEY_ID" || set[1][0] != "AWS_SECRET_ACCESS_KEY" || len(unset) != 1 || unset[0] != "AWS_SESSION_TOKEN" {
		t.Errorf("set %v unset %v ok %v", set, unset, ok)
	}
	if _, _, ok := CredentialEnv("lava"); ok {
		t.Error("lava takes KEYCTL_LAVA_TOKEN")
	}
}

// sendQuery sends a request and reads the answer's status, error code and
// root element.
func sendQuery(t *testing.T, req *providers.Request) (status int, code, root string) {
	t.Helper()
	r, _ := http.NewRequest(req.Method, req.URL, bytes.NewReader(req.Body))
	r.Header = req.Header
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var x struct {
		XMLName xml.Name
		Code    string `xml:"Error>Code"`
		Arn     string `xml:"GetCallerIdentityResult>Arn"`
	}
	if err := xml.Unmarshal(body, &x); err != nil {
		t.Fatalf("%d %s: not XML: %v", resp.StatusCode, body, err)
	}
	if x.Arn != "" {
		return resp.StatusCode, x.Arn, x.XMLName.Local
	}
	return resp.StatusCode, x.Code, x.XMLName.Local
}

func TestAWSEmulationPlaysLeakedPairs(t *testing.T) {
	sb := New(Options{})
	srv, err := Start(sb, "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	u, _ := url.Parse(BaseURLs(srv.URL)["aws"])
	tgt := providers.Target{BaseURL: u, Credential: awsprov.SandboxCredentials}
	pairs := map[string]string{}
	for _, k := range sb.Secrets() {
		if k.Provider == "aws" {
			pairs[k.ID] = k.Secret()
		}
	}
	if len(pairs) != 3 || pairs["AKIASANDBOXDEMO00001"] == "" || pairs["AKIASANDBOXNOSELF001"] == "" {
		t.Fatalf("leaked pairs %v", pairs)
	}
	a := &awsprov.Adapter{}
	call := func(op, secret string) (int, string, string) {
		t.Helper()
		req, err := a.SecretRequest(op, tgt, secret, "")
		if err != nil {
			t.Fatal(err)
		}
		return sendQuery(t, req)
	}
	type answer struct {
		status     int
		code, root string
	}
	demo, noself := pairs["AKIASANDBOXDEMO00001"], pairs["AKIASANDBOXNOSELF001"]
	for _, s := range []struct {
		name, op, secret string
		want             answer
	}{
		{"caller identity", providers.OpVerify, demo, answer{200, "arn:aws:iam::123456789012:user/keyctl-sandbox", "GetCallerIdentityResponse"}},
		{"caller identity, wrong secret", providers.OpVerify, "AKIASANDBOXDEMO00001:wrong", answer{403, "SignatureDoesNotMatch", "ErrorResponse"}},
		{"caller identity, a key with no leaked pair", providers.OpVerify, "AKIASANDBOXDEMO00003:any", answer{403, "SignatureDoesNotMatch", "ErrorResponse"}},
		{"caller identity, unknown key", providers.OpVerify, "AKIASANDBOXUNKNOWN01:any", answer{403, "InvalidClientTokenId", "ErrorResponse"}},
		{"self-delete denied by its policy", providers.OpRevokeBySecret, noself, answer{403, "AccessDenied", "ErrorResponse"}},
		{"self-delete", providers.OpRevokeBySecret, demo, answer{200, "", "DeleteAccessKeyResponse"}},
		{"caller identity once deleted", providers.OpVerify, demo, answer{403, "InvalidClientTokenId", "ErrorResponse"}},
		{"self-delete once deleted", providers.OpRevokeBySecret, demo, answer{403, "InvalidClientTokenId", "ErrorResponse"}},
	} {
		st, code, root := call(s.op, s.secret)
		if got := (answer{st, code, root}); got != s.want {
			t.Errorf("%s: %+v, want %+v", s.name, got, s.want)
		}
	}
	// STS checks the signing scope: a request signed for iam is refused.
	sts, _ := url.Parse(u.String() + "/sts")
	req, _ := awsprov.SignedQuery(awsprov.Endpoint{BaseURL: sts, Service: "iam", Region: "us-east-1"}, awsprov.SandboxCredentials,
		[]awsprov.QueryParam{{Name: "Action", Value: "GetCallerIdentity"}, {Name: "Version", Value: "2011-06-15"}}, time.Now())
	if st, code, _ := sendQuery(t, req); st != 403 || code != "SignatureDoesNotMatch" {
		t.Errorf("signed for iam: %d %s", st, code)
	}
	// The key whose policy forbids deleting itself is deleted by the
	// sandbox's (administrator's) credentials.
	if got := callIAM(t, u.String(), awsprov.SandboxCredentials, "AKIASANDBOXNOSELF001", nil); got != (iamAnswer{200, ""}) {
		t.Errorf("admin delete: %+v", got)
	}
}
