// Package aws revokes AWS IAM access keys. IAM is a Query API signed with
// Signature Version 4, which a definition cannot say, so this adapter is Go:
// it sends IAM's DeleteAccessKey, signed by the official SDK's signer with
// credentials from the SDK's default chain (environment, shared config and
// profiles, SSO, roles), and reads IAM's XML answers.
//
// Facts (operation, parameters, errors, endpoints) come from AWS's IAM
// service model in boto/botocore and the IAM API reference; see Sources.
package aws

import (
	"fmt"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/providers"
)

// The IAM facts this adapter relies on (the service model's metadata and
// the endpoint rule set).
const (
	Name           = "aws"
	DefaultBaseURL = "https://iam.amazonaws.com"
	APIVersion     = "2010-05-08"
	signingName    = "iam"
	defaultRegion  = "us-east-1"
	// Action is the revocation: DeleteAccessKey, not UpdateAccessKey
	// Status=Inactive, because AWS's quarantine policies for exposed keys
	// (AWSCompromisedKeyQuarantine, …V3) deny iam:UpdateAccessKey but not
	// iam:DeleteAccessKey, and a deleted key cannot be switched back on.
	Action = "DeleteAccessKey"
)

// regions are the SigV4 regions of IAM's hosts outside the commercial
// partition, from IAM's endpoint rule set (botocore's
// endpoint-rule-set-1.json); any other host (a proxy, the sandbox, a test
// server, the commercial and FIPS endpoints) is signed for us-east-1.
var regions = map[string]string{
	"iam.cn-north-1.amazonaws.com.cn":    "cn-north-1",
	"iam.us-gov.amazonaws.com":           "us-gov-west-1",
	"iam.us-iso-east-1.c2s.ic.gov":       "us-iso-east-1",
	"iam.us-isob-east-1.sc2s.sgov.gov":   "us-isob-east-1",
	"iam.eu-isoe-west-1.cloud.adc-e.uk":  "eu-isoe-west-1",
	"iam.us-isof-south-1.csp.hci.ic.gov": "us-isof-south-1",
}

// IDPattern is the documented long-term access key id: the prefix AKIA and
// the model's accessKeyIdType ([\w]+, 16 to 128 characters). Twenty
// characters is only what AWS's examples show, so other lengths pass.
// UserNamePattern is the model's existingUserNameType. Both are checked by
// hand: compiled, their counted repetitions cost a millisecond at every
// start-up of keyctl.
const (
	IDPattern       = `^AKIA[A-Za-z0-9_]{12,124}$`
	UserNamePattern = `^[A-Za-z0-9_+=,.@-]{1,128}$`
)

func validID(id string) bool {
	return strings.HasPrefix(id, "AKIA") && within(id, 16, 128, "_")
}

func validUserName(s string) bool { return within(s, 1, 128, "_+=,.@-") }

// within reports whether s has min to max characters, each an ASCII letter,
// a digit or one of extra.
func within(s string, min, max int, extra string) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(extra, r)) {
			return false
		}
	}
	return true
}

// idExample is AWS's own example access key id.
const idExample = "AKIAIOSFODNN7EXAMPLE"

// Sources are where the facts come from.
var Sources = []string{
	"boto/botocore:botocore/data/iam/2010-05-08/service-2.json@0e6e2404b85dc336dd2889814e089bde7d1a4c55",
	"boto/botocore:botocore/data/iam/2010-05-08/endpoint-rule-set-1.json@0e6e2404b85dc336dd2889814e089bde7d1a4c55",
	"smithy-lang/smithy:docs/source-2.0/aws/protocols/aws-query-protocol.rst@02759635fcb2ea709e45ff6cf0b9204221eec142",
	"https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccessKey.html",
	"https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html",
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes",
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html",
	"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCompromisedKeyQuarantineV3.html",
}

// Docs is the API reference page of the revocation.
const Docs = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccessKey.html"

// Adapter is the AWS provider.
type Adapter struct {
	// Now is the signing clock; nil is time.Now.
	Now func() time.Time
}

var _ providers.Provider = (*Adapter)(nil)
var _ providers.CredentialLoader = (*Adapter)(nil)

