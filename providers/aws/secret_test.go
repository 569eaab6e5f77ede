package aws_test

import (
	"net/http"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/aws"
)

// The leaked pair of the tests: AWS's own example key id and secret.
const (
	leakedID     = "AKIAIOSFODNN7EXAMPLE"
	leakedSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEAKEDKEY"
	leakedPair   = leakedID + ":" + leakedSecret
)

var leakedCreds = awssdk.Credentials{AccessKeyID: leakedID, SecretAccessKey: leakedSecret}

const (
	deleted  = `<DeleteAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DeleteAccessKeyResponse>`
	identity = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`
)

func awsError(code string) string {
	return `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>` + code + `</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`
}

// answer feeds a call the provider's answer, as the engine does.
func answer(c *providers.Call, status int, body string) *providers.Outcome {
	o := c.Classify(status, http.Header{"Content-Type": {"text/xml"}}, []byte(body))
	return &o
}

// assertCall checks a call's exact request: endpoint, form body, and a
// signature that verifies with signer for service and region.
func assertCall(t *testing.T, c *providers.Call, step, url, body string, signer awssdk.Credentials, service string) {
	t.Helper()
	if c == nil {
		t.Fatalf("no call, want %s", step)
	}
	if c.Step != step || c.Request.Method != "POST" || c.Request.URL != url || string(c.Request.Body) != body {
		t.Errorf("%s: POST %s %q, want %s POST %s %q", c.Step, c.Request.URL, c.Request.Body, step, url, body)
	}
	sig := verify(t, c.Request, signer)
	if sig.Service != service || sig.Region != "us-east-1" {
		t.Errorf("signed for %s/%s, want %s/us-east-1", sig.Service, sig.Region, service)
	}
	if wire := c.Request.URL + string(c.Request.Body) + strings.Join(flatten(c.Request.Header), "\n"); strings.Contains(wire, leakedSecret) {
		t.Error("the secret access key is in the request")
	}
}

const (
	selfDelete = "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=" + leakedID
	callerID   = "Action=GetCallerIdentity&Version=2011-06-15"
)

func flow(t *testing.T, creds any, secret string, o providers.FlowOptions) providers.Flow {
	return adapter().SecretFlow(target(t, aws.DefaultBaseURL, creds, nil), secret, o)
}

var revokeOnly = providers.FlowOptions{Revoke: true}

func TestAWSLeakedPairDeletesItselfSignedByItself(t *testing.T) {
	f := flow(t, nil, leakedPair, revokeOnly)
	if f.Method() != providers.OpRevokeBySecret || f.KeyID() != leakedID {
		t.Errorf("method %s, key id %s", f.Method(), f.KeyID())
	}
	c, out := f.Next(nil)
	if out != nil {
		t.Fatalf("no request: %+v", out)
	}
	// No UserName: IAM takes the user of the signing key, the key itself.
	assertCall(t, c, providers.OpRevokeBySecret, "https://iam.amazonaws.com/", selfDelete, leakedCreds, "iam")
	c, out = f.Next(answer(c, 200, deleted))
	if c != nil || out.State != providers.Revoked || out.Code != exit.OK {
		t.Fatalf("after 200: call %v, %+v", c, out)
	}
}

func TestAWSLeakedPairFallsBackToTheChainsCredentialsWhenDenied(t *testing.T) {
	for _, code := range []string{"AccessDenied", "AccessDeniedException", "SignatureDoesNotMatch"} {
		f := flow(t, signer, leakedPair, revokeOnly)
		c, _ := f.Next(nil)
		assertCall(t, c, providers.OpRevokeBySecret, "https://iam.amazonaws.com/", selfDelete, leakedCreds, "iam")
		c, out := f.Next(answer(c, 403, awsError(code)))
		if out != nil {
			t.Fatalf("%s: no fallback: %+v", code, out)
		}
		assertCall(t, c, providers.OpRevoke, "https://iam.amazonaws.com/", selfDelete, signer, "iam")
		c, out = f.Next(answer(c, 200, deleted))
		if c != nil || out.State != providers.Revoked || out.Code != exit.OK || !strings.Contains(out.Message, "by id with the AWS credential chain's credentials") {
			t.Errorf("%s: %+v", code, out)
		}
	}
}

func TestAWSLeakedPairDeniedWithoutChainCredentialsSaysWhatToDo(t *testing.T) {
	f := flow(t, nil, leakedPair, revokeOnly)
	c, _ := f.Next(nil)
	c, out := f.Next(answer(c, 403, awsError("AccessDenied")))
	if c != nil || out.State != providers.Failed || out.Code != exit.Config {
		t.Fatalf("call %v, %+v", c, out)
	}
	for _, want := range []string{"may not delete itself", "AWS_ACCESS_KEY_ID", "keyctl revoke aws " + leakedID, "user_name", "nothing revoked"} {
		if !strings.Contains(out.Message, want) {
			t.Errorf("%q lacks %q", out.Message, want)
		}
	}
}

func TestAWSLeakedPairOfAnUnknownKeyIsDead(t *testing.T) {
	f := flow(t, signer, leakedPair, revokeOnly)
	c, _ := f.Next(nil)
	c, out := f.Next(answer(c, 403, awsError("InvalidClientTokenId")))
	if c != nil || out.State != providers.Dead || out.Code != exit.OK {
		t.Fatalf("call %v, %+v", c, out)
	}
}

func TestAWSVerifyIsGetCallerIdentitySignedByThePair(t *testing.T) {
	for status, want := range map[int]providers.State{200: providers.Live, 403: providers.Dead} {
		f := flow(t, nil, leakedPair, providers.FlowOptions{Verify: true})
		c, _ := f.Next(nil)
		assertCall(t, c, providers.OpVerify, "https://sts.amazonaws.com/", callerID, leakedCreds, "sts")
		body := identity
		if status == 403 {
			body = awsError("InvalidClientTokenId")
		}
		c, out := f.Next(answer(c, status, body))
		if c != nil || out.State != want {
			t.Errorf("%d: %+v, want %s", status, out, want)
		}
		if status == 200 && !strings.Contains(out.Message, "arn:aws:iam::123456789012:user/ci") {
			t.Errorf("the live key's identity is not named: %s", out.Message)
		}
	}
}

func TestAWSRevokeThenVerifyConfirms(t *testing.T) {
	f := flow(t, nil, leakedPair, providers.FlowOptions{Revoke: true, Verify: true})
	c, _ := f.Next(nil)
	c, _ = f.Next(answer(c, 200, deleted))
	assertCall(t, c, providers.OpVerify, "https://sts.amazonaws.com/", callerID, leakedCreds, "sts")
	c, out := f.Next(answer(c, 403, awsError("InvalidClientTokenId")))
	if c != nil || out.State != providers.Confirmed || out.Code != exit.OK {
		t.Fatalf("%+v", out)
	}
	// After the fallback too.
	f = flow(t, signer, leakedPair, providers.FlowOptions{Revoke: true, Verify: true})
	c, _ = f.Next(nil)
	c, _ = f.Next(answer(c, 403, awsError("AccessDenied")))
	c, _ = f.Next(answer(c, 200, deleted))
	assertCall(t, c, providers.OpVerify, "https://sts.amazonaws.com/", callerID, leakedCreds, "sts")
	if _, out = f.Next(answer(c, 403, awsError("InvalidClientTokenId"))); out.State != providers.Confirmed {
		t.Fatalf("%+v", out)
	}
}

func TestAWSKeyIDAloneIsDeletedByIDAndNotVerified(t *testing.T) {
	f := flow(t, signer, leakedID, providers.FlowOptions{Revoke: true, Verify: true})
	if f.Method() != providers.OpRevoke {
		t.Errorf("method %s", f.Method())
	}
	c, _ := f.Next(nil)
	assertCall(t, c, providers.OpRevoke, "https://iam.amazonaws.com/", selfDelete, signer, "iam")
	c, out := f.Next(answer(c, 200, deleted))
	if c != nil || out.State != providers.Revoked || out.Code != exit.Unverified || !strings.Contains(out.Message, "only the key id") {
		t.Errorf("%+v", out)
	}
	// keyctl verify: nothing to sign with.
	if c, out := flow(t, nil, leakedID, providers.FlowOptions{Verify: true}).Next(nil); c != nil || out.State != providers.Unverified || out.Code != exit.Unverified {
		t.Errorf("verify: call %v, %+v", c, out)
	}
	// Without the chain's credentials: what to configure, nothing sent.
	if c, out := flow(t, nil, leakedID, revokeOnly).Next(nil); c != nil || out.Code != exit.Config || !strings.Contains(out.Message, "AWS_ACCESS_KEY_ID") {
		t.Errorf("no credential: call %v, %+v", c, out)
	}
}

func TestAWSTemporaryLeakedKeysAreRefused(t *testing.T) {
	for _, secret := range []string{"ASIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE:" + leakedSecret} {
		for _, o := range []providers.FlowOptions{revokeOnly, {Verify: true}, {Revoke: true, Verify: true}} {
			c, out := flow(t, signer, secret, o).Next(nil)
			if c != nil || out == nil || out.State != providers.Failed || out.Code != exit.Manual {
				t.Fatalf("%s %+v: call %v, %+v", secret[:4], o, c, out)
			}
			for _, want := range []string{"cannot be revoked", "aws:TokenIssueTime", "nothing sent"} {
				if !strings.Contains(out.Message, want) {
					t.Errorf("%q lacks %q", out.Message, want)
				}
			}
		}
		if need := adapter().SecretCredential(secret, revokeOnly); need != providers.CredentialNone {
			t.Errorf("%s needs the credential %v", secret, need)
		}
	}
}

func TestAWSSecretAccessKeyAloneIsRefused(t *testing.T) {
	c, out := flow(t, signer, leakedSecret, revokeOnly).Next(nil)
	if c != nil || out.Code != exit.Manual || !strings.Contains(out.Message, "AKID:SECRET") || strings.Contains(out.Message, leakedSecret) {
		t.Fatalf("call %v, %+v", c, out)
	}
}

func TestAWSLeakedCredentialsAreDetectedAndFingerprintedByTheirID(t *testing.T) {
	for _, secret := range []string{leakedID, leakedPair} {
		c := providers.Candidates(secret)
		if len(c) != 1 || c[0].Provider.Info().Name != "aws" {
			t.Errorf("%s…: candidates %v", secret[:4], c)
		}
	}
	for _, s := range []string{leakedSecret, "AKIA0123:" + leakedSecret, leakedID + ":", leakedID + ":two words"} {
		if c := providers.Candidates(s); len(c) != 0 {
			t.Errorf("%q is taken for %s's", s, c[0].Provider.Info().Name)
		}
	}
	fp := adapter().SecretFingerprint(leakedPair)
	if !strings.HasPrefix(fp, "AKIA…MPLE sha256:") || strings.Contains(fp, leakedSecret[len(leakedSecret)-4:]) {
		t.Errorf("fingerprint %q", fp)
	}
	if fp == adapter().SecretFingerprint(leakedID) || fp == adapter().SecretFingerprint(leakedID+":another") {
		t.Error("the fingerprint does not tell pairs apart")
	}
	for secret, want := range map[string]providers.CredentialNeed{leakedID: providers.CredentialRequired, leakedPair: providers.CredentialOptional} {
		if got := adapter().SecretCredential(secret, revokeOnly); got != want {
			t.Errorf("%s…: credential need %v, want %v", secret[:4], got, want)
		}
		if got := adapter().SecretCredential(secret, providers.FlowOptions{Verify: true}); got != providers.CredentialNone {
			t.Errorf("%s… verify: credential need %v", secret[:4], got)
		}
	}
}

func TestAWSSTSEndpointFollowsTheBaseURL(t *testing.T) {
	for base, want := range map[string]string{
		"https://iam.amazonaws.com":   "https://sts.amazonaws.com/",
		"https://iam.global.api.aws":  "https://sts.amazonaws.com/",
		"http://127.0.0.1:8787/aws":   "http://127.0.0.1:8787/aws/sts/",
		"http://127.0.0.1:8787/aws/":  "http://127.0.0.1:8787/aws/sts/",
		"https://proxy.example.test/": "https://proxy.example.test/sts/",
	} {
		req, err := adapter().SecretRequest(providers.OpVerify, target(t, base, nil, nil), leakedPair, "")
		if err != nil || req.URL != want {
			t.Errorf("%s: %v %v, want %s", base, req, err, want)
		}
	}
	// No documented STS host: not signed for a guessed one.
	for _, base := range []string{"https://iam.cn-north-1.amazonaws.com.cn", "https://iam.us-gov.amazonaws.com", "https://iam-fips.amazonaws.com"} {
		if req, err := adapter().SecretRequest(providers.OpVerify, target(t, base, nil, nil), leakedPair, ""); err == nil || !strings.Contains(err.Error(), "aws sts get-caller-identity") {
			t.Errorf("%s: %v %v", base, req, err)
		}
	}
}
