package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/icholy/digest"

	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/internal/testutil"
	"github.com/keyctl/keyctl/providers"
)

var (
	prismBin  string
	keyctlBin string
	skipWhy   string
)

func TestMain(m *testing.M) {
	os.Exit(setup(m))
}

func setup(m *testing.M) int {
	if _, err := exec.LookPath("node"); err != nil {
		skipWhy = "Node.js is not installed: the contract tests run Prism (npm @stoplight/prism-cli) and are skipped"
		return m.Run()
	}
	prismBin, _ = filepath.Abs(filepath.Join("node_modules", ".bin", "prism"))
	if _, err := os.Stat(prismBin); err != nil {
		npm := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		npm.Stdout, npm.Stderr = os.Stderr, os.Stderr
		if err := npm.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "contract: installing Prism with `npm ci` in internal/contract failed:", err)
			return 1
		}
	}
	dir, err := os.MkdirTemp("", "keyctl-contract")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if keyctlBin, err = testutil.BuildKeyctl(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building keyctl:", err)
		return 1
	}
	return m.Run()
}

func needPrism(t *testing.T) {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
}

// freePort is a loopback port no one listens on now and that no earlier
// call handed out: the kernel may offer a port again as soon as it is
// closed, and two Prism processes told the same port would leave one test
// talking to the other's description.
func freePort(t *testing.T) int {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if !portsGiven[port] {
			portsGiven[port] = true
			return port
		}
	}
}

var (
	portsMu    sync.Mutex
	portsGiven = map[int]bool{}
)

// prismStarts bounds the Prism processes starting at once: each takes a
// few seconds of CPU to start, and a dozen starting together on a loaded
// two-core machine outlast any deadline.
var prismStarts = make(chan struct{}, 3)

// lockedBuffer is Prism's log, written by the process and read on failure.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startPrism runs `prism <mode> …` on a free port and waits until it listens.
func startPrism(t *testing.T, args ...string) string {
	t.Helper()
	prismStarts <- struct{}{}
	defer func() { <-prismStarts }()
	for try := 1; ; try++ {
		url, exited := startPrismOnce(t, args...)
		if !exited {
			return url
		}
		// It exited before it listened: its port was taken after freePort
		// gave it (by a listener of another test). Another port will do.
		if try == 3 {
			t.Fatalf("prism %v exited before it listened, three times", args)
		}
	}
}