func init() {
	providers.Register(&Adapter{})
	// A session token travels in its own header: the trace masks it like
	// Authorization (the scrubber knows the value too, once loaded).
	redact.MarkSensitive("X-Amz-Security-Token")
}

// Info describes AWS for 'keyctl providers' and messages.
func (a *Adapter) Info() providers.Info {
	return providers.Info{
		Name:           Name,
		Title:          "AWS IAM",
		DefaultBaseURL: DefaultBaseURL,
		Endpoint:       "POST / Action=" + Action + "&Version=" + APIVersion + "&AccessKeyId={id}[&UserName={param.user_name}]",
		Auth:           "AWS Signature Version 4 (service iam, region us-east-1), signed by the AWS SDK",
		Credential:     "AWS credentials allowed iam:DeleteAccessKey on the key's user (an administrator's, or the user's own where a self-service policy allows it)",
		IDPattern:      IDPattern,
		Confidence:     "official-openapi",
	}
}

// Params is IAM's optional UserName.
func (a *Adapter) Params() []providers.Param {
	return []providers.Param{{
		Name: "user_name",
		Describe: "the IAM user who owns the key (IAM's UserName); unset, IAM takes the user of the signing credentials, " +
			"so set it to revoke another user's key",
		Pattern:  UserNamePattern,
		Example:  "Bob",
		Optional: true,
	}}
}

// Request builds the signed DeleteAccessKey call for id. An ASIA id is
// refused whatever --skip-id-check says: AWS cannot delete temporary keys.
func (a *Adapter) Request(t providers.Target, id string) (*providers.Request, error) {
	if err := CheckID(t, id); err != nil {
		return nil, err
	}
	params := []QueryParam{{"Action", Action}, {"Version", APIVersion}, {"AccessKeyId", id}}
	if user := t.Params["user_name"]; user != "" {
		if !validUserName(user) {
			return nil, &providers.IDError{ID: id, Reason: "user_name " + user + " does not match " + UserNamePattern}
		}
		params = append(params, QueryParam{"UserName", user})
	}
	creds, ok := t.Credential.(awssdk.Credentials)
	if !ok {
		return nil, providers.ErrNoCredential
	}
	if t.BaseURL == nil {
		return nil, errNoBaseURL
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	return SignedQuery(Endpoint{BaseURL: t.BaseURL, Service: signingName, Region: Region(t.BaseURL.Hostname())}, creds, params, now())
}

// Region is the SigV4 region IAM at host signs for.
func Region(host string) string {
	if r, ok := regions[strings.ToLower(host)]; ok {
		return r
	}
	return defaultRegion
}

// CheckID refuses what DeleteAccessKey cannot revoke: a temporary key
// always, anything else off the documented long-term shape unless the id
// check is skipped.
func CheckID(t providers.Target, id string) error {
	if err := providers.ValidateID(id); err != nil {
		return err
	}
	if strings.HasPrefix(id, "ASIA") {
		return &providers.IDError{ID: id, Reason: temporaryKey}
	}
	if t.SkipIDCheck || validID(id) {
		return nil
	}
	return &providers.IDError{ID: id, Reason: fmt.Sprintf("expected an IAM access key id of the form %s (e.g. %s); pass --skip-id-check to send it anyway", IDPattern, idExample)}
}

// temporaryKey is why an ASIA key is refused, and what to do instead, in
// the words of AWS's documentation.
const temporaryKey = "ASIA… is a temporary (STS) access key; AWS documents that temporary credentials are valid until they expire and cannot be revoked, only denied: " +
	"for a role session, add an inline policy to the role denying every action to sessions issued before now " +
	"(condition aws:TokenIssueTime; the console's \"Revoke active sessions\", policy AWSRevokeOlderSessions, needs iam:PutRolePolicy); " +
	"for a GetSessionToken or GetFederationToken session, the same policy on the IAM user that created it; sessions of the root user cannot be restricted. " +
	"sts:GetCallerIdentity signed with the leaked credentials names the role or user; nothing sent"

type errString string

func (e errString) Error() string { return string(e) }

const errNoBaseURL = errString("no base URL")
