// Package retry decides whether and how long to wait before another attempt:
// Retry-After parsing (RFC 9110 §10.2.3) and exponential backoff with full
// jitter. It is pure: time and randomness are passed in.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"crypto/tls"
	"crypto/x509"
)

// Policy holds the retry settings of a run.
type Policy struct {
	Retries    int           // attempts after the first
	MaxWait    time.Duration // budget for all waiting between attempts of one key
	MinBackoff time.Duration // floor of every computed wait
	BaseDelay  time.Duration // first backoff ceiling; doubles per attempt
	MaxDelay   time.Duration // ceiling of one backoff wait
}

// DefaultPolicy rides out Lava's 15-second post-creation cooldown and a few
// server hiccups without making an incident script wait for minutes.
func DefaultPolicy() Policy {
	return Policy{
		Retries:    4,
		MaxWait:    60 * time.Second,
		MinBackoff: 100 * time.Millisecond,
		BaseDelay:  250 * time.Millisecond,
		MaxDelay:   8 * time.Second,
	}
}

// maxRetryAfter caps a parsed Retry-After so arithmetic cannot overflow; any
// value this large exceeds every sensible wait budget anyway.
const maxRetryAfter = 365 * 24 * time.Hour

// ParseRetryAfter reads a Retry-After value. ok is false when the value is
// absent or unusable (negative, signed, garbage): the caller then uses
// backoff. A zero delay or a date in the past gives (0, true): retry after
// the minimum backoff.
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	if value == "" {
		return 0, false
	}
	if isDigits(value) {
		secs, err := strconv.ParseUint(value, 10, 64)
		if err != nil || secs > uint64(maxRetryAfter/time.Second) {
			// Too many digits to parse is still a valid, enormous delay.
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	d := when.Sub(now)
	switch {
	case d <= 0:
		return 0, true
	case d > maxRetryAfter:
		return maxRetryAfter, true
	}
	return d, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Backoff is the wait before retry number n (1 for the first retry):
// full jitter over an exponentially growing ceiling, never below MinBackoff.
func (p Policy) Backoff(n int) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < n && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	d := time.Duration(0)
	if ceiling > 0 {
		d = time.Duration(rand.Int64N(int64(ceiling) + 1))
	}
	return max(d, p.MinBackoff)
}

// AfterProvider is the wait a provider asked for plus a little jitter, so
// many keys waiting on the same provider do not return in lockstep. Jitter
// only ever adds to what the provider asked.
func (p Policy) AfterProvider(asked time.Duration) time.Duration {
	if asked <= 0 {
		return p.MinBackoff
	}
	spread := min(asked/20, time.Second) + 10*time.Millisecond
	return asked + time.Duration(rand.Int64N(int64(spread)))
}

// RetryableStatus reports whether a status is worth another attempt and
// whether its Retry-After header is to be honoured.
func RetryableStatus(status int) (retry, honourRetryAfter bool) {
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
		return true, true
	case status >= 500 && status < 600 && status != http.StatusNotImplemented && status != http.StatusHTTPVersionNotSupported:
		return true, false
	}
	return false, false
}

// RetryableError reports whether a transport error is transient: resets,
// timeouts, DNS hiccups, TLS handshakes cut short. Certificate errors and
// unknown hosts are not: another attempt would fail the same way.
func RetryableError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsNotFound
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &invalid) {
		return false
	}
	return true
}

// MaybeSent reports whether a failed attempt may have reached the provider:
// a failure to resolve, connect or complete the TLS handshake did not, but a
// reset or timeout after that leaves the outcome unknown.
func MaybeSent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr), errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &recErr):
		return false
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return false
	}
	return true
}
