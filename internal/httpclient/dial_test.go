package httpclient

import (
	"context"
	"net"
	"strings"
	"testing"
)

// TestLoopbackNameMustResolveToLoopback: a name keyctl treats as this
// machine (plain http allowed, no proxy) is never dialled at an address a
// resolver gave that is not loopback; a loopback answer is dialled by IP.
func TestLoopbackNameMustResolveToLoopback(t *testing.T) {
	var dialled []string
	dial := func(_ context.Context, _, addr string) (net.Conn, error) {
		dialled = append(dialled, addr)
		c, s := net.Pipe()
		s.Close()
		return c, nil
	}
	answers := map[string][]net.IPAddr{
		"api.localhost": {{IP: net.ParseIP("10.1.2.3")}},
		"LOCALHOST":     {{IP: net.ParseIP("127.0.0.1")}, {IP: net.ParseIP("192.0.2.7")}},
		"dev.localhost": {{IP: net.ParseIP("::1")}},
	}
	lookup := func(_ context.Context, host string) ([]net.IPAddr, error) { return answers[host], nil }
	d := loopbackNames{dial: dial, lookup: lookup}

	for _, host := range []string{"api.localhost", "LOCALHOST"} {
		if _, err := d.DialContext(context.Background(), "tcp", host+":8080"); err == nil || !strings.Contains(err.Error(), "not to this machine") {
			t.Errorf("%s: err = %v, want a refusal", host, err)
		}
	}
	if len(dialled) != 0 {
		t.Fatalf("dialled %v for names resolving off this machine", dialled)
	}
	c, err := d.DialContext(context.Background(), "tcp", "dev.localhost:8080")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := d.DialContext(context.Background(), "tcp", "api.example.com:443"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"[::1]:8080", "api.example.com:443"}; strings.Join(dialled, " ") != strings.Join(want, " ") {
		t.Errorf("dialled %v, want %v", dialled, want)
	}
}
