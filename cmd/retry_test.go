package cmd

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/testutil"
)

// TestLavaCooldownRiddenOutWithDefaults: with no retry flags at all, a 429
// Retry-After: 15 (Lava's post-creation cooldown) is waited out and the key
// revoked.
func TestLavaCooldownRiddenOutWithDefaults(t *testing.T) {
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			testutil.Respond(w, 429, `{"error":{"message":"Cooldown period active","code":"cooldown","status":429}}`, "Retry-After", "15")
			return
		}
		testutil.Respond(w, 200, `{"id":"sk_new","deleted":true}`)
	})
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	clock := testutil.NewClock()
	code, stdout, stderr := run(t, clock, "revoke", "lava", "sk_new", "--base-url", srv.URL)
	if code != exit.OK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	rs := results(t, stdout)
	if rs[0].Outcome != "revoked" || rs[0].Attempts != 2 || clock.Waited() < 15*time.Second || clock.Waited() > 16*time.Second {
		t.Fatalf("result %+v after waiting %s", rs[0], clock.Waited())
	}
}

// dnsFailure is a transport that cannot resolve any host.
type dnsFailure struct{ calls int }

func (d *dnsFailure) RoundTrip(r *http.Request) (*http.Response, error) {
	d.calls++
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}}
}

// TestUnknownHostIsNotRetried: a host that does not exist fails at once
// with exit 11 and a message naming it; retrying would fail the same way.
func TestUnknownHostIsNotRetried(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LIVEAVATAR_TOKEN", secret)
	io, _, out, errOut := iostreams.Test()
	stub := &dnsFailure{}
	code := Run(context.Background(), &cmdutil.Factory{IO: io, Transport: stub}, []string{"revoke", "liveavatar", "s1", "--base-url", "https://api.liveavatar.invalid"})
	if code != exit.Network || stub.calls != 1 {
		t.Fatalf("exit %d after %d attempts; want 11 after 1\n%s%s", code, stub.calls, out, errOut)
	}
	rs := results(t, out.String())
	if !strings.Contains(rs[0].Message, "no such host") || !strings.Contains(rs[0].Message, "api.liveavatar.invalid") {
		t.Fatalf("message %q", rs[0].Message)
	}
}
