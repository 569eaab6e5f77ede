package e2e

import (
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestPrivateCAWithCacertAndVerificationAlwaysOn(t *testing.T) {
	var got []string
	var mu sync.Mutex
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.RequestURI)
		mu.Unlock()
		w.WriteHeader(204)
	}))
	defer srv.Close()
	env := []string{"KEYCTL_ALTOSTRAT_TOKEN=" + secret}
	id := "api_key_0123456789abcdefghijABCDEFG"

	// Without the CA: a certificate error, exit 11, not retried, nothing revoked.
	r := keyctl(t, env, "revoke", "altostrat", id, "--base-url", srv.URL)
	if r.code != 11 || !strings.Contains(r.stdout, "certificate") || !strings.Contains(r.stdout, `"attempts":1`) {
		t.Fatalf("untrusted certificate: exit %d %s", r.code, r.stdout)
	}

	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	r = keyctl(t, env, "revoke", "altostrat", id, "--base-url", srv.URL, "--cacert", ca)
	if r.code != 0 {
		t.Fatalf("with --cacert: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = keyctl(t, append(env, "KEYCTL_CACERT="+ca), "revoke", "altostrat", id, "--base-url", srv.URL)
	if r.code != 0 {
		t.Fatalf("with KEYCTL_CACERT: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	if len(got) != 2 {
		t.Fatalf("requests %v", got)
	}
	r = keyctl(t, env, "revoke", "altostrat", id, "--base-url", srv.URL, "--cacert", filepath.Join(t.TempDir(), "missing.pem"))
	if r.code != 3 || !strings.Contains(r.stderr, "missing.pem") {
		t.Fatalf("missing CA file: exit %d %s", r.code, r.stderr)
	}
}

func TestProxyEnvironmentIsHonoured(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	connects := make(chan string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			n, _ := c.Read(buf)
			connects <- strings.SplitN(string(buf[:n]), "\r\n", 2)[0]
			c.Write([]byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))
			c.Close()
		}
	}()
	env := []string{"KEYCTL_LAVA_TOKEN=" + secret, "HTTPS_PROXY=http://" + ln.Addr().String()}
	r := keyctl(t, env, "revoke", "lava", "k1", "--base-url", "https://api.lava.invalid/v1", "--retries", "0")
	if r.code != 11 {
		t.Fatalf("exit %d %s", r.code, r.stdout)
	}
	select {
	case line := <-connects:
		if line != "CONNECT api.lava.invalid:443 HTTP/1.1" {
			t.Fatalf("proxy got %q", line)
		}
	default:
		t.Fatal("the proxy was not used")
	}
}

func TestNothingOnStderrWithoutDebug(t *testing.T) {
	r := keyctl(t, []string{"KEYCTL_LAVA_TOKEN=" + secret}, "revoke", "lava", "k", "--base-url", "http://127.0.0.1:1", "--retries", "2", "--max-wait", "1s")
	if r.code != 11 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q (resty's logger must be silent)", r.code, r.stderr)
	}
}
