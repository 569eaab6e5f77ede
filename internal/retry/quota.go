package retry

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Quota is what a provider's rate-limit headers say about the current
// window: how many requests it will still accept and when the count resets.
// Providers spell this many ways; ParseQuota reads the common ones:
//
//   - X-RateLimit-Remaining / X-RateLimit-Reset (GitHub, Docker Hub, Discord,
//     Confluent, Azure DevOps), X-Rate-Limit-* (Okta), X-RateLimit-Reset-After
//     (Discord, seconds, may be fractional), X-Ratelimit-Global-Remaining
//     (LaunchDarkly);
//   - the IETF draft's RateLimit-Remaining / RateLimit-Reset (Buildkite,
//     DigitalOcean, MongoDB Atlas, Heroku) and its structured form
//     `RateLimit: "default";r=50;t=30` with `RateLimit-Policy: "default";q=100;w=60`
//     (Cloudflare), or the older `RateLimit: limit=100, remaining=50, reset=30`.
//
// A reset is read as seconds from now, a Unix time in seconds or a Unix
// time in milliseconds, told apart by size: providers use all three under
// the same header name.
type Quota struct {
	Remaining int           // requests left in the window; -1 when not said
	Reset     time.Duration // until the window resets; 0 when not said or past
	Limit     int           // requests per window; 0 when not said
	Window    time.Duration // the window of Limit (RateLimit-Policy w=); 0 when not said
}

// Exhausted reports whether the provider said it accepts nothing more until
// the reset.
func (q Quota) Exhausted() bool { return q.Remaining == 0 && q.Reset > 0 }

// Bounds on values taken from headers: anything beyond is a hostile or
// broken server and is ignored rather than trusted.
const (
	maxQuotaCount = 1 << 30
	// maxQuotaReset is the longest reset keyctl believes; a longer one is
	// capped, as for Retry-After.
	maxQuotaReset = maxRetryAfter
	maxHeaderLen  = 256
)

// ParseQuota reads a provider's rate-limit headers. ok is false when there
// are none it understands. Garbage, negative, signed, fractional counts and
// absurd sizes are ignored field by field.
func ParseQuota(h http.Header, now time.Time) (q Quota, ok bool) {
	q.Remaining = -1
	for _, name := range []string{"RateLimit-Remaining", "X-RateLimit-Remaining", "X-Rate-Limit-Remaining", "X-Ratelimit-Global-Remaining"} {
		if n, good := count(h.Get(name)); good {
			q.Remaining, ok = n, true
			break
		}
	}
	for _, name := range []string{"RateLimit-Limit", "X-RateLimit-Limit", "X-Rate-Limit-Limit"} {
		if n, good := count(h.Get(name)); good {
			q.Limit, ok = n, true
			break
		}
	}
	// Reset-After is always relative; prefer it when both are sent.
	if d, good := seconds(h.Get("X-RateLimit-Reset-After")); good {
		q.Reset, ok = d, true
	} else {
		for _, name := range []string{"RateLimit-Reset", "X-RateLimit-Reset", "X-Rate-Limit-Reset"} {
			if d, good := resetTime(h.Get(name), now); good {
				q.Reset, ok = d, true
				break
			}
		}
	}
	if v := h.Get("RateLimit"); v != "" {
		if sq, good := structured(v); good {
			if sq.Remaining >= 0 {
				q.Remaining = sq.Remaining
			}
			if sq.Reset > 0 {
				q.Reset = sq.Reset
			}
			if sq.Limit > 0 {
				q.Limit = sq.Limit
			}
			ok = true
		}
	}
	if v := h.Get("RateLimit-Policy"); v != "" {
		if limit, window, good := policy(v); good {
			if q.Limit == 0 {
				q.Limit = limit
			}
			q.Window, ok = window, true
		}
	}
	return q, ok
}

// count reads a non-negative whole number of requests.
func count(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if !isDigits(v) || len(v) > 10 {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > maxQuotaCount {
		return 0, false
	}
	return n, true
}

// seconds reads a relative number of seconds, possibly fractional ("1.25").
func seconds(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 32 {
		return 0, false
	}
	whole, frac, _ := strings.Cut(v, ".")
	if !isDigits(whole) || (frac != "" && !isDigits(frac)) {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	if f >= maxQuotaReset.Seconds() {
		return maxQuotaReset, true
	}
	return time.Duration(f * float64(time.Second)), true
}

// Unix times from 2001 on in seconds have ten digits, in milliseconds
// thirteen; no window lasts anywhere near 31 years, so a number that large
// is a point in time, not a delay.
const (
	unixSecondsFloor = 1_000_000_000
	unixMillisFloor  = 1_000_000_000_000
)

// resetTime reads a reset as delta-seconds, Unix seconds or Unix
// milliseconds, and returns the time left until it (0 when already past).
func resetTime(v string, now time.Time) (time.Duration, bool) {
	d, ok := seconds(v)
	if !ok {
		return 0, false
	}
	f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
	var at time.Time
	switch {
	case f >= unixMillisFloor*1000:
		return 0, false // beyond any sensible clock: garbage
	case f >= unixMillisFloor:
		at = time.UnixMilli(int64(f))
	case f >= unixSecondsFloor:
		at = time.Unix(int64(f), 0)
	default:
		return d, true
	}
	left := at.Sub(now)
	switch {
	case left < 0:
		return 0, true
	case left > maxQuotaReset:
		return maxQuotaReset, true
	}
	return left, true
}

// structured reads the IETF draft's RateLimit field in either of its
// shapes: `"default";r=50;t=30` (draft 7 on) or `limit=100, remaining=50,
// reset=30` (earlier drafts). Only the first item of a list is read.
func structured(v string) (Quota, bool) {
	q := Quota{Remaining: -1}
	if len(v) > maxHeaderLen {
		return q, false
	}
	ok := false
	for _, param := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' }) {
		key, val, found := strings.Cut(strings.TrimSpace(param), "=")
		if !found {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "r", "remaining":
			if n, good := count(val); good && q.Remaining < 0 {
				q.Remaining, ok = n, true
			}
		case "t", "reset":
			if d, good := seconds(val); good && q.Reset == 0 {
				q.Reset, ok = d, true
			}
		case "limit":
			if n, good := count(val); good && q.Limit == 0 {
				q.Limit, ok = n, true
			}
		}
	}
	return q, ok
}

// policy reads RateLimit-Policy: `"default";q=100;w=60` or `100;w=60`.
func policy(v string) (limit int, window time.Duration, ok bool) {
	if len(v) > maxHeaderLen {
		return 0, 0, false
	}
	first, _, _ := strings.Cut(v, ",")
	for i, param := range strings.Split(first, ";") {
		param = strings.TrimSpace(param)
		key, val, found := strings.Cut(param, "=")
		switch {
		case !found && i == 0:
			if n, good := count(param); good {
				limit = n
			}
		case found && strings.EqualFold(strings.TrimSpace(key), "q"):
			if n, good := count(val); good {
				limit = n
			}
		case found && strings.EqualFold(strings.TrimSpace(key), "w"):
			if d, good := seconds(val); good {
				window = d
			}
		}
	}
	return limit, window, limit > 0 && window > 0
}
