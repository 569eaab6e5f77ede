package httpclient

import (
	"net/http"
	"testing"

	"golang.org/x/net/http/httpproxy"
)

// TestLoopbackAndProxyBypassAreOneRule: every host ParseBaseURL accepts for
// plain http bypasses the proxy; other hosts use it.
func TestLoopbackAndProxyBypassAreOneRule(t *testing.T) {
	proxy := proxyFunc(&httpproxy.Config{HTTPProxy: "http://127.0.0.1:3128", HTTPSProxy: "http://127.0.0.1:3128"})
	for _, host := range []string{"LOCALHOST", "localhost", "LocalHost", "api.localhost", "API.LOCALHOST", "127.0.0.1", "127.8.9.10", "[::1]"} {
		raw := "http://" + host + ":8080/v1"
		if _, err := ParseBaseURL(raw); err != nil {
			t.Fatalf("%s: not accepted as loopback: %v", raw, err)
		}
		req, _ := http.NewRequest("DELETE", raw+"/x", nil)
		if u, err := proxy(req); u != nil || err != nil {
			t.Errorf("%s goes through the proxy %v (%v)", host, u, err)
		}
	}
	for _, raw := range []string{"http://api.example.com/x", "https://api.lava.so/v1/x", "http://localhost.example.com/x"} {
		req, _ := http.NewRequest("DELETE", raw, nil)
		if u, err := proxy(req); u == nil || err != nil {
			t.Errorf("%s bypasses the proxy (%v)", raw, err)
		}
	}
}
