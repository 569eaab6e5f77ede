package httpclient

import (
	"context"
	"errors"
	"fmt"
	"net"
)

// loopbackNames dials like its dial func, except that a host name
// IsLoopback accepts (localhost, *.localhost) is resolved here and must name
// loopback addresses only. keyctl sends a credential to such a host over
// plain http and past any proxy because it is this machine; Go resolves
// "api.localhost" through DNS like any other name, so without this check an
// answer pointing elsewhere would carry the credential in clear text across
// the network.
type loopbackNames struct {
	dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	lookup func(ctx context.Context, host string) ([]net.IPAddr, error)
}

func (l loopbackNames) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || net.ParseIP(host) != nil || !IsLoopback(host) {
		return l.dial(ctx, network, addr)
	}
	ips, err := l.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("lookup %s: no address", host)
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return nil, fmt.Errorf("%s resolves to %s, not to this machine; refusing to connect: a loopback name gets the credential without TLS or proxy", host, ip.IP)
		}
	}
	var errs []error
	for _, ip := range ips {
		c, err := l.dial(ctx, network, net.JoinHostPort(ip.IP.String(), port))
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}
