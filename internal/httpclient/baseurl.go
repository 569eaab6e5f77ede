package httpclient

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/keyctl/keyctl/internal/redact"
)

// ParseBaseURL checks a provider base URL. Plain http is refused unless the
// host is loopback, so a typo cannot send a credential in clear text across
// a network; user info, queries and fragments have no place in a base URL.
//
// Every error shows the URL through redact.URL: a password in its user info
// is never printed, not even when the URL does not parse.
func ParseBaseURL(raw string) (*url.URL, error) {
	shown := redact.URL(raw)
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the whole URL, password included
		}
		return nil, fmt.Errorf("base URL %q is not a URL: %v", shown, err)
	}
	raw = shown
	switch {
	case u.Host == "":
		return nil, fmt.Errorf("base URL %q has no host; expected e.g. https://api.example.com", raw)
	case u.User != nil:
		return nil, fmt.Errorf("base URL %q must not contain user info; credentials come from KEYCTL_*_TOKEN or the config", raw)
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
