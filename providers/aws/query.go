package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/keyctl/keyctl/internal/build"
	"github.com/keyctl/keyctl/providers"
)

// Endpoint is where a Query API call goes and how it is signed.
type Endpoint struct {
	BaseURL *url.URL // the call is POSTed to its path + "/"
	Service string   // SigV4 signing name: iam, sts
	Region  string   // SigV4 signing region
}

// QueryParam is one Query API parameter; a call sends them in order.
type QueryParam struct{ Name, Value string }

// FormContentType is the body type of a Query API call (the Smithy awsQuery
// specification; the IAM fact sheet's request).
const FormContentType = "application/x-www-form-urlencoded; charset=utf-8"

// SignedQuery builds one Query API call: a form-encoded POST of params
// (Action and Version first), signed with Signature Version 4 by the
// official SDK's signer with creds at time now. The credentials are
// explicit so that any key pair can sign: an administrator's from the
// credential chain, or a leaked pair asked to prove itself
// (sts:GetCallerIdentity) or to delete itself.
func SignedQuery(e Endpoint, creds awssdk.Credentials, params []QueryParam, now time.Time) (*providers.Request, error) {
	if e.BaseURL == nil {
		return nil, fmt.Errorf("no base URL")
	}
	body := []byte(encodeForm(params))
	u := *e.BaseURL
	u.Path = strings.TrimRight(u.Path, "/") + "/"
	u.RawPath, u.RawQuery, u.Fragment, u.RawFragment = "", "", "", ""
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", FormContentType)
	req.Header.Set("User-Agent", build.UserAgent())
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), e.Service, e.Region, now); err != nil {
		return nil, fmt.Errorf("signing the request: %w", err)
	}
	return &providers.Request{Method: http.MethodPost, URL: req.URL.String(), Header: req.Header, Body: body}, nil
}

// encodeForm writes params in the order given (the documented order:
// Action, Version, then the operation's members), each escaped for a form.
func encodeForm(params []QueryParam) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Value))
	}
	return b.String()
}
