package sandbox

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	awsprov "github.com/keyctl/keyctl/providers/aws"

	"github.com/keyctl/keyctl/internal/sigv4verify"
	"github.com/keyctl/keyctl/providers"
)

// native is a provider written in Go (no definition to play), emulated by
// code of its own: its seeded keys, its route and its answers.
type native struct {
	seeds []providers.SKey
	newID string // fmt format of a created key's id
	route string // under the provider's base path
	serve func(s *Sandbox, w http.ResponseWriter, r *http.Request)
	// rateLimited answers a request beyond --rate-limit in the provider's
	// own way.
	rateLimited func(w http.ResponseWriter)
	// env are the variables that point the provider's own credential
	// chain at the sandbox's credentials (set), and those to clear so that
	// no real credential is sent to the sandbox (unset).
	env   [][2]string
	unset []string
}

// natives are the Go providers the sandbox plays.
var natives = map[string]*native{"aws": awsNative}

// The AWS emulation: IAM's DeleteAccessKey, as the IAM service model and
// the Query protocol describe it. It checks each request's SigV4 signature
// against the sandbox's AWS credentials with the SDK's own signer.
const (
	awsSigningUser = "keyctl-sandbox" // the IAM user of the sandbox's credentials
	awsDeniedTag   = "denied"
	awsNoSelfTag   = "noself" // its own policy does not allow it to delete itself
	awsAccount     = "123456789012"
)

// awsPair is a seeded key's fake leaked pair, "AKID:SECRET": the secret
// access key signs what the key sends for itself (deleting itself,
// sts:GetCallerIdentity).
func awsPair(id string) string { return id + ":sandbox/keyctl/" + id + "/fake+secret" }

