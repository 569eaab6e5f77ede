package cmd

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/httpmock"
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

// TestUnknownHostIsNotRetried: a host that does not exist fails at once
// with exit 11 and a message naming it; retrying would fail the same way.
func TestUnknownHostIsNotRetried(t *testing.T) {
	testutil.IsolateEnv(t)
	t.Setenv("KEYCTL_LIVEAVATAR_TOKEN", secret)
	reg := httpmock.New(t)
	reg.Register("DELETE", "https://api.liveavatar.invalid/v1/secrets/s1", httpmock.Error(
		&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.liveavatar.invalid", IsNotFound: true}}))
	io, _, out, errOut := iostreams.Test()
	code := Run(context.Background(), &cmdutil.Factory{IO: io, Transport: reg}, []string{"revoke", "liveavatar", "s1", "--base-url", "https://api.liveavatar.invalid"})
	reg.Verify(t) // and a second attempt would have been an unexpected request
	if code != exit.Network {
		t.Fatalf("exit %d; want 11\n%s%s", code, out, errOut)
	}
	rs := results(t, out.String())
	if rs[0].Attempts != 1 || !strings.Contains(rs[0].Message, "no such host") || !strings.Contains(rs[0].Message, "api.liveavatar.invalid") {
		t.Fatalf("result %+v", rs[0])
	}
}

// TestBatchSendsExactlyWhatItShould drives a batch across all four
// providers through stubs that fail on any request they do not expect:
// malformed lines, duplicates and keys --resume knows are revoked are never
// sent; every other key is sent once, to its own provider, with its own
// credential.
func TestBatchSendsExactlyWhatItShould(t *testing.T) {
	dir := testutil.IsolateEnv(t)
	for _, p := range []string{"LAVA", "LANGWATCH", "LIVEAVATAR", "ALTOSTRAT"} {
		t.Setenv("KEYCTL_"+p+"_TOKEN", strings.ToLower(p)+"-credential-0001")
	}
	reg := httpmock.New(t)
	stubs := map[string]*httpmock.Stub{
		"lava":       reg.Register("DELETE", "https://api.lava.so/v1/secret_keys/sk%2F1", httpmock.Status(200, `{"id":"sk/1","deleted":true}`)),
		"langwatch":  reg.Register("DELETE", "https://app.langwatch.ai/api/api-keys/lw%201", httpmock.Status(409, "")),
		"liveavatar": reg.Register("DELETE", "https://api.liveavatar.com/v1/secrets/sec_1", httpmock.Status(404, `{"detail":"Secret not found"}`)),
		"altostrat":  reg.Register("DELETE", "https://v1.api.altostrat.io/api/keys/api_key_0123456789abcdefghijABCDEFG", httpmock.Status(204, "")),
	}
	audit := filepath.Join(dir, "audit.jsonl")
	os.WriteFile(audit, []byte(`{"provider":"lava","id":"done","outcome":"revoked","base_url":"https://api.lava.so/v1"}`+"\n"), 0o600)
	file := writeFile(t, "lava sk/1\n"+
		"langwatch,lw 1\n"+
		`{"provider":"liveavatar","id":"sec_1"}`+"\n"+
		"altostrat api_key_0123456789abcdefghijABCDEFG\n"+
		"lava sk/1\n"+ // duplicate
		"lava done\n"+ // revoked per the audit log
		"altostrat api_key_short\n"+ // off the pattern
		"nope x\n") // unknown provider
	io, _, out, errOut := iostreams.Test()
	code := Run(context.Background(), &cmdutil.Factory{IO: io, Transport: reg},
		[]string{"revoke", "--from", file, "--resume", "--audit-log", audit})
	reg.Verify(t)
	if code != exit.Mixed {
		t.Fatalf("exit %d, want 12 (a 404 and malformed lines)\n%s%s", code, out, errOut)
	}
	if n := len(results(t, out.String())); n != 8 {
		t.Fatalf("%d results for 8 lines", n)
	}
	for p, s := range stubs {
		want := "Bearer " + p + "-credential-0001"
		header, got := "Authorization", s.Request.Header.Get("Authorization")
		if p == "liveavatar" {
			header, got, want = "X-Api-Key", s.Request.Header.Get("X-Api-Key"), p+"-credential-0001"
		}
		if got != want {
			t.Errorf("%s: %s = %q, want %q", p, header, got, want)
		}
	}
}
