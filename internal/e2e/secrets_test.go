package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/testutil"
)

// TestNoLibraryWritesTheCredentialToStderr: a server that sends bytes after a
// complete response (echoing the credential) makes Go's HTTP client log
// "Unsolicited response received on idle HTTP channel starting with …"
// through the standard logger, straight to stderr. keyctl must not let it.
func TestNoLibraryWritesTheCredentialToStderr(t *testing.T) {
	srv := testutil.NewRawServer(t, func(head string) string {
		auth := ""
		for _, line := range strings.Split(head, "\r\n") {
			if v, ok := strings.CutPrefix(line, "Authorization: "); ok {
				auth = v
			}
		}
		return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n" + `{"id":"sk_1","deleted":true}`[:27] +
			"HTTP/1.1 200 OK\r\nX-Echo: " + auth + "\r\n\r\n"
	})
	env := []string{"KEYCTL_LAVA_TOKEN=" + secret}
	ids := []string{"revoke", "lava", "--base-url", "http://" + srv.Addr, "--concurrency", "1", "--per-provider", "1", "--no-audit"}
	for i := range 8 {
		ids = append(ids, "sk_"+string(rune('a'+i)))
	}
	for _, debug := range []bool{false, true} {
		args := ids
		if debug {
			args = append(args, "--debug")
		}
		// keyctl fails the test if the secret is anywhere in its output.
		r := keyctl(t, env, args...)
		if len(srv.Requests()) == 0 {
			t.Fatalf("no request reached the server: exit %d %s", r.code, r.stderr)
		}
		if !debug && strings.Contains(r.stderr, "Unsolicited") {
			t.Fatalf("net/http wrote to stderr without --debug:\n%s", r.stderr)
		}
	}
}

// TestLoopbackHostsBypassTheProxy: every host keyctl accepts as loopback for
// plain http (LOCALHOST too) is reached directly, never through HTTP_PROXY,
// which would receive the credential in clear text.
func TestLoopbackHostsBypassTheProxy(t *testing.T) {
	proxy := testutil.NewRawServer(t, func(string) string {
		return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
	})
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"id":"sk_1","deleted":true}`)
	})
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, host := range []string{"LOCALHOST", "Localhost", "127.0.0.1"} {
		env := []string{"KEYCTL_LAVA_TOKEN=" + secret, "HTTP_PROXY=http://" + proxy.Addr, "http_proxy=http://" + proxy.Addr, "HTTPS_PROXY=http://" + proxy.Addr}
		r := keyctl(t, env, "revoke", "lava", "sk_1", "--base-url", "http://"+host+":"+port, "--no-audit")
		if got := proxy.Requests(); len(got) != 0 {
			t.Fatalf("%s: the proxy received the request (and the credential in clear text):\n%s", host, got[0])
		}
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s %s", host, r.code, r.stdout, r.stderr)
		}
	}
	if n := len(srv.Requests()); n != 3 {
		t.Fatalf("the server got %d requests, want 3", n)
	}
}