// startPrismOnce starts Prism and waits until it listens; exited reports
// that the process ended first.
func startPrismOnce(t *testing.T, args ...string) (url string, exited bool) {
	t.Helper()
	port := freePort(t)
	full := append([]string{args[0], "--port", fmt.Sprint(port), "--host", "127.0.0.1"}, args[1:]...)
	cmd := exec.Command(prismBin, full...)
	// Prism watches its description to reload it on change, with an
	// inotify instance per process: a few dozen Prisms, with those of other
	// test runs, exhaust the user's 128 and Prism dies with EMFILE. The
	// description never changes during a test: poll it once an hour.
	cmd.Env = append(os.Environ(), "CHOKIDAR_USEPOLLING=1", "CHOKIDAR_INTERVAL=3600000")
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("prism %s log:\n%s", strings.Join(args, " "), tail(hide(logs.String()), 4000))
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	// Prism takes seconds to start, much longer on a loaded machine.
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return "", true
		default:
		}
		// Our process says it listens (a dial alone could reach another
		// listener on a port this one failed to take), and it does.
		if strings.Contains(logs.String(), "Prism is listening on http://"+addr) {
			if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
				c.Close()
				return "http://" + addr, false
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("prism %v did not start:\n%s", args, logs.String())
	return "", false
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// checker sits between keyctl and Prism: it asks Prism for a status with
// Prefer: code=NNN (so keyctl needs no test-only flags) and records every
// violation Prism reports, in the sl-violations header or as one of its own
// error documents (no path matched, invalid request, invalid response).
// Prism matches paths without the server's path (/api/v4): the checker
// takes strip off the front of each request's path.
type checker struct {
	target string
	strip  string
	mu     sync.Mutex
	prefer string
	seen   []string
	// digest, when set, makes the checker play an HTTP Digest server in
	// front of a Prism mock (see playDigest).
	digest *providers.DigestAuth
	nonce  int
	last   []byte // the body of the last answer
	// accept, when set, are the only Accept headers the description
	// takes; the checker checks them and asks Prism for application/json,
	// the type of the answers (see acceptAnswered).
	accept []string
}

// checkerRealm is the realm of the checker's Digest challenges.
const checkerRealm = "contract"

// playDigest makes the checker answer a request without a valid Digest
// answer for user and password with 401 and a challenge, as the provider
// would, and pass on only the authenticated request, whose answer it
// verifies (a wrong one is a violation). Prism's mock cannot play Digest:
// it never issues a usable challenge, and its check of the Authorization
// header accepts only quoted lower-case letters and digits, so it refuses
// every real answer (uri="/api/…", nc=00000001, qop=auth); the description
// Prism reads has its security requirement removed (digestFree) and Prism
// checks everything else of the request.
func (c *checker) playDigest(user, password string) {
	c.mu.Lock()
	c.digest = &providers.DigestAuth{User: user, Password: password}
	c.mu.Unlock()
}

// digestAnswered reports whether r carries a valid answer to the
// checker's latest challenge; otherwise it has answered 401 itself.
func (c *checker) digestAnswered(w http.ResponseWriter, r *http.Request) bool {
	c.mu.Lock()
	want, nonce := c.digest, fmt.Sprintf("nonce%d", c.nonce)
	c.mu.Unlock()
	if want == nil {
		return true
	}
	h := r.Header.Get("Authorization")
	if h != "" {
		got, err := digest.ParseCredentials(h)
		chal := &digest.Challenge{Realm: checkerRealm, Nonce: nonce, QOP: []string{"auth"}}
		if err == nil {
			answer, derr := digest.Digest(chal, digest.Options{Method: r.Method, URI: got.URI, Username: want.User, Password: want.Password, Cnonce: got.Cnonce, Count: got.Nc})
			if derr == nil && got.Username == want.User && got.Nonce == nonce && got.URI == r.URL.RequestURI() && got.Response == answer.Response {
				return true
			}
		}
		c.record(fmt.Sprintf("%s %s: not a valid Digest answer to the challenge: %v", r.Method, r.URL, err))
	}
	c.mu.Lock()
	c.nonce++
	nonce = fmt.Sprintf("nonce%d", c.nonce)
	c.mu.Unlock()
	w.Header().Set("WWW-Authenticate", (&digest.Challenge{Realm: checkerRealm, Nonce: nonce, QOP: []string{"auth"}}).String())
	w.WriteHeader(http.StatusUnauthorized)
	return false
}

func newChecker(t *testing.T, target, strip string) (*checker, string) {
	c := &checker{target: target, strip: strip}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.digestAnswered(w, r) {
			return
		}
		path := r.URL.EscapedPath()
		if c.strip != "" {
			if !strings.HasPrefix(path, c.strip+"/") {
				c.record(fmt.Sprintf("%s %s: not under the server path %s", r.Method, r.URL, c.strip))
				http.Error(w, "not under the server path", http.StatusNotFound)
				return
			}
			path = strings.TrimPrefix(path, c.strip)
		}
		target := c.target + path
		if r.URL.RawQuery != "" { // Grafana Cloud's region, for one, is a required query parameter
			target += "?" + r.URL.RawQuery
		}
		req, _ := http.NewRequest(r.Method, target, r.Body)
		req.Header = r.Header.Clone()
		c.mu.Lock()
		accept := c.accept
		c.mu.Unlock()
		if len(accept) > 0 {
			if !slices.Contains(accept, r.Header.Get("Accept")) {
				c.record(fmt.Sprintf("%s %s: Accept %q, not one of %v", r.Method, r.URL, r.Header.Get("Accept"), accept))
			}
			req.Header.Set("Accept", "application/json")
		}
		c.mu.Lock()
		if c.prefer != "" {
			req.Header.Set("Prefer", c.prefer)
		}
		c.mu.Unlock()
		resp, err := client.Do(req)
		if err != nil {
			c.record(fmt.Sprintf("%s %s: %v", r.Method, r.URL, err))
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if v := resp.Header.Get("sl-violations"); v != "" {
			c.record(fmt.Sprintf("%s %s: sl-violations %s", r.Method, r.URL, v))
		}
		if strings.Contains(resp.Header.Get("Content-Type"), "problem+json") && bytes.Contains(body, []byte("stoplight.io/prism/errors")) {
			c.record(fmt.Sprintf("%s %s: %s", r.Method, r.URL, body))
		}
		c.mu.Lock()
		c.last = body
		c.mu.Unlock()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return c, srv.URL
}

// body is the body of the last answer that passed through.
func (c *checker) body() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// record keeps a violation, with any fake secret in it hidden: a secret
// in a path is in Prism's words about it.
func (c *checker) record(v string) {
	v = hide(v)
	c.mu.Lock()
	c.seen = append(c.seen, v)
	c.mu.Unlock()
}

// take returns and clears the violations seen so far.
func (c *checker) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.seen
	c.seen = nil
	return v
}

// setAccept sets the Accept headers the description takes (see accept).
func (c *checker) setAccept(types []string) {
	c.mu.Lock()
	c.accept = types
	c.mu.Unlock()
}

// setPrefer starts a step: the status to ask Prism for, and no answer yet.
func (c *checker) setPrefer(p string) {
	c.mu.Lock()
	c.prefer = p
	c.last = nil
	c.mu.Unlock()
}

type result struct {
	Outcome    string `json:"outcome"`
	HTTPStatus int    `json:"http_status"`
	ExitCode   int    `json:"exit_code"`
	Message    string `json:"message"`
	Method     string `json:"method"` // how a secret was handled
}

// keyctl runs the binary with a clean environment.
func keyctl(t *testing.T, env []string, args ...string) (int, []result, string) {
	t.Helper()
	code, rs, _, stderr := keyctlRaw(t, env, args...)
	return code, rs, stderr
}

// keyctlRaw runs the binary and returns its stdout too.
func keyctlRaw(t *testing.T, env []string, args ...string) (int, []result, string, string) {
	t.Helper()
	code, stdout, stderr := testutil.Exec(t, keyctlBin, env, append(args, "-o", "json", "--no-audit")...)
	var rs []result
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("stdout line %q: %v", hide(line), err)
		}
		rs = append(rs, r)
	}
	return code, rs, stdout, stderr
}

func env(provider, baseURL, token string) []string {
	up := strings.ToUpper(provider)
	vars := []string{"KEYCTL_" + up + "_BASE_URL=" + baseURL, "KEYCTL_" + up + "_TOKEN=" + token}
	// Extra parameters take their documented example, as in the sandbox.
	if p, err := providers.Lookup(provider); err == nil {
		if d, ok := p.(*providers.Defined); ok {
			for _, prm := range d.Definition().Params {
				vars = append(vars, "KEYCTL_"+up+"_"+strings.ToUpper(prm.Name)+"="+prm.SandboxValue())
			}
			// Extra credentials (Datadog's application key): the sandbox's
			// values when the main one is the sandbox's, else stand-ins.
			extra := sandbox.ExtraCredentials(provider)
			for _, x := range d.Definition().Credential.Extra {
				v := extra[x.Name]
				if token != sandbox.Token(provider) {
					v = "contract-test-" + x.Name
				}
				vars = append(vars, "KEYCTL_"+up+"_"+strings.ToUpper(x.Name)+"="+v)
			}
		}
	}
	return vars
}
