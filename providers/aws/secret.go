package aws

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// A leaked AWS credential is an access key id alone (a scanner that saw
// only the id: gitleaks' aws-access-token) or a key pair, written
// "AKID:SECRET" (TruffleHog's RawV2 spelling). The id is public; the
// secret access key only ever signs requests, so it never travels, not
// even to AWS.
//
// The facts (IAM fact sheet: "revoke by secret", "verify", "temporary
// credentials"): the pair may sign its own DeleteAccessKey without
// UserName when its policies allow it; sts:GetCallerIdentity signed by
// the pair answers 200 while the key works and 403 InvalidClientTokenId
// once it no longer exists; ASIA keys cannot be revoked at all.

// The secret formats: the documented id prefixes (AKIA long-term, ASIA
// temporary) with the model's accessKeyIdType ([\w]+, 16 to 128), alone
// or followed by ":" and a secret access key (no documented format: any
// run of printable characters without spaces or colons).
const (
	idShape     = `A[KS]IA[A-Za-z0-9_]{12,124}`
	pairPattern = `^` + idShape + `:[!-9;-~]+$`
	idPattern   = `^` + idShape + `$`
)

// The patterns are compiled on first use: their counted repetitions cost
// about a millisecond, which every keyctl start would otherwise pay.
var (
	pairRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pairPattern) })
	idRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(idPattern) })
)

// The STS facts: GetCallerIdentity, its version and signing name, and the
// legacy global endpoint, signed for us-east-1.
const (
	stsVersion   = "2011-06-15"
	stsService   = "sts"
	stsGlobalURL = "https://sts.amazonaws.com"
	verifyAction = "GetCallerIdentity"
)

// stsHosts are the IAM hosts whose STS endpoint the fact sheet gives: the
// commercial partition's. Other AWS hosts (China, GovCloud, FIPS, the
// isolated partitions) have no STS host in the documents read, so a key
// there is not verified rather than signed for a guessed host.
var stsHosts = map[string]bool{"iam.amazonaws.com": true, "iam.global.api.aws": true}

// pair is a leaked credential: the key id, and the secret access key if
// the leak had it.
type pair struct{ id, secret string }

func parsePair(s string) pair {
	id, secret, _ := strings.Cut(s, ":")
	return pair{id: id, secret: secret}
}

func (p pair) temporary() bool { return strings.HasPrefix(p.id, "ASIA") }

func (p pair) creds() awssdk.Credentials {
	return awssdk.Credentials{AccessKeyID: p.id, SecretAccessKey: p.secret}
}

var _ providers.FlowMaker = (*Adapter)(nil)

// SecretFormats are the shapes keyctl takes as a leaked AWS credential.
func (a *Adapter) SecretFormats() []providers.SecretFormat {
	return []providers.SecretFormat{
		{Name: "access key pair (AKID:SECRET)", Pattern: pairPattern, Prefix: "AKIA"},
		{Name: "access key id", Pattern: idPattern, Prefix: "AKIA"},
	}
}

// MatchSecret reports the format a secret has; detection (Candidates)
// uses it.
func (a *Adapter) MatchSecret(secret string) (providers.SecretFormat, bool) {
	f := a.SecretFormats()
	switch {
	case pairRe().MatchString(secret):
		f[0].Prefix = secret[:4]
		return f[0], true
	case idRe().MatchString(secret):
		f[1].Prefix = secret[:4]
		return f[1], true
	}
	return providers.SecretFormat{}, false
}

// SecretPlan is what AWS offers for a key pair; a key id alone is revoked
// by id (SecretFlow decides per secret).
func (a *Adapter) SecretPlan() providers.SecretPlan {
	return providers.SecretPlan{
		BySecret: true, BySecretAuth: "secret",
		Verify: true, VerifyAuth: "secret",
		Manual: "run: keyctl revoke aws <access key id> with AWS credentials allowed iam:DeleteAccessKey on the key's user (--param user_name=USER for another user's key)",
	}
}

// DeriveID is the access key id, the public half of the credential.
func (a *Adapter) DeriveID(secret string) (string, bool) {
	p := parsePair(secret)
	if !idRe().MatchString(p.id) {
		return "", false
	}
	return p.id, true
}

// PublicSecret reports whether a leaked credential is a key id alone:
// public (the IAM fact sheet: the first half of the pair, not secret), so
// results show it rather than mask it.
func (a *Adapter) PublicSecret(secret string) bool { return idRe().MatchString(secret) }

