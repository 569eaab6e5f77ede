package httpclient

import (
	"context"
	"io"
	"net/http"

	"github.com/icholy/digest"
)

// digestKey carries a request's Digest user and password in its context:
// the engine's requests share one client, each with its own credentials.
type digestKey struct{}

type digestCredentials struct{ user, password string }

// WithDigest marks the requests made with ctx for HTTP Digest (RFC 7616):
// each goes out without credentials and, when the server answers 401 with
// a Digest challenge, once more with the answer to it.
func WithDigest(ctx context.Context, user, password string) context.Context {
	return context.WithValue(ctx, digestKey{}, digestCredentials{user, password})
}

// digestTransport performs the challenge round trip for requests marked
// WithDigest, so that the caller (the engine's retries, its pacing and
// the classification of the answer) sees one exchange: the final answer.
// Parsing the challenge and computing the answer is github.com/icholy/digest;
// its own Transport holds one user for every request and caches challenges
// by host, which suits neither a shared client nor a revocation (a stale
// cached nonce would cost an extra 401 per key).
//
// It sits outside the debug transport, which so traces both exchanges with
// the Authorization header masked. Only the answer to a challenge from the
// same URL is sent: redirects are never followed.
type digestTransport struct {
	next http.RoundTripper
}

// maxChallengeBody bounds what is drained of the challenge's body so the
// connection can be reused.
const maxChallengeBody = 64 << 10

func (t *digestTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	cred, ok := req.Context().Value(digestKey{}).(digestCredentials)
	if !ok {
		return t.next.RoundTrip(req)
	}
	// The request holds no body to replay (a revocation by id); with one,
	// GetBody (set by net/http for in-memory bodies) gives it again.
	first := req.Clone(req.Context())
	if req.Body != nil && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		first.Body = body
	}
	resp, err := t.next.RoundTrip(first)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	chal, err := digest.FindChallenge(resp.Header)
	if err != nil || !digest.CanDigest(chal) {
		// No Digest challenge this library can answer: the 401, body and
		// all, is the provider's answer.
		return resp, nil
	}
	second := req.Clone(req.Context())
	if req.Body != nil {
		if req.GetBody == nil {
			return resp, nil // nothing to send again
		}
		if second.Body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	answer, err := digest.Digest(chal, digest.Options{
		Method: req.Method, URI: req.URL.RequestURI(), GetBody: req.GetBody, Count: 1,
		Username: cred.user, Password: cred.password,
	})
	if err != nil {
		return resp, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxChallengeBody))
	resp.Body.Close()
	second.Header = req.Header.Clone()
	second.Header.Set("Authorization", answer.String())
	return t.next.RoundTrip(second)
}
