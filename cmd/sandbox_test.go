package cmd

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/internal/testutil"
)

// TestAgainstSandbox drives every documented outcome of every provider
// through keyctl's whole path: flags, env, config, engine, adapter, HTTP, and
// the emulator.
func TestAgainstSandbox(t *testing.T) {
	cases := []struct {
		name     string
		provider string
		token    string // "" uses the sandbox's credential
		ids      []string
		code     exit.Code
		outcomes []string
		extra    []string
	}{
		{"lava revoke", "lava", "", []string{"sk_demo_1"}, exit.OK, []string{"revoked"}, nil},
		{"lava twice", "lava", "", []string{"sk_demo_1"}, exit.NotFound, []string{"not_found"}, nil},
		{"lava 401", "lava", "wrong-token-1234", []string{"sk_demo_1"}, exit.Auth, []string{"failed"}, nil},
		{"lava 404", "lava", "", []string{"sk_nope"}, exit.NotFound, []string{"not_found"}, nil},
		{"lava last key", "lava", "", []string{"sk_demo_1", "sk_demo_2", "sk_demo_3", "sk_demo_fresh"}, exit.Conflict, nil, []string{"--per-provider", "1", "--max-wait", "20s"}},
		{"lava cooldown beyond budget", "lava", "", []string{"sk_demo_fresh"}, exit.RateLimited, []string{"failed"}, []string{"--max-wait", "2s"}},
		{"langwatch revoke", "langwatch", "", []string{"lw_demo_1"}, exit.OK, []string{"revoked"}, nil},
		{"langwatch 409", "langwatch", "", []string{"lw_revoked"}, exit.OK, []string{"already_revoked"}, nil},
		{"langwatch 403", "langwatch", "", []string{"lw_other_user"}, exit.Permission, []string{"failed"}, nil},
		{"langwatch 404", "langwatch", "", []string{"missing"}, exit.NotFound, []string{"not_found"}, nil},
		{"langwatch 401", "langwatch", "sk-lw-wrong_key", []string{"lw_demo_1"}, exit.Auth, []string{"failed"}, nil},
		{"liveavatar revoke", "liveavatar", "", []string{"sec_demo_1"}, exit.OK, []string{"revoked"}, nil},
		{"liveavatar 400", "liveavatar", sandbox.NoSpaceToken, []string{"sec_demo_1"}, exit.Conflict, []string{"failed"}, nil},
		{"liveavatar 404", "liveavatar", "", []string{"sec_nope"}, exit.NotFound, []string{"not_found"}, nil},
		{"liveavatar 422", "liveavatar", "", []string{"bad id!"}, exit.Invalid, []string{"failed"}, nil},
		{"liveavatar 401", "liveavatar", "wrong-key-1234", []string{"sec_demo_1"}, exit.Auth, []string{"failed"}, nil},
		{"altostrat revoke", "altostrat", "", []string{"api_key_demo00000000000000000000001"}, exit.OK, []string{"revoked"}, nil},
		{"altostrat 404", "altostrat", "", []string{"api_key_demo00000000000000000000009"}, exit.NotFound, []string{"not_found"}, nil},
		{"altostrat 401", "altostrat", "wrong.jwt.token", []string{"api_key_demo00000000000000000000001"}, exit.Auth, []string{"failed"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testutil.IsolateEnv(t)
			var ahead time.Duration
			sb := sandbox.New(sandbox.Options{Now: func() time.Time { return time.Now().Add(ahead) }})
			if c.name == "lava last key" {
				ahead = 20 * time.Second // sk_demo_fresh is past its cooldown
			}
			srv, err := sandbox.Start(sb, "127.0.0.1:0", false)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			up := strings.ToUpper(c.provider)
			token := c.token
			if token == "" {
				token = sandbox.Token(c.provider)
			}
			t.Setenv("KEYCTL_"+up+"_BASE_URL", sandbox.BaseURLs(srv.URL)[c.provider])
			t.Setenv("KEYCTL_"+up+"_TOKEN", token)
			if c.name == "lava twice" {
				if code, _, _ := run(t, nil, "revoke", "lava", "sk_demo_1"); code != exit.OK {
					t.Fatalf("first revocation: exit %d", code)
				}
			}
			args := append(append([]string{"revoke", c.provider, "--concurrency", "1"}, c.ids...), c.extra...)
			code, stdout, stderr := run(t, nil, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout, stderr)
			}
			rs := results(t, stdout)
			if len(rs) != len(c.ids) {
				t.Fatalf("%d results for %d ids", len(rs), len(c.ids))
			}
			if c.name == "lava cooldown beyond budget" && (rs[0].RetryAfter == nil || rs[0].Attempts != 1 || !strings.Contains(rs[0].Message, "15 seconds")) {
				t.Errorf("cooldown result %+v", rs[0])
			}
			for i, want := range c.outcomes {
				if string(rs[i].Outcome) != want {
					t.Errorf("result %d: %+v, want outcome %s", i, rs[i], want)
				}
			}
			if c.token != "" && strings.Contains(stdout+stderr, c.token) {
				t.Fatal("credential leaked")
			}
		})
	}
}

func TestRevokeWithBuiltInSandbox(t *testing.T) {
	testutil.IsolateEnv(t)
	code, stdout, stderr := run(t, nil, "revoke", "--sandbox", "altostrat", "api_key_demo00000000000000000000002")
	if code != exit.OK {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if rs := results(t, stdout); rs[0].Outcome != "revoked" || rs[0].HTTPStatus != 204 {
		t.Fatalf("results %+v", rs)
	}
	if code, _, stderr := run(t, nil, "revoke", "--sandbox", "lava", "k", "--base-url", "https://x.example"); code != exit.Usage {
		t.Fatalf("--sandbox with --base-url: exit %d %s", code, stderr)
	}
}

func TestSandboxBusyPortIsNotAUsageError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	code, _, stderr := run(t, nil, "sandbox", "--addr", addr)
	if code != exit.Unexpected || strings.Contains(stderr, "for usage") || !strings.Contains(stderr, "cannot listen on "+addr) ||
		!strings.Contains(stderr, "--addr 127.0.0.1:0") {
		t.Fatalf("busy port: exit %d\n%s", code, stderr)
	}
	// A bad address still is one.
	if code, _, stderr := run(t, nil, "sandbox", "--addr", "10.1.2.3:80"); code != exit.Usage {
		t.Fatalf("remote address: exit %d %s", code, stderr)
	}
}

func TestSandboxKeysTableOrJSON(t *testing.T) {
	srv, err := sandbox.Start(sandbox.New(sandbox.Options{}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	code, stdout, _ := run(t, nil, "sandbox", "keys", "--addr", addr)
	if code != exit.OK || !strings.HasPrefix(stdout, `{"provider":`) {
		t.Fatalf("not a terminal: JSON Lines expected, exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = run(t, nil, "sandbox", "keys", "--addr", addr, "-o", "table")
	if code != exit.OK || !strings.HasPrefix(stdout, "PROVIDER") || !strings.Contains(stdout, "sk_demo_fresh") || !strings.Contains(stdout, "active") {
		t.Fatalf("-o table: exit %d:\n%s", code, stdout)
	}
}