var awsNative = &native{
	seeds: []providers.SKey{
		{ID: "AKIASANDBOXDEMO00001", Secret: awsPair("AKIASANDBOXDEMO00001"), Note: "its leaked pair may delete itself"},
		{ID: "AKIASANDBOXDEMO00002", Secret: awsPair("AKIASANDBOXDEMO00002"), Note: "its leaked pair may delete itself"},
		{ID: "AKIASANDBOXDEMO00003"},
		{ID: "AKIASANDBOXBOB000001", Tag: "user:Bob", Note: "user Bob's key: --param user_name=Bob, else 404 NoSuchEntity"},
		{ID: "AKIASANDBOXDENIED001", Tag: awsDeniedTag, Note: "the sandbox's credentials may not delete it: 403 AccessDenied"},
		{ID: "AKIASANDBOXNOSELF001", Tag: awsNoSelfTag, Secret: awsPair("AKIASANDBOXNOSELF001"),
			Note: "its leaked pair may not delete itself (403 AccessDenied); the sandbox's credentials may"},
	},
	newID: "AKIASANDBOXNEW%06d",
	route: "POST /aws/",
	serve: serveIAM,
	rateLimited: func(w http.ResponseWriter) {
		w.Header().Del("Retry-After") // IAM documents none
		iamError(w, http.StatusBadRequest, "Sender", "Throttling", "Rate exceeded")
	},
	env: [][2]string{
		{"AWS_ACCESS_KEY_ID", awsprov.SandboxCredentials.AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", awsprov.SandboxCredentials.SecretAccessKey},
	},
	unset: []string{"AWS_SESSION_TOKEN"},
}

// CredentialEnv is how a provider that finds its own credential (AWS) is
// pointed at the sandbox's: variables to export and to unset. ok is false
// for a provider that takes KEYCTL_<NAME>_TOKEN.
func CredentialEnv(provider string) (set [][2]string, unset []string, ok bool) {
	n, ok := natives[provider]
	if !ok {
		return nil, nil, false
	}
	return n.env, n.unset, true
}

// seedNatives adds the Go providers' keys.
func (s *Sandbox) seedNatives() {
	long := s.opts.Now().AddDate(0, 0, -1)
	for name, n := range natives {
		s.keys[name] = map[string]*Key{}
		for _, sk := range n.seeds {
			s.keys[name][sk.ID] = &Key{Provider: name, ID: sk.ID, State: Active, CreatedAt: long, Note: sk.Note, tag: sk.Tag, secret: sk.Secret}
		}
	}
}

// serveIAM answers one Query API call: IAM's DeleteAccessKey, or under
// sts/ STS's GetCallerIdentity. A request is signed by the sandbox's
// credentials (an administrator) or by a seeded key's leaked pair.
func serveIAM(s *Sandbox, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, providers.MaxBody))
	if r.Header.Get("Authorization") == "" {
		iamError(w, http.StatusBadRequest, "Sender", "IncompleteSignature", "The request is not signed with AWS Signature Version 4.")
		return
	}
	self, ok := awsSigner(s, w, r, body)
	if !ok {
		return
	}
	service := "iam"
	if strings.HasSuffix(strings.TrimRight(r.URL.Path, "/"), "/sts") {
		service = "sts"
	}
	if sig, _ := sigv4verify.Parse(r.Header.Get("Authorization")); sig.Service != service {
		iamError(w, http.StatusForbidden, "Sender", "SignatureDoesNotMatch", "Credential should be scoped to correct service: '"+service+"'.")
		return
	}
	form, err := url.ParseQuery(string(body))
	if service == "sts" {
		serveSTS(w, form, err, self)
		return
	}
	switch {
	case err != nil || form.Get("Action") != awsprov.Action:
		iamError(w, http.StatusBadRequest, "Sender", "InvalidAction", "The sandbox plays DeleteAccessKey only.")
		return
	case form.Get("Version") != awsprov.APIVersion:
		iamError(w, http.StatusBadRequest, "Sender", "ValidationError", "Version must be "+awsprov.APIVersion+".")
		return
	case !validAccessKeyID(form.Get("AccessKeyId")):
		iamError(w, http.StatusBadRequest, "Sender", "ValidationError", "AccessKeyId must match [\\w]+ with 16 to 128 characters.")
		return
	}
	id, user := form.Get("AccessKeyId"), form.Get("UserName")
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.lookup("aws", id)
	signer := awsSigningUser
	if self != nil {
		signer = awsOwner(self)
	}
	switch {
	case self != nil && self.tag == awsNoSelfTag:
		iamError(w, http.StatusForbidden, "Sender", "AccessDenied", fmt.Sprintf("User: arn:aws:iam::%s:user/%s is not authorized to perform: iam:DeleteAccessKey on resource: user %s", awsAccount, signer, signer))
	case k == nil || k.State == Revoked:
		iamError(w, http.StatusNotFound, "Sender", "NoSuchEntity", fmt.Sprintf("The Access Key with id %s cannot be found.", id))
	case user == "" && awsOwner(k) != signer, user != "" && user != awsOwner(k):
		// IAM takes the signing user when UserName is absent: another
		// user's key is then not found, as it is under a wrong UserName.
		iamError(w, http.StatusNotFound, "Sender", "NoSuchEntity", fmt.Sprintf("The Access Key with id %s cannot be found.", id))
	case self == nil && k.tag == awsDeniedTag:
		iamError(w, http.StatusForbidden, "Sender", "AccessDenied", fmt.Sprintf("User: arn:aws:iam::%s:user/%s is not authorized to perform: iam:DeleteAccessKey", awsAccount, awsSigningUser))
	default:
		k.State = Revoked
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", requestID())
		w.WriteHeader(http.StatusOK)
		_ = xml.NewEncoder(w).Encode(struct {
			XMLName   xml.Name `xml:"https://iam.amazonaws.com/doc/2010-05-08/ DeleteAccessKeyResponse"`
			RequestID string   `xml:"ResponseMetadata>RequestId"`
		}{RequestID: w.Header().Get("X-Amzn-Requestid")})
	}
}

