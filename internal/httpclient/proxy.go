package httpclient

import (
	"net/http"
	"net/url"

	"golang.org/x/net/http/httpproxy"
)

// proxyFunc decides, per request, whether it goes through the proxy named by
// HTTPS_PROXY/HTTP_PROXY (NO_PROXY honoured). A host IsLoopback accepts for
// plain http never does: the rule that lets a credential travel in clear
// text to a loopback host and the rule that keeps it away from a proxy must
// be the same one. Go's own bypass knows only lower-case "localhost" and
// loopback IPs, so "LOCALHOST" or "api.localhost" went to the proxy in clear
// text. The environment is read when the client is built, not cached for the
// life of the process as http.ProxyFromEnvironment does.
func proxyFunc(env *httpproxy.Config) func(*http.Request) (*url.URL, error) {
	fromEnv := env.ProxyFunc()
	return func(req *http.Request) (*url.URL, error) {
		if IsLoopback(req.URL.Hostname()) {
			return nil, nil
		}
		return fromEnv(req.URL)
	}
}
