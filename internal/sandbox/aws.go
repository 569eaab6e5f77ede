package sandbox

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

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
)

var awsNative = &native{
	seeds: []providers.SKey{
		{ID: "AKIASANDBOXDEMO00001"}, {ID: "AKIASANDBOXDEMO00002"}, {ID: "AKIASANDBOXDEMO00003"},
		{ID: "AKIASANDBOXBOB000001", Tag: "user:Bob", Note: "user Bob's key: --param user_name=Bob, else 404 NoSuchEntity"},
		{ID: "AKIASANDBOXDENIED001", Tag: awsDeniedTag, Note: "the sandbox's credentials may not delete it: 403 AccessDenied"},
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
			s.keys[name][sk.ID] = &Key{Provider: name, ID: sk.ID, State: Active, CreatedAt: long, Note: sk.Note, tag: sk.Tag}
		}
	}
}

// serveIAM answers one Query API call.
func serveIAM(s *Sandbox, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, providers.MaxBody))
	if r.Header.Get("Authorization") == "" {
		iamError(w, http.StatusBadRequest, "Sender", "IncompleteSignature", "The request is not signed with AWS Signature Version 4.")
		return
	}
	if _, err := sigv4verify.Verify(r, body, awsprov.SandboxCredentials); err != nil {
		if sig, perr := sigv4verify.Parse(r.Header.Get("Authorization")); perr == nil && sig.AccessKeyID != awsprov.SandboxCredentials.AccessKeyID {
			iamError(w, http.StatusForbidden, "Sender", "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		iamError(w, http.StatusForbidden, "Sender", "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return
	}
	form, err := url.ParseQuery(string(body))
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
	owner := awsSigningUser
	if k != nil && strings.HasPrefix(k.tag, "user:") {
		owner = strings.TrimPrefix(k.tag, "user:")
	}
	switch {
	case k == nil || k.State == Revoked:
		iamError(w, http.StatusNotFound, "Sender", "NoSuchEntity", fmt.Sprintf("The Access Key with id %s cannot be found.", id))
	case user == "" && owner != awsSigningUser, user != "" && user != owner:
		// IAM takes the signing user when UserName is absent: another
		// user's key is then not found, as it is under a wrong UserName.
		iamError(w, http.StatusNotFound, "Sender", "NoSuchEntity", fmt.Sprintf("The Access Key with id %s cannot be found.", id))
	case k.tag == awsDeniedTag:
		iamError(w, http.StatusForbidden, "Sender", "AccessDenied", fmt.Sprintf("User: arn:aws:iam::123456789012:user/%s is not authorized to perform: iam:DeleteAccessKey", awsSigningUser))
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
