package cmd

import (
	"net/http"
	"strings"
	"testing"

	"github.com/icholy/digest"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
)

const (
	atlasPublicKey = "pubk3y01"
	atlasOrg       = "5f1e2d3c4b5a697887766554"
	atlasKey       = "6a1b2c3d4e5f60718293a4b5"
	atlasPath      = "/api/atlas/v2/orgs/" + atlasOrg + "/apiKeys/" + atlasKey
	atlasChallenge = `Digest realm="MMS Public API", nonce="n0nce", algorithm=MD5, qop="auth"`
)

// atlasEnv points mongodbatlas at srv with a private key (secret), a
// public key and an org id.
func atlasEnv(t *testing.T, srv *testutil.Server) {
	t.Helper()
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_MONGODBATLAS_BASE_URL", srv.URL)
	t.Setenv("KEYCTL_MONGODBATLAS_TOKEN", secret)
	t.Setenv("KEYCTL_MONGODBATLAS_PUBLIC_KEY", atlasPublicKey)
	t.Setenv("KEYCTL_MONGODBATLAS_ORG_ID", atlasOrg)
}

// validDigest reports whether r answers atlasChallenge for the public and
// private key, recomputed with the library.
func validDigest(r *http.Request) bool {
	got, err := digest.ParseCredentials(r.Header.Get("Authorization"))
	if err != nil || got.Username != atlasPublicKey || got.URI != r.URL.RequestURI() || got.Nonce != "n0nce" {
		return false
	}
	chal, _ := digest.ParseChallenge(atlasChallenge)
	want, err := digest.Digest(chal, digest.Options{Method: r.Method, URI: got.URI, Username: atlasPublicKey, Password: secret, Cnonce: got.Cnonce, Count: got.Nc})
	return err == nil && got.Response == want.Response
}

// TestDigestExchangeOnTheWire: the request goes out without credentials,
// the 401 challenge is answered once with a valid Digest answer, and the
// result is the final answer's, as one attempt; the trace shows both
// exchanges and neither key.
func TestDigestExchangeOnTheWire(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if !validDigest(r) {
			testutil.Respond(w, 401, `{"error":401,"errorCode":"UNAUTHORIZED","reason":"Unauthorized","detail":"You are not authorized for this resource."}`, "WWW-Authenticate", atlasChallenge)
			return
		}
		testutil.Respond(w, 204, "")
	})
	atlasEnv(t, srv)
	code, stdout, stderr := run(t, nil, "revoke", "mongodbatlas", atlasKey, "-o", "json", "--no-audit", "--debug")
	if code != exit.OK {
		t.Fatalf("exit %d, want 0\n%s", code, stderr)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want the challenge and the answer", len(reqs))
	}
	for i, r := range reqs {
		if r.Method != "DELETE" || r.RequestURI != atlasPath || r.Header.Get("Accept") != "application/vnd.atlas.2023-01-01+json, application/json" {
			t.Errorf("request %d: %s %s Accept %q", i+1, r.Method, r.RequestURI, r.Header.Get("Accept"))
		}
	}
	if a := reqs[0].Header.Get("Authorization"); a != "" {
		t.Errorf("the first request carries Authorization %q; Digest sends nothing before the challenge", a)
	}
	if a := reqs[1].Header.Get("Authorization"); !strings.HasPrefix(a, "Digest ") || strings.Contains(a, secret) {
		t.Errorf("the second request's Authorization %q", a)
	}
	rs := results(t, stdout)
	if len(rs) != 1 || rs[0].Outcome != "revoked" || rs[0].HTTPStatus != 204 || rs[0].Attempts != 1 {
		t.Fatalf("results %+v", rs)
	}
	if n := strings.Count(stderr, "> DELETE "+srv.URL+atlasPath); n != 2 || !strings.Contains(stderr, "> Authorization: Digest [REDACTED]") || !strings.Contains(stderr, "< Www-Authenticate: Digest") {
		t.Errorf("the trace must show both exchanges, the answer masked:\n%s", stderr)
	}
	assertNoSecret(t, stdout, stderr)
	if strings.Contains(stdout+stderr, atlasPublicKey) {
		t.Errorf("the public key (an extra credential) is shown:\n%s\n%s", stdout, stderr)
	}
}

