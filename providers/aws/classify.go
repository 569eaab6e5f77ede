package aws

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

// queryError is the Query protocol's error body:
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>,
// read whatever its namespace.
type queryError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// answer is what keyctl reports for one documented error code.
type answer struct {
	status int // the documented HTTP status
	code   string
	state  providers.State
	exit   exit.Code
	hint   string
}

// documented lists every error the IAM model documents for DeleteAccessKey
// and AWS's common errors. Where AWS's pages and its CLI spell a code two
// ways (AccessDenied, AccessDeniedException), both are listed.
var documented = []answer{
	{404, "NoSuchEntity", providers.NotFound, exit.NotFound,
		"no such key in the signing credentials' account, or no such user_name: keys are managed only inside their own account (check the AWS profile and --param user_name); a key already deleted needs nothing"},
	{409, "LimitExceeded", providers.Failed, exit.Conflict,
		"IAM documents LimitExceeded for DeleteAccessKey without explaining it for a delete; try again later"},
	{500, "ServiceFailure", providers.Failed, exit.Server, "an unknown failure inside IAM; try again later"},
	{500, "InternalFailure", providers.Failed, exit.Server, "an unknown failure inside AWS; try again later"},
	{403, "AccessDenied", providers.Failed, exit.Permission, accessDenied},
	{403, "AccessDeniedException", providers.Failed, exit.Permission, accessDenied},
	{403, "InvalidClientTokenId", providers.Failed, exit.Auth,
		"the signing access key id does not exist in AWS's records: check the AWS credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE) and that the base URL is the key's partition"},
	{403, "SignatureDoesNotMatch", providers.Failed, exit.Auth,
		"the signature does not match: the secret access key is not the signing access key id's (check the AWS credentials), or the system clock is off"},
	{400, "IncompleteSignature", providers.Failed, exit.Auth,
		"AWS found the signature incomplete; something between keyctl and AWS (a proxy) may have changed the request"},
	{403, "ExpiredToken", providers.Failed, exit.Auth, expiredToken},
	{403, "ExpiredTokenException", providers.Failed, exit.Auth, expiredToken},
	{400, "Throttling", providers.Failed, exit.RateLimited, throttling},
	{400, "ThrottlingException", providers.Failed, exit.RateLimited, throttling},
}

// answers indexes documented by code.
var answers = func() map[string]answer {
	m := make(map[string]answer, len(documented))
	for _, a := range documented {
		m[a.code] = a
	}
	return m
}()

const (
	accessDenied = "the signing credentials may not iam:DeleteAccessKey on the key's user (arn:aws:iam::ACCOUNT:user/NAME): use credentials allowed to, such as an administrator's"
	expiredToken = "the signing credentials' session token has expired: refresh them (aws sso login, or new temporary credentials) and re-run"
	throttling   = "AWS is throttling requests (it documents no Retry-After); retried with backoff within --retries and --max-wait, then re-run later with --resume"
)

// Classify reads IAM's answer. Only a 200 whose body is the operation's
// documented DeleteAccessKeyResponse is a revocation.
func (a *Adapter) Classify(status int, header http.Header, body []byte) providers.Outcome {
	if status >= 200 && status < 300 {
		return success(status, header, body)
	}
	var qe queryError
	if status >= 400 && xml.Unmarshal(body, &qe) == nil && qe.Error.Code != "" {
		code := providers.Clean(qe.Error.Code)
		msg := providers.Clean(qe.Error.Message)
		if msg == "" {
			msg = providers.StatusText(status)
		}
		msg = providers.Clean(fmt.Sprintf("%s (%s)", msg, code))
		if ans, ok := answers[qe.Error.Code]; ok {
			return providers.Outcome{State: ans.state, Code: ans.exit, Message: providers.WithHint(msg, ans.hint), Throttled: ans.exit == exit.RateLimited}
		}
		return providers.FromStatus(status, header, msg)
	}
	msg := ""
	if status >= 400 {
		msg = providers.StatusText(status)
		if note := bodyNote(header, body); note != "" {
			msg += " (" + note + ")"
		}
	}
	return providers.FromStatus(status, header, msg)
}

// success confirms a 2xx: a 200 with the Query protocol's answer for the
// operation, a root element named after it.
func success(status int, header http.Header, body []byte) providers.Outcome {
	var root struct{ XMLName xml.Name }
	what := ""
	switch {
	case status != http.StatusOK:
		what = "answered " + providers.StatusText(status) + ", where IAM documents 200"
		if isHTML(header, body) {
			what += " with an HTML page (a proxy or wrong base URL?)"
		}
	case isHTML(header, body):
		what = "answered 200 with an HTML page, not IAM's " + Action + "Response (a proxy or wrong base URL?)"
	case len(bytes.TrimSpace(body)) == 0:
		what = "answered 200 with an empty body, not IAM's " + Action + "Response"
	case xml.Unmarshal(body, &root) != nil:
		what = "answered 200 with a body that is not IAM's XML"
	case root.XMLName.Local != Action+"Response":
		what = "answered 200 with <" + providers.Clean(root.XMLName.Local) + ">, not IAM's " + Action + "Response"
	default:
		return providers.Outcome{State: providers.Revoked, Code: exit.OK, Message: "revoked (200 " + Action + "Response): the access key is deleted"}
	}
	return providers.Outcome{State: providers.Failed, Code: exit.Unexpected, Message: providers.Clean("AWS IAM " + what +
		"; the key may NOT be revoked: check the base URL and any proxy, then verify the key (aws iam list-access-keys)")}
}

// isHTML reports whether an answer is a web page rather than IAM's XML.
func isHTML(header http.Header, body []byte) bool {
	ct, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	head := strings.ToLower(string(bytes.TrimSpace(body[:min(len(body), 512)])))
	return ct == "text/html" || strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// bodyNote describes an error body that gave no IAM error.
func bodyNote(header http.Header, body []byte) string {
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return ""
	case isHTML(header, body):
		return "the response is an HTML page, not IAM's (a proxy or wrong base URL?)"
	case len(body) >= providers.MaxBody:
		return fmt.Sprintf("the response body was larger than %d bytes and was cut", providers.MaxBody)
	}
	return "the response body is not IAM's XML error"
}
