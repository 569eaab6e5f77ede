package httpclient

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseBaseURL checks a provider base URL. Plain http is refused unless the
// host is loopback, so a typo cannot send a credential in clear text across
// a network; user info, queries and fragments have no place in a base URL.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("base URL %q is not a URL: %v", raw, err)
	}
	switch {
	case u.Host == "":
		return nil, fmt.Errorf("base URL %q has no host; expected e.g. https://api.example.com", raw)
	case u.User != nil:
		return nil, fmt.Errorf("base URL %s must not contain user info; credentials come from KEYCTL_*_TOKEN or the config", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("base URL %q must not have a query or fragment", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("base URL %q uses plain http to a non-loopback host, which would send the credential in clear text; use https", raw)
		}
	default:
		return nil, fmt.Errorf("base URL %q must start with https://", raw)
	}
	return u, nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
