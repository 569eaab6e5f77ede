package retry

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseQuota(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	cases := []struct {
		name    string
		headers []string
		want    Quota
		ok      bool
	}{
		{"none", nil, Quota{Remaining: -1}, false},
		{"GitHub: Unix seconds", []string{"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1800000030", "X-RateLimit-Limit", "60"}, Quota{Remaining: 0, Reset: 30 * time.Second, Limit: 60}, true},
		{"IETF: delta seconds", []string{"RateLimit-Remaining", "5", "RateLimit-Reset", "12", "RateLimit-Limit", "200"}, Quota{Remaining: 5, Reset: 12 * time.Second, Limit: 200}, true},
		{"LaunchDarkly: Unix milliseconds", []string{"X-Ratelimit-Global-Remaining", "3", "X-RateLimit-Reset", "1800000002500"}, Quota{Remaining: 3, Reset: 2500 * time.Millisecond}, true},
		{"Okta", []string{"X-Rate-Limit-Remaining", "9", "X-Rate-Limit-Reset", "1800000060"}, Quota{Remaining: 9, Reset: time.Minute}, true},
		{"Discord: Reset-After wins", []string{"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1800000100", "X-RateLimit-Reset-After", "1.25"}, Quota{Remaining: 0, Reset: 1250 * time.Millisecond}, true},
		{"structured draft", []string{"RateLimit", `"default";r=50;t=30`, "RateLimit-Policy", `"default";q=100;w=60`}, Quota{Remaining: 50, Reset: 30 * time.Second, Limit: 100, Window: time.Minute}, true},
		{"older draft", []string{"RateLimit", "limit=100, remaining=0, reset=7"}, Quota{Remaining: 0, Reset: 7 * time.Second, Limit: 100}, true},
		{"reset in the past", []string{"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1700000000"}, Quota{Remaining: 0}, true},
		{"huge reset is capped", []string{"RateLimit-Remaining", "0", "RateLimit-Reset", "999999999"}, Quota{Remaining: 0, Reset: maxQuotaReset}, true},
		{"absurd timestamp ignored", []string{"X-RateLimit-Reset", "99999999999999999999999"}, Quota{Remaining: -1}, false},
		{"garbage", []string{"X-RateLimit-Remaining", "lots", "X-RateLimit-Reset", "soon", "RateLimit", "r=-1;t=+5"}, Quota{Remaining: -1}, false},
		{"negative and signed", []string{"RateLimit-Remaining", "-3", "RateLimit-Reset", "-10"}, Quota{Remaining: -1}, false},
		{"count too large", []string{"RateLimit-Remaining", "99999999999"}, Quota{Remaining: -1}, false},
		{"oversized field", []string{"RateLimit", "r=1;" + strings.Repeat("x", 10000)}, Quota{Remaining: -1}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{}
			for i := 0; i+1 < len(c.headers); i += 2 {
				h.Set(c.headers[i], c.headers[i+1])
			}
			got, ok := ParseQuota(h, now)
			if got != c.want || ok != c.ok {
				t.Fatalf("ParseQuota = %+v, %v; want %+v, %v", got, ok, c.want, c.ok)
			}
		})
	}
	if q, _ := ParseQuota(http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"3"}}, now); !q.Exhausted() {
		t.Fatalf("remaining 0 with a reset is exhausted: %+v", q)
	}
}
