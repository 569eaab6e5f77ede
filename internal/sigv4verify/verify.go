// Package sigv4verify checks an AWS Signature Version 4 request the way a
// server does: it signs the received request again with the official SDK's
// signer and the credentials the server knows, and compares. The sandbox's
// AWS emulation and the contract tests use it.
package sigv4verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Signature is a parsed Authorization header.
type Signature struct {
	AccessKeyID   string
	Date          string // yyyymmdd of the credential scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

// Parse reads "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request,
// SignedHeaders=a;b, Signature=hex".
func Parse(authorization string) (Signature, error) {
	var s Signature
	rest, ok := strings.CutPrefix(authorization, "AWS4-HMAC-SHA256 ")
	if !ok {
		return s, fmt.Errorf("not an AWS4-HMAC-SHA256 authorization")
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope := strings.Split(v, "/")
			if len(scope) != 5 || scope[4] != "aws4_request" {
				return s, fmt.Errorf("malformed credential scope")
			}
			s.AccessKeyID, s.Date, s.Region, s.Service = scope[0], scope[1], scope[2], scope[3]
		case "SignedHeaders":
			s.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			s.Signature = v
		}
	}
	if s.AccessKeyID == "" || len(s.SignedHeaders) == 0 || s.Signature == "" {
		return s, fmt.Errorf("incomplete signature")
	}
	return s, nil
}

// Verify checks r (whose body was read into body) against creds: the access
// key id, the signed headers (host and x-amz-date at least) and the
// signature, recomputed by the SDK's signer over exactly the headers the
// client signed. A session token is taken from X-Amz-Security-Token. It
// returns the parsed signature.
func Verify(r *http.Request, body []byte, creds aws.Credentials) (Signature, error) {
	sig, err := Parse(r.Header.Get("Authorization"))
	if err != nil {
		return sig, err
	}
	if sig.AccessKeyID != creds.AccessKeyID {
		return sig, fmt.Errorf("unknown access key id")
	}
	signed := map[string]bool{}
	for _, h := range sig.SignedHeaders {
		signed[h] = true
	}
	for _, must := range []string{"host", "x-amz-date"} {
		if !signed[must] {
			return sig, fmt.Errorf("%s is not signed", must)
		}
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || when.Format("20060102") != sig.Date {
		return sig, fmt.Errorf("X-Amz-Date does not match the credential scope")
	}
	url := "http://" + r.Host + r.URL.RequestURI()
	again, err := http.NewRequest(r.Method, url, bytes.NewReader(body))
	if err != nil {
		return sig, err
	}
	again.Host = r.Host
	if !signed["content-length"] {
		again.ContentLength = 0
	}
	for name, values := range r.Header {
		if lower := strings.ToLower(name); signed[lower] && lower != "host" && lower != "content-length" {
			again.Header[name] = values
		}
	}
	c := creds
	c.SessionToken = r.Header.Get("X-Amz-Security-Token")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), c, again, hex.EncodeToString(sum[:]), sig.Service, sig.Region, when); err != nil {
		return sig, err
	}
	want := again.Header.Get("Authorization")
	if subtle.ConstantTimeCompare([]byte(want), []byte(r.Header.Get("Authorization"))) != 1 {
		return sig, fmt.Errorf("signature does not match")
	}
	return sig, nil
}