// SecretCredential: a key id alone is revoked only with the credential
// chain's credentials; a pair deletes itself and uses them only when its
// own policy forbids it; verification never does.
func (a *Adapter) SecretCredential(secret string, o providers.FlowOptions) providers.CredentialNeed {
	p := parsePair(secret)
	switch {
	case !o.Revoke || p.temporary() || !idRe().MatchString(p.id):
		return providers.CredentialNone
	case p.secret == "":
		return providers.CredentialRequired
	}
	return providers.CredentialOptional
}

// SecretFingerprint names a credential by its public key id: "AKIA…", the
// id's last four characters and the SHA-256 of the whole secret (pair or
// id). The secret access key contributes nothing but its hash.
func (a *Adapter) SecretFingerprint(secret string) string {
	p := parsePair(secret)
	fp := providers.Fingerprint("", secret)
	hash := fp[strings.LastIndex(fp, " ")+1:]
	if len(p.id) < 8 || !idRe().MatchString(p.id) {
		return "… " + hash
	}
	return p.id[:4] + "…" + p.id[len(p.id)-4:] + " " + hash
}

// SecretRequest builds one operation for a leaked credential: OpRevoke
// deletes id with the chain's credentials, OpRevokeBySecret is the pair
// deleting itself, OpVerify is GetCallerIdentity signed by the pair.
func (a *Adapter) SecretRequest(op string, t providers.Target, secret, id string) (*providers.Request, error) {
	if op == providers.OpRevoke {
		return a.Request(t, id)
	}
	p := parsePair(secret)
	switch {
	case p.temporary():
		return nil, &providers.IDError{ID: p.id, Reason: temporaryKey}
	case p.secret == "" || !idRe().MatchString(p.id):
		return nil, fmt.Errorf("an AWS %s needs the key pair, written AKID:SECRET", strings.ReplaceAll(op, "_", " "))
	case t.BaseURL == nil:
		return nil, errNoBaseURL
	}
	now := a.now()
	switch op {
	case providers.OpRevokeBySecret:
		// No UserName: IAM takes the user of the signing key, the key itself.
		e := Endpoint{BaseURL: t.BaseURL, Service: signingName, Region: Region(t.BaseURL.Hostname())}
		return SignedQuery(e, p.creds(), []QueryParam{{"Action", Action}, {"Version", APIVersion}, {"AccessKeyId", p.id}}, now)
	case providers.OpVerify:
		e, err := STSEndpoint(t.BaseURL)
		if err != nil {
			return nil, err
		}
		return SignedQuery(e, p.creds(), []QueryParam{{"Action", verifyAction}, {"Version", stsVersion}}, now)
	}
	return nil, fmt.Errorf("AWS has no %s request", strings.ReplaceAll(op, "_", " "))
}

func (a *Adapter) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// STSEndpoint is where GetCallerIdentity goes for the IAM base URL: the
// global STS endpoint for the commercial partition's IAM hosts; for a
// base URL that is not AWS's (the sandbox, a test server) the path sts/
// under it, signed for us-east-1; none for the other AWS partitions.
func STSEndpoint(iam *url.URL) (Endpoint, error) {
	host := strings.ToLower(iam.Hostname())
	switch {
	case stsHosts[host]:
		u, _ := url.Parse(stsGlobalURL)
		return Endpoint{BaseURL: u, Service: stsService, Region: defaultRegion}, nil
	case strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn") ||
		strings.HasSuffix(host, ".api.aws") || regions[host] != "" || strings.Contains(host, ".c2s.") || strings.Contains(host, ".sc2s.") ||
		strings.HasSuffix(host, ".adc-e.uk") || strings.HasSuffix(host, ".ic.gov"):
		return Endpoint{}, fmt.Errorf("keyctl knows no STS endpoint for the AWS partition of %s (only sts.amazonaws.com, for iam.amazonaws.com, is documented in its sources): check the key with `aws sts get-caller-identity` using the leaked credentials", host)
	}
	u := *iam
	u.Path = strings.TrimRight(u.Path, "/") + "/sts"
	return Endpoint{BaseURL: &u, Service: stsService, Region: defaultRegion}, nil
}

// SecretClassify reads the answer to one operation.
func (a *Adapter) SecretClassify(op string, status int, header http.Header, body []byte) providers.Outcome {
	switch op {
	case providers.OpRevokeBySecret:
		return classifySelfDelete(status, header, body)
	case providers.OpVerify:
		return classifyVerify(status, header, body)
	}
	return a.Classify(status, header, body)
}

