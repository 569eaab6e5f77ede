package aws_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/sigv4verify"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/aws"
)

var (
	signer = awssdk.Credentials{AccessKeyID: "AKIAADMINEXAMPLE0001", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	at     = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func adapter() *aws.Adapter { return &aws.Adapter{Now: func() time.Time { return at }} }

func target(t *testing.T, base string, creds any, params map[string]string) providers.Target {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return providers.Target{BaseURL: u, Credential: creds, Params: params}
}

// verify checks the request's signature the way IAM would, with the SDK's
// signer over what would be on the wire.
func verify(t *testing.T, req *providers.Request, creds awssdk.Credentials) sigv4verify.Signature {
	t.Helper()
	r := httptest.NewRequest(req.Method, req.URL, bytes.NewReader(req.Body))
	r.Header = req.Header.Clone()
	sig, err := sigv4verify.Verify(r, req.Body, creds)
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	return sig
}

func TestAWSRequestIsIAMDeleteAccessKeySignedForIAM(t *testing.T) {
	req, err := adapter().Request(target(t, aws.DefaultBaseURL, signer, nil), "AKIAIOSFODNN7EXAMPLE")
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "POST" || req.URL != "https://iam.amazonaws.com/" {
		t.Errorf("request line %s %s, want POST https://iam.amazonaws.com/", req.Method, req.URL)
	}
	if got, want := string(req.Body), "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=AKIAIOSFODNN7EXAMPLE"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if d := req.Header.Get("X-Amz-Date"); d != "20260101T000000Z" {
		t.Errorf("X-Amz-Date %q", d)
	}
	wantAuth := "AWS4-HMAC-SHA256 Credential=AKIAADMINEXAMPLE0001/20260101/us-east-1/iam/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature="
	if a := req.Header.Get("Authorization"); !strings.HasPrefix(a, wantAuth) || len(a) != len(wantAuth)+64 {
		t.Errorf("Authorization %q, want %s<64 hex>", a, wantAuth)
	}
	if req.Header.Get("X-Amz-Security-Token") != "" {
		t.Error("a session token header without a session token")
	}
	verify(t, req, signer)
	// Signed by anyone else, the same request does not verify.
	other := signer
	other.SecretAccessKey = "another-secret-access-key-of-forty-chars"
	r := httptest.NewRequest(req.Method, req.URL, bytes.NewReader(req.Body))
	r.Header = req.Header.Clone()
	if _, err := sigv4verify.Verify(r, req.Body, other); err == nil {
		t.Error("the signature verified with another secret key")
	}
}

func TestAWSRequestCarriesUserNameAndSessionToken(t *testing.T) {
	temp := signer
	temp.SessionToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
	req, err := adapter().Request(target(t, aws.DefaultBaseURL, temp, map[string]string{"user_name": "Bob"}), "AKIAIOSFODNN7EXAMPLE")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(req.Body), "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=AKIAIOSFODNN7EXAMPLE&UserName=Bob"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	if req.Header.Get("X-Amz-Security-Token") != temp.SessionToken {
		t.Error("no X-Amz-Security-Token")
	}
	sig := verify(t, req, temp)
	if !strings.Contains(strings.Join(sig.SignedHeaders, ";"), "x-amz-security-token") {
		t.Errorf("the session token is not signed: %v", sig.SignedHeaders)
	}
	for _, secret := range []string{temp.SecretAccessKey} {
		if strings.Contains(req.URL+string(req.Body)+strings.Join(flatten(req.Header), " "), secret) {
			t.Error("the secret access key is in the request")
		}
	}
}

func flatten(h http.Header) []string {
	var out []string
	for k, vs := range h {
		out = append(out, k+": "+strings.Join(vs, ","))
	}
	return out
}

func TestAWSRegionFollowsThePartitionsHost(t *testing.T) {
	for base, region := range map[string]string{
		"https://iam.amazonaws.com":               "us-east-1",
		"https://iam.cn-north-1.amazonaws.com.cn": "cn-north-1",
		"https://iam.us-gov.amazonaws.com":        "us-gov-west-1",
		"http://127.0.0.1:8787/aws":               "us-east-1",
	} {
		req, err := adapter().Request(target(t, base, signer, nil), "AKIAIOSFODNN7EXAMPLE")
		if err != nil {
			t.Fatal(err)
		}
		if sig := verify(t, req, signer); sig.Region != region || sig.Service != "iam" {
			t.Errorf("%s: signed for %s/%s, want %s/iam", base, sig.Region, sig.Service, region)
		}
		if !strings.HasSuffix(req.URL, "/") || !strings.HasPrefix(req.URL, base) {
			t.Errorf("%s: URL %s", base, req.URL)
		}
	}
}

func TestAWSTemporaryKeysAreRefusedWithWhatToDoInstead(t *testing.T) {
	for _, skip := range []bool{false, true} {
		tgt := target(t, aws.DefaultBaseURL, signer, nil)
		tgt.SkipIDCheck = skip
		_, err := adapter().Request(tgt, "ASIAIOSFODNN7EXAMPLE")
		var idErr *providers.IDError
		if !errors.As(err, &idErr) {
			t.Fatalf("skip=%v: %v, want an IDError", skip, err)
		}
		for _, want := range []string{"temporary", "cannot be revoked", "aws:TokenIssueTime", "AWSRevokeOlderSessions", "nothing sent"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q lacks %q", err, want)
			}
		}
	}
}

func TestAWSIDCheck(t *testing.T) {
	a := adapter()
	for _, id := range []string{"AKIAIOSFODNN7EXAMPLE", "AKIA0123456789AB", "AKIA" + strings.Repeat("A", 124)} {
		if _, err := a.Request(target(t, aws.DefaultBaseURL, signer, nil), id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	for _, id := range []string{"akiaiosfodnn7example", "AKIA012345", "AKIA" + strings.Repeat("A", 125), "AKIAIOSFODNN7EXAMPL-", "ABIAIOSFODNN7EXAMPLE", "AKIA IOSFODNN7EXAMP"} {
		_, err := a.Request(target(t, aws.DefaultBaseURL, signer, nil), id)
		var idErr *providers.IDError
		if !errors.As(err, &idErr) || !strings.Contains(err.Error(), "--skip-id-check") {
			t.Errorf("%q: %v, want an id error naming --skip-id-check", id, err)
		}
	}
	tgt := target(t, aws.DefaultBaseURL, signer, nil)
	tgt.SkipIDCheck = true
	if _, err := a.Request(tgt, "ABIAIOSFODNN7EXAMPLE"); err != nil {
		t.Errorf("--skip-id-check: %v", err)
	}
	// Without credentials the id is still checked first.
	if _, err := a.Request(target(t, aws.DefaultBaseURL, nil, nil), "AKIAIOSFODNN7EXAMPLE"); !errors.Is(err, providers.ErrNoCredential) {
		t.Errorf("no credential: %v", err)
	}
	if _, err := a.Request(target(t, aws.DefaultBaseURL, signer, map[string]string{"user_name": "Bob Smith"}), "AKIAIOSFODNN7EXAMPLE"); err == nil {
		t.Error("a user name off the model's pattern was sent")
	}
}

func errorBody(code, message string) string {
	return `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>` + code +
		`</Code><Message>` + message + `</Message></Error><RequestId>4f3c1b2e-0000-0000-0000-000000000000</RequestId></ErrorResponse>`
}

// TestAWSClassifiesEveryDocumentedAnswer: the IAM model's errors for
// DeleteAccessKey and AWS's common errors, each with its exit code.
func TestAWSClassifiesEveryDocumentedAnswer(t *testing.T) {
	xmlHeader := http.Header{"Content-Type": {"text/xml"}}
	cases := []struct {
		status int
		code   string
		state  providers.State
		exit   exit.Code
		hint   string
	}{
		{404, "NoSuchEntity", providers.NotFound, exit.NotFound, "user_name"},
		{409, "LimitExceeded", providers.Failed, exit.Conflict, "try again later"},
		{500, "ServiceFailure", providers.Failed, exit.Server, "IAM"},
		{500, "InternalFailure", providers.Failed, exit.Server, "AWS"},
		{403, "AccessDenied", providers.Failed, exit.Permission, "iam:DeleteAccessKey"},
		{403, "AccessDeniedException", providers.Failed, exit.Permission, "iam:DeleteAccessKey"},
		{403, "InvalidClientTokenId", providers.Failed, exit.Auth, "AWS_ACCESS_KEY_ID"},
		{403, "SignatureDoesNotMatch", providers.Failed, exit.Auth, "secret access key"},
		{400, "IncompleteSignature", providers.Failed, exit.Auth, "proxy"},
		{403, "ExpiredToken", providers.Failed, exit.Auth, "aws sso login"},
		{403, "ExpiredTokenException", providers.Failed, exit.Auth, "aws sso login"},
		{400, "Throttling", providers.Failed, exit.RateLimited, "--resume"},
		{400, "ThrottlingException", providers.Failed, exit.RateLimited, "--resume"},
		{400, "SomethingNew", providers.Failed, exit.Conflict, ""},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			o := adapter().Classify(c.status, xmlHeader, []byte(errorBody(c.code, "The thing &amp; more")))
			if o.State != c.state || o.Code != c.exit {
				t.Fatalf("%s/%d, want %s/%d (%s)", o.State, o.Code, c.state, c.exit, o.Message)
			}
			if o.Throttled != (c.exit == exit.RateLimited) {
				t.Errorf("throttled %v: only Throttling is retried like a 429", o.Throttled)
			}
			if !strings.HasPrefix(o.Message, "The thing & more ("+c.code+")") || !strings.Contains(o.Message, c.hint) {
				t.Errorf("message %q, want AWS's message and code, then %q", o.Message, c.hint)
			}
		})
	}
}

func TestAWSOnlyTheDocumentedResponseIsRevoked(t *testing.T) {
	ok := `<DeleteAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></DeleteAccessKeyResponse>`
	o := adapter().Classify(200, http.Header{"Content-Type": {"text/xml"}}, []byte(ok))
	if o.State != providers.Revoked || o.Code != exit.OK {
		t.Fatalf("documented success: %s/%d (%s)", o.State, o.Code, o.Message)
	}
	for name, a := range map[string]struct {
		status int
		body   string
	}{
		"empty":               {200, ""},
		"another operation":   {200, `<UpdateAccessKeyResponse><ResponseMetadata/></UpdateAccessKeyResponse>`},
		"json":                {200, `{"DeleteAccessKeyResponse":{}}`},
		"truncated":           {200, `<DeleteAccessKeyResponse><ResponseMetadata>`},
		"error in a 200":      {200, errorBody("NoSuchEntity", "x")},
		"html":                {200, `<!DOCTYPE html><html><body>Sign in</body></html>`},
		"204":                 {204, ""},
		"201 with the answer": {201, ok},
	} {
		o := adapter().Classify(a.status, http.Header{}, []byte(a.body))
		if o.State != providers.Failed || o.Code != exit.Unexpected || !strings.Contains(o.Message, "may NOT be revoked") {
			t.Errorf("%s: %s/%d (%s), want failed/1 saying the key may not be revoked", name, o.State, o.Code, o.Message)
		}
	}
}

func TestAWSUndecodableErrorsFallBackToTheStatus(t *testing.T) {
	o := adapter().Classify(403, http.Header{"Content-Type": {"text/html"}}, []byte("<html>denied by proxy</html>"))
	if o.Code != exit.Permission || !strings.Contains(o.Message, "HTML") {
		t.Errorf("403 HTML: %d %q", o.Code, o.Message)
	}
	o = adapter().Classify(502, http.Header{}, nil)
	if o.Code != exit.Server || o.Message != "502 Bad Gateway" {
		t.Errorf("502: %d %q", o.Code, o.Message)
	}
	o = adapter().Classify(400, http.Header{}, []byte("<ErrorResponse><Error><Code>\x1b[31mThrottling</Code><Message>a\nb</Message></Error></ErrorResponse>"))
	if strings.ContainsAny(o.Message, "\x1b\n") {
		t.Errorf("unsanitized message %q", o.Message)
	}
}

func TestAWSUserNameIsAnOptionalParameter(t *testing.T) {
	p, err := providers.Lookup("aws")
	if err != nil {
		t.Fatal(err)
	}
	params := providers.ParamsOf(p)
	if len(params) != 1 || params[0].Name != "user_name" || !params[0].Optional {
		t.Fatalf("params %+v", params)
	}
	if _, ok := p.(providers.CredentialLoader); !ok {
		t.Fatal("aws does not load its own credential")
	}
}
