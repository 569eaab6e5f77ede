package retry

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	in5 := now.Add(5 * time.Second)
	cases := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"2", 2 * time.Second, true},
		{"015", 15 * time.Second, true},
		{"-5", 0, false},
		{"+15", 0, false},
		{"1.5", 0, false},
		{" 5", 0, false},
		{"soon", 0, false},
		{"99999999999999999999999999", maxRetryAfter, true},
		{"31536000000", maxRetryAfter, true},
		{in5.Format("Mon, 02 Jan 2006 15:04:05 GMT"), 5 * time.Second, true},
		{in5.Format("Monday, 02-Jan-06 15:04:05 GMT"), 5 * time.Second, true},
		{in5.Format("Mon Jan _2 15:04:05 2006"), 5 * time.Second, true},
		{now.Add(-time.Hour).Format("Mon, 02 Jan 2006 15:04:05 GMT"), 0, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", maxRetryAfter, true},
	}
	for _, c := range cases {
		got, ok := ParseRetryAfter(c.value, now)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", c.value, got, ok, c.want, c.ok)
		}
	}
}

func TestBackoffIsBoundedFullJitter(t *testing.T) {
	p := DefaultPolicy()
	for n := 1; n <= 12; n++ {
		ceiling := min(p.BaseDelay<<(n-1), p.MaxDelay)
		for range 200 {
			d := p.Backoff(n)
			if d < p.MinBackoff || d > max(ceiling, p.MinBackoff) {
				t.Fatalf("Backoff(%d) = %s outside [%s, %s]", n, d, p.MinBackoff, ceiling)
			}
		}
	}
}

func TestAfterProviderOnlyAdds(t *testing.T) {
	p := DefaultPolicy()
	for range 200 {
		if d := p.AfterProvider(15 * time.Second); d < 15*time.Second || d > 16*time.Second {
			t.Fatalf("AfterProvider(15s) = %s", d)
		}
	}
	if d := p.AfterProvider(0); d != p.MinBackoff {
		t.Fatalf("AfterProvider(0) = %s", d)
	}
}

func TestRetryableStatus(t *testing.T) {
	for code, want := range map[int][2]bool{
		429: {true, true}, 503: {true, true}, 500: {true, false}, 502: {true, false}, 504: {true, false},
		501: {false, false}, 400: {false, false}, 404: {false, false}, 409: {false, false}, 200: {false, false}, 307: {false, false},
	} {
		r, h := RetryableStatus(code)
		if r != want[0] || h != want[1] {
			t.Errorf("RetryableStatus(%d) = %v, %v", code, r, h)
		}
	}
}

func TestRetryableError(t *testing.T) {
	cases := []struct {
		err       error
		retry     bool
		maybeSent bool
	}{
		{&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, false, false},
		{&net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}, true, false},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true, false},
		{&net.OpError{Op: "read", Err: syscall.ECONNRESET}, true, true},
		{fmt.Errorf("wrapped: %w", x509.UnknownAuthorityError{}), false, true},
		{context.Canceled, false, true},
		{errors.New("EOF"), true, true},
	}
	for _, c := range cases {
		if got := RetryableError(c.err); got != c.retry {
			t.Errorf("RetryableError(%v) = %v", c.err, got)
		}
		if got := MaybeSent(c.err); got != c.maybeSent {
			t.Errorf("MaybeSent(%v) = %v", c.err, got)
		}
	}
}