// TestDigestRejectedAnswerIsAuth: a 401 to the authenticated request is
// the answer (exit 4), not a reason to loop.
func TestDigestRejectedAnswerIsAuth(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 401, `{"error":401,"errorCode":"UNAUTHORIZED","reason":"Unauthorized","detail":"You are not authorized for this resource."}`, "WWW-Authenticate", atlasChallenge)
	})
	atlasEnv(t, srv)
	code, stdout, stderr := run(t, nil, "revoke", "mongodbatlas", atlasKey, "-o", "json", "--no-audit")
	if code != exit.Auth {
		t.Fatalf("exit %d, want %d\n%s", code, exit.Auth, stderr)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	rs := results(t, stdout)
	if len(rs) != 1 || rs[0].HTTPStatus != 401 || !strings.Contains(rs[0].Message, "You are not authorized") || !strings.Contains(rs[0].Message, "KEYCTL_MONGODBATLAS_TOKEN") {
		t.Fatalf("results %+v", rs)
	}
	assertNoSecret(t, stdout, stderr)
}

// TestDigestWithoutChallengeKeepsTheAnswer: a 401 without a Digest
// challenge is the provider's answer, its body read, nothing sent again.
func TestDigestWithoutChallengeKeepsTheAnswer(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 401, `{"error":401,"errorCode":"IP_ADDRESS_NOT_ON_ACCESS_LIST","detail":"not on the access list"}`)
	})
	atlasEnv(t, srv)
	code, stdout, _ := run(t, nil, "revoke", "mongodbatlas", atlasKey, "-o", "json", "--no-audit")
	if code != exit.Auth || len(srv.Requests()) != 1 {
		t.Fatalf("exit %d after %d requests, want %d after 1", code, len(srv.Requests()), exit.Auth)
	}
	if rs := results(t, stdout); !strings.Contains(rs[0].Message, "not on the access list (IP_ADDRESS_NOT_ON_ACCESS_LIST)") {
		t.Errorf("message %q", rs[0].Message)
	}
}

// TestDigestRateLimitSeesOnlyTheFinalAnswer: a 429 before the challenge is
// retried after Retry-After like any answer; each attempt redoes the
// exchange, and the attempts count the engine's tries, not the challenges.
func TestDigestRateLimitSeesOnlyTheFinalAnswer(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case n == 1:
			testutil.Respond(w, 429, `{"error":429,"errorCode":"RATE_LIMITED"}`, "Retry-After", "2")
		case !validDigest(r):
			testutil.Respond(w, 401, "", "WWW-Authenticate", atlasChallenge)
		default:
			testutil.Respond(w, 204, "")
		}
	})
	atlasEnv(t, srv)
	clock := testutil.NewClock()
	code, stdout, stderr := run(t, clock, "revoke", "mongodbatlas", atlasKey, "-o", "json", "--no-audit")
	if code != exit.OK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rs := results(t, stdout)
	if len(rs) != 1 || rs[0].Outcome != "revoked" || rs[0].Attempts != 2 || len(srv.Requests()) != 3 {
		t.Fatalf("results %+v after %d requests; want revoked in 2 attempts, 3 requests", rs, len(srv.Requests()))
	}
	if clock.Waited() < 2e9 {
		t.Errorf("waited %s, want the Retry-After", clock.Waited())
	}
}

// TestDigestDryRunSendsNothing: the preview says Digest, masked.
func TestDigestDryRunSendsNothing(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 204, "") })
	atlasEnv(t, srv)
	code, stdout, stderr := run(t, nil, "revoke", "mongodbatlas", atlasKey, "-o", "json", "--dry-run")
	if code != exit.OK || len(srv.Requests()) != 0 {
		t.Fatalf("exit %d, %d requests", code, len(srv.Requests()))
	}
	if !strings.Contains(stdout, "Digest [REDACTED]") {
		t.Errorf("preview lacks the Digest auth: %s", stdout)
	}
	assertNoSecret(t, stdout, stderr)
	if strings.Contains(stdout+stderr, atlasPublicKey) {
		t.Error("the public key is shown")
	}
}