// errorCode is the Query protocol error code of an answer, "" if none.
func errorCode(status int, body []byte) string {
	var qe queryError
	if status < 400 || xml.Unmarshal(body, &qe) != nil {
		return ""
	}
	return qe.Error.Code
}

// classifySelfDelete reads the answer to a pair deleting itself: the
// errors mean something else than for an administrator's request.
func classifySelfDelete(status int, header http.Header, body []byte) providers.Outcome {
	o := (&Adapter{}).Classify(status, header, body)
	switch errorCode(status, body) {
	case "AccessDenied", "AccessDeniedException":
		o.Message = "the leaked key may not delete itself (403 AccessDenied: its policies do not allow iam:DeleteAccessKey on its own user)"
	case "InvalidClientTokenId":
		return providers.Outcome{State: providers.Dead, Code: exit.OK,
			Message: "AWS does not know this access key id (403 InvalidClientTokenId: it does not exist in AWS's records): already deleted, or of another partition than the base URL's; nothing to revoke"}
	case "SignatureDoesNotMatch":
		o.Message = "the secret access key given does not sign for this key id (403 SignatureDoesNotMatch): it is not this key's secret, or the system clock is off"
	}
	return o
}

// classifyVerify reads GetCallerIdentity: 200 with its answer is a key
// that works, 403 InvalidClientTokenId one that no longer exists.
func classifyVerify(status int, header http.Header, body []byte) providers.Outcome {
	if status == http.StatusOK {
		var r struct {
			XMLName xml.Name
			Arn     string `xml:"GetCallerIdentityResult>Arn"`
		}
		if xml.Unmarshal(body, &r) == nil && r.XMLName.Local == verifyAction+"Response" {
			msg := "the key works (200 GetCallerIdentityResponse)"
			if arn := providers.Clean(r.Arn); arn != "" {
				msg = "the key works: it is " + arn + " (200 GetCallerIdentityResponse)"
			}
			return providers.Outcome{State: providers.Live, Code: exit.OK, Message: msg}
		}
		return providers.Outcome{State: providers.Failed, Code: exit.Unexpected, Message: "AWS STS answered 200 without a GetCallerIdentityResponse (a proxy or wrong base URL?)"}
	}
	switch errorCode(status, body) {
	case "InvalidClientTokenId":
		return providers.Outcome{State: providers.Dead, Code: exit.OK, Message: "AWS refuses the key (403 InvalidClientTokenId: the access key id does not exist in its records)"}
	case "SignatureDoesNotMatch":
		return providers.Outcome{State: providers.Failed, Code: exit.Auth, Message: "the secret access key given does not sign for this key id (403 SignatureDoesNotMatch), so AWS did not say whether the key id works"}
	}
	o := (&Adapter{}).Classify(status, header, body)
	o.State = providers.Failed
	return o
}

// SecretFlow plans one leaked credential.
func (a *Adapter) SecretFlow(t providers.Target, secret string, o providers.FlowOptions) providers.Flow {
	p := parsePair(secret)
	switch {
	case p.temporary():
		return &final{method: "manual", id: p.id, out: providers.Outcome{State: providers.Failed, Code: exit.Manual, Message: temporaryKey}}
	case !idRe().MatchString(p.id):
		return &final{method: "manual", out: providers.Outcome{State: providers.Failed, Code: exit.Manual, Message: notAKey}}
	case p.secret == "":
		return &idFlow{a: a, t: t, id: p.id, opts: o}
	}
	return &pairFlow{a: a, t: t, id: p.id, revoke: o.Revoke, inner: providers.SecretFlow(a, t, secret, o)}
}

// notAKey is the answer to a secret access key without its id (a
// scanner's aws-secret-access-key rule): AWS takes none by value.
const notAKey = "this is not an AWS access key id (AKIA…) nor a key pair written AKID:SECRET; a secret access key alone cannot be revoked: " +
	"find its key id where it leaked (AWS_ACCESS_KEY_ID next to it), then give the pair AKID:SECRET, or run: keyctl revoke aws <access key id>; nothing sent"

// final is a flow decided before anything is sent.
type final struct {
	method, id string
	out        providers.Outcome
}

func (f *final) Next(*providers.Outcome) (*providers.Call, *providers.Outcome) { return nil, &f.out }
func (f *final) Method() string                                                { return f.method }
func (f *final) KeyID() string                                                 { return f.id }
func (f *final) Plan() string                                                  { return "" }