// awsSigner checks a request's signature: by the sandbox's credentials
// (self is nil) or by the leaked pair of a seeded key that still exists
// (self is that key). Otherwise it answers as AWS does and ok is false.
func awsSigner(s *Sandbox, w http.ResponseWriter, r *http.Request, body []byte) (self *Key, ok bool) {
	sig, perr := sigv4verify.Parse(r.Header.Get("Authorization"))
	if perr == nil && sig.AccessKeyID != awsprov.SandboxCredentials.AccessKeyID {
		s.mu.Lock()
		k := s.keys["aws"][sig.AccessKeyID]
		live := k != nil && k.State == Active
		pair := ""
		if live {
			pair = k.secret // "" for a key with no seeded pair: no secret signs for it
		}
		s.mu.Unlock()
		if !live {
			iamError(w, http.StatusForbidden, "Sender", "InvalidClientTokenId", "The security token included in the request is invalid.")
			return nil, false
		}
		_, secret, _ := strings.Cut(pair, ":")
		if _, err := sigv4verify.Verify(r, body, awssdk.Credentials{AccessKeyID: k.ID, SecretAccessKey: secret}); secret == "" || err != nil {
			iamError(w, http.StatusForbidden, "Sender", "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
			return nil, false
		}
		return k, true
	}
	if _, err := sigv4verify.Verify(r, body, awsprov.SandboxCredentials); err != nil {
		iamError(w, http.StatusForbidden, "Sender", "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return nil, false
	}
	return nil, true
}

// awsOwner is the IAM user a key belongs to.
func awsOwner(k *Key) string {
	if strings.HasPrefix(k.tag, "user:") {
		return strings.TrimPrefix(k.tag, "user:")
	}
	return awsSigningUser
}

// serveSTS answers sts:GetCallerIdentity: who signed (signature and key
// checked by the caller). It needs no permission, so it cannot be denied.
func serveSTS(w http.ResponseWriter, form url.Values, err error, self *Key) {
	switch {
	case err != nil || form.Get("Action") != "GetCallerIdentity":
		iamError(w, http.StatusBadRequest, "Sender", "InvalidAction", "The sandbox plays GetCallerIdentity only.")
		return
	case form.Get("Version") != "2011-06-15":
		iamError(w, http.StatusBadRequest, "Sender", "ValidationError", "Version must be 2011-06-15.")
		return
	}
	user, userID := awsSigningUser, "AIDASANDBOXKEYCTL000"
	if self != nil {
		user, userID = awsOwner(self), "AIDA"+strings.TrimPrefix(self.ID, "AKIA")
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(http.StatusOK)
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName   xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
		Arn       string   `xml:"GetCallerIdentityResult>Arn"`
		UserID    string   `xml:"GetCallerIdentityResult>UserId"`
		Account   string   `xml:"GetCallerIdentityResult>Account"`
		RequestID string   `xml:"ResponseMetadata>RequestId"`
	}{Arn: "arn:aws:iam::" + awsAccount + ":user/" + user, UserID: userID, Account: awsAccount, RequestID: w.Header().Get("X-Amzn-Requestid")})
}

// validAccessKeyID is the model's accessKeyIdType: [\w]+, 16 to 128.
func validAccessKeyID(id string) bool {
	if len(id) < 16 || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// iamError writes the Query protocol's ErrorResponse.
func iamError(w http.ResponseWriter, status int, typ, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(status)
	type errorBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName   xml.Name  `xml:"https://iam.amazonaws.com/doc/2010-05-08/ ErrorResponse"`
		Error     errorBody `xml:"Error"`
		RequestID string    `xml:"RequestId"`
	}{Error: errorBody{typ, code, message}, RequestID: w.Header().Get("X-Amzn-Requestid")})
}

var requestSeq atomic.Int64

// requestID is a fresh request id in AWS's UUID shape.
func requestID() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", requestSeq.Add(1))
}
