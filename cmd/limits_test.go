package cmd

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
)

// --concurrency and --per-provider are bounded: a typo such as 2000000 is
// a usage error naming the limit, with nothing sent.
func TestConcurrencyLimitsAreBounded(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		code exit.Code
		want string
	}{
		{[]string{"--concurrency", "2000000"}, nil, exit.Usage, "--concurrency"},
		{[]string{"--per-provider", "1025"}, nil, exit.Usage, "--per-provider"},
		{[]string{"--concurrency", "0"}, nil, exit.Usage, "--concurrency"},
		{nil, map[string]string{"KEYCTL_PER_PROVIDER": "99999999"}, exit.Config, "KEYCTL_PER_PROVIDER"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " ")+c.want, func(t *testing.T) {
			testutil.IsolateEnv(t)
			srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
			})
			t.Setenv("KEYCTL_LAVA_TOKEN", secret)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			args := append([]string{"revoke", "lava", "k", "--base-url", srv.URL}, c.args...)
			code, stdout, stderr := run(t, nil, args...)
			if code != c.code || stdout != "" || len(srv.Requests()) != 0 {
				t.Fatalf("exit %d (want %d), %d requests, stdout %q", code, c.code, len(srv.Requests()), stdout)
			}
			for _, w := range []string{c.want, "from 1 to 1024"} {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not name %q", stderr, w)
				}
			}
		})
	}
	// The limit itself is accepted.
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
	})
	t.Setenv("KEYCTL_LAVA_TOKEN", secret)
	if code, _, stderr := run(t, nil, "revoke", "lava", "k", "--base-url", srv.URL, "--concurrency", "1024", "--per-provider", "1024"); code != exit.OK {
		t.Fatalf("the limit itself: exit %d %s", code, stderr)
	}
}