// idFlow is a key id alone: deleted by id with the credential chain's
// credentials; without the secret access key nothing can verify it.
type idFlow struct {
	a    *Adapter
	t    providers.Target
	id   string
	opts providers.FlowOptions
	sent bool
}

const noVerifyByID = "AWS verifies a key only by a request signed with its secret access key, and the leak gave only the key id"

func (f *idFlow) Method() string {
	if !f.opts.Revoke {
		return providers.OpVerify
	}
	return providers.OpRevoke
}
func (f *idFlow) KeyID() string { return f.id }
func (f *idFlow) Plan() string {
	if f.opts.Verify {
		return "no verification: " + noVerifyByID
	}
	return ""
}

func (f *idFlow) Next(prev *providers.Outcome) (*providers.Call, *providers.Outcome) {
	if !f.opts.Revoke {
		return nil, &providers.Outcome{State: providers.Unverified, Code: exit.Unverified, Message: noVerifyByID + "; check it in the IAM console or with aws iam get-access-key-last-used"}
	}
	if prev == nil {
		return byID(f.a, f.t, f.id, "")
	}
	if f.opts.Verify && (prev.State == providers.Revoked || prev.State == providers.AlreadyRevoked) {
		o := *prev
		o.Code = exit.Unverified
		o.Message += "; not verified: " + noVerifyByID
		return nil, &o
	}
	return nil, prev
}

// byID is DeleteAccessKey for id signed with the credential chain's
// credentials; why says why it is sent, for a missing credential's
// message.
func byID(a *Adapter, t providers.Target, id, why string) (*providers.Call, *providers.Outcome) {
	if _, ok := t.Credential.(awssdk.Credentials); !ok {
		return nil, &providers.Outcome{State: providers.Failed, Code: exit.Config, Message: why +
			"deleting the key by id needs AWS credentials allowed iam:DeleteAccessKey on its user, and none are configured: " + missingHint +
			", then run: keyctl revoke aws " + id + " (with --param user_name=USER for another user's key); nothing revoked"}
	}
	req, err := a.Request(t, id)
	if err != nil {
		return nil, &providers.Outcome{State: providers.Failed, Code: exit.Usage, Message: why + err.Error() + "; nothing sent"}
	}
	return &providers.Call{Step: providers.OpRevoke, Request: req, Classify: a.Classify}, nil
}

// pairFlow is a key pair: it deletes itself; when its own policy forbids
// that (or the secret does not sign for the id), the key is deleted by id
// with the credential chain's credentials. Verification follows the
// generic flow (GetCallerIdentity, retried while the deletion
// propagates).
type pairFlow struct {
	a      *Adapter
	t      providers.Target
	id     string
	inner  providers.Flow
	revoke bool
	// selfDelete: the answer due is the key's own DeleteAccessKey.
	selfDelete bool
	code       string // that answer's error code
	refused    string // why the key could not delete itself, once it could not
}

func (f *pairFlow) Method() string { return f.inner.Method() }
func (f *pairFlow) KeyID() string  { return f.id }
func (f *pairFlow) Plan() string {
	var steps []string
	if f.revoke {
		steps = append(steps, "if the key may not delete itself, delete it by id with the AWS credential chain's credentials")
	}
	if p := f.inner.Plan(); p != "" {
		steps = append(steps, p)
	}
	return strings.Join(steps, ", then ")
}

func (f *pairFlow) Next(prev *providers.Outcome) (*providers.Call, *providers.Outcome) {
	if f.selfDelete && prev != nil && prev.State == providers.Failed {
		switch f.code {
		case "AccessDenied", "AccessDeniedException", "SignatureDoesNotMatch":
			f.selfDelete = false
			f.refused = prev.Message
			// The answer to the fallback goes to the inner flow as the
			// answer to its revocation: verification follows it.
			return byID(f.a, f.t, f.id, prev.Message+"; ")
		}
	}
	call, out := f.inner.Next(prev)
	f.selfDelete = call != nil && call.Step == providers.OpRevokeBySecret
	if f.selfDelete {
		classify := call.Classify
		call.Classify = func(status int, h http.Header, body []byte) providers.Outcome {
			f.code = errorCode(status, body)
			return classify(status, h, body)
		}
	}
	if out != nil && f.refused != "" {
		o := *out
		o.Message = f.refused + "; by id with the AWS credential chain's credentials: " + o.Message
		return nil, &o
	}
	return call, out
}
