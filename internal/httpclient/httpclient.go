// Package httpclient builds the one HTTP client keyctl sends requests with:
// resty over a transport that never follows redirects, honours the proxy
// environment, verifies TLS (optionally against a private CA) and, with
// --debug, traces every exchange with credentials masked.
package httpclient

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/go-resty/resty/v2"
	"golang.org/x/net/http/httpproxy"
)

// Options configure the client.
type Options struct {
	CACertFile string            // PEM bundle trusted in addition to the system roots
	Debug      *DebugLog         // nil: no trace
	MaxConns   int               // connections per host; match the run's concurrency
	Transport  http.RoundTripper // tests inject a transport; nil builds the real one
}

// New builds the client. resty's own retries stay off (the engine retries
// with Retry-After and budgets), its logger is silenced (it prints URLs on
// errors) and its debug mode stays off (it prints Authorization).
func New(opts Options) (*resty.Client, error) {
	rt := opts.Transport
	if rt == nil {
		t, err := transport(opts)
		if err != nil {
			return nil, err
		}
		rt = t
	}
	if opts.Debug != nil {
		rt = &debugTransport{next: rt, log: opts.Debug}
	}
	rt = &digestTransport{next: rt} // outermost: the trace shows both exchanges
	c := resty.New().
		SetTransport(rt).
		SetRetryCount(0).
		SetLogger(silentLogger{}).
		SetDisableWarn(true).
		SetDoNotParseResponse(true).
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
			// Hand the 3xx back to the adapter instead of following it: Go
			// would forward X-API-KEY to another host and turn DELETE into GET.
			return http.ErrUseLastResponse
		}))
	return c, nil
}

func transport(opts Options) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = proxyFunc(httpproxy.FromEnvironment())
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	t.DialContext = loopbackNames{dial: d.DialContext, lookup: net.DefaultResolver.LookupIPAddr}.DialContext
	if opts.MaxConns > 0 {
		t.MaxIdleConnsPerHost = opts.MaxConns
		t.MaxIdleConns = max(t.MaxIdleConns, opts.MaxConns*4)
	}
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.CACertFile != "" {
		pem, err := os.ReadFile(opts.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("reading CA certificates: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no PEM certificates found in %s", opts.CACertFile)
		}
		t.TLSClientConfig.RootCAs = pool
	}
	return t, nil
}

// silentLogger discards resty's own messages: they include full URLs and
// would bypass redaction. Everything worth saying is said by keyctl.
type silentLogger struct{}

func (silentLogger) Errorf(string, ...any) {}
func (silentLogger) Warnf(string, ...any)  {}
func (silentLogger) Debugf(string, ...any) {}

var _ resty.Logger = silentLogger{}
