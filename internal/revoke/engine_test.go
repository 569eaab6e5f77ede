package revoke_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/httpclient"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/internal/retry"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/internal/testutil"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/langwatch"
	"github.com/keyctl/keyctl/providers/lava"
	"github.com/keyctl/keyctl/providers/liveavatar"
)

const token = "tok-ENGINE-secret-42"

func newEngine(t *testing.T, clock revoke.Clock) *revoke.Engine {
	t.Helper()
	client, err := httpclient.New(httpclient.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	secrets := &redact.Secrets{}
	secrets.Add(token)
	p := retry.DefaultPolicy()
	p.Retries = 3
	p.MaxWait = 30 * time.Second
	return &revoke.Engine{Client: client, Policy: p, Timeout: 5 * time.Second, Concurrency: 4, PerProvider: 4, Secrets: secrets, Clock: clock}
}

func job(t *testing.T, p providers.Provider, base, id string) revoke.Job {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return revoke.Job{Provider: p, Target: providers.Target{BaseURL: u, Token: token}, ID: id}
}

func runJobs(ctx context.Context, e *revoke.Engine, jobs ...revoke.Job) []revoke.Result {
	var out []revoke.Result
	e.Run(ctx, func(yield func(revoke.Job) bool) {
		for _, j := range jobs {
			if !yield(j) {
				return
			}
		}
	}, func(batch []revoke.Result) { out = append(out, batch...) })
	return out
}

func runOne(t *testing.T, e *revoke.Engine, j revoke.Job) revoke.Result {
	t.Helper()
	rs := runJobs(context.Background(), e, j)
	if len(rs) != 1 {
		t.Fatalf("%d results, want 1", len(rs))
	}
	if strings.Contains(rs[0].Message, token) {
		t.Fatalf("message leaks the credential: %s", rs[0].Message)
	}
	return rs[0]
}

// scripted answers request n with the n-th responder (the last one repeats).
func scripted(t *testing.T, steps ...func(w http.ResponseWriter)) *testutil.Server {
	return testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		steps[min(n, len(steps))-1](w)
	})
}

func status(code int, body string, headers ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { testutil.Respond(w, code, body, headers...) }
}

var ok200 = status(200, `{"id":"k","deleted":true}`)

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	clock := testutil.NewClock()
	srv := scripted(t, status(429, `{"error":{"message":"Cooldown","code":"cooldown","status":429}}`, "Retry-After", "2"), ok200)
	r := runOne(t, newEngine(t, clock), job(t, lava.Adapter{}, srv.URL, "k"))
	if r.Outcome != providers.Revoked || r.Attempts != 2 || r.ExitCode != exit.OK {
		t.Fatalf("result %+v", r)
	}
	if len(clock.Sleeps) != 1 || clock.Sleeps[0] < 2*time.Second || clock.Sleeps[0] > 2200*time.Millisecond {
		t.Fatalf("sleeps %v, want one wait of 2s plus a little jitter", clock.Sleeps)
	}
}

func TestLavaCooldownIsRiddenOutByDefault(t *testing.T) {
	clock := testutil.NewClock()
	srv := scripted(t, status(429, `{"error":{"message":"Cooldown period active","code":"cooldown","status":429}}`, "Retry-After", "15"), ok200)
	e := newEngine(t, clock)
	e.Policy = retry.DefaultPolicy()
	r := runOne(t, e, job(t, lava.Adapter{}, srv.URL, "k"))
	if r.Outcome != providers.Revoked || clock.Waited() < 15*time.Second {
		t.Fatalf("result %+v after waiting %s", r, clock.Waited())
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	for _, layout := range []string{http.TimeFormat, time.RFC850, time.ANSIC} {
		t.Run(layout, func(t *testing.T) {
			clock := testutil.NewClock()
			when := clock.Now().Add(5 * time.Second).UTC().Format(layout)
			srv := scripted(t, status(503, "", "Retry-After", when), ok200)
			r := runOne(t, newEngine(t, clock), job(t, lava.Adapter{}, srv.URL, "k"))
			if r.Outcome != providers.Revoked || len(clock.Sleeps) != 1 || clock.Sleeps[0] < 5*time.Second || clock.Sleeps[0] > 6*time.Second {
				t.Fatalf("result %+v sleeps %v", r, clock.Sleeps)
			}
		})
	}
}

func TestUnusableRetryAfterFallsBackToBackoff(t *testing.T) {
	clock := testutil.NewClock()
	past := clock.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	for _, v := range []string{"0", past, "-5", "+15", "soon", "1.5", ""} {
		t.Run(v, func(t *testing.T) {
			clock.Sleeps = nil
			srv := scripted(t, status(429, "", "Retry-After", v), ok200)
			e := newEngine(t, clock)
			r := runOne(t, e, job(t, lava.Adapter{}, srv.URL, "k"))
			if r.Outcome != providers.Revoked || len(clock.Sleeps) != 1 {
				t.Fatalf("result %+v sleeps %v", r, clock.Sleeps)
			}
			if d := clock.Sleeps[0]; d < e.Policy.MinBackoff || d > e.Policy.BaseDelay {
				t.Fatalf("wait %s, want a first backoff in [%s, %s]", d, e.Policy.MinBackoff, e.Policy.BaseDelay)
			}
		})
	}
}

func TestRetryAfterBeyondBudgetGivesUpAtOnce(t *testing.T) {
	for _, v := range []string{"3600", "99999999999999999999999999"} {
		t.Run(v, func(t *testing.T) {
			clock := testutil.NewClock()
			srv := scripted(t, status(429, `{"error":{"message":"slow down","code":"rate","status":429}}`, "Retry-After", v), ok200)
			r := runOne(t, newEngine(t, clock), job(t, lava.Adapter{}, srv.URL, "k"))
			if r.ExitCode != exit.RateLimited || r.Attempts != 1 || len(clock.Sleeps) != 0 || len(srv.Requests()) != 1 {
				t.Fatalf("result %+v sleeps %v requests %d", r, clock.Sleeps, len(srv.Requests()))
			}
			if r.RetryAfter == nil || r.RetryAfter.Before(clock.Now().Add(time.Hour)) {
				t.Fatalf("retry_after = %v, want the provider's time", r.RetryAfter)
			}
			if !strings.Contains(r.Message, "--max-wait") || !strings.Contains(r.Message, "slow down") {
				t.Fatalf("message %q", r.Message)
			}
		})
	}
}

func TestServerErrorsAreRetriedThenReported(t *testing.T) {
	clock := testutil.NewClock()
	html := status(502, "<html><body>Bad Gateway</body></html>", "Content-Type", "text/html")
	srv := scripted(t, html, ok200)
	if r := runOne(t, newEngine(t, clock), job(t, lava.Adapter{}, srv.URL, "k")); r.Outcome != providers.Revoked || r.Attempts != 2 {
		t.Fatalf("502 then 200: %+v", r)
	}

	srv = scripted(t, status(500, ""))
	e := newEngine(t, clock)
	r := runOne(t, e, job(t, lava.Adapter{}, srv.URL, "k"))
	if r.ExitCode != exit.Server || r.Attempts != e.Policy.Retries+1 || len(srv.Requests()) != e.Policy.Retries+1 {
		t.Fatalf("persistent 500: %+v, %d requests", r, len(srv.Requests()))
	}
	if !strings.Contains(r.Message, "after 4 attempts") {
		t.Errorf("message %q", r.Message)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 409, 422} {
		srv := scripted(t, status(code, ""))
		r := runOne(t, newEngine(t, testutil.NewClock()), job(t, lava.Adapter{}, srv.URL, "k"))
		if r.Attempts != 1 || len(srv.Requests()) != 1 {
			t.Errorf("%d retried: %+v", code, r)
		}
	}
}

func TestConnectionResetIsANetworkError(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST instead of FIN
		}
		conn.Close()
	})
	e := newEngine(t, testutil.NewClock())
	r := runOne(t, e, job(t, lava.Adapter{}, srv.URL, "k"))
	if r.ExitCode != exit.Network || r.Outcome != providers.Failed || r.Attempts != e.Policy.Retries+1 {
		t.Fatalf("result %+v", r)
	}
	if strings.Contains(r.Message, srv.URL) {
		t.Errorf("message repeats the URL: %q", r.Message)
	}
}

func TestNotFoundAfterUnknownOutcomeSaysSo(t *testing.T) {
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 { // the provider acts, then the answer is lost
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		testutil.Respond(w, 404, "")
	})
	r := runOne(t, newEngine(t, testutil.NewClock()), job(t, lava.Adapter{}, srv.URL, "k"))
	if r.Outcome != providers.NotFound || !strings.Contains(r.Message, "may have revoked") {
		t.Fatalf("result %+v", r)
	}
	srv = scripted(t, status(502, ""), status(409, ""))
	r = runOne(t, newEngine(t, testutil.NewClock()), job(t, langwatch.Adapter{}, srv.URL, "k"))
	if r.Outcome != providers.AlreadyRevoked || r.ExitCode != exit.OK || !strings.Contains(r.Message, "probably revoked") {
		t.Fatalf("result %+v", r)
	}
}

func TestStalledServerIsCutOffByTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	e := newEngine(t, testutil.NewClock())
	e.Timeout = 150 * time.Millisecond
	e.Policy.Retries = 1
	start := time.Now()
	r := runOne(t, e, job(t, lava.Adapter{}, srv.URL, "k"))
	if r.ExitCode != exit.Network || !strings.Contains(r.Message, "no answer within 150ms") || r.Attempts != 2 {
		t.Fatalf("result %+v", r)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("took %s", time.Since(start))
	}
}

func TestRedirectIsNotFollowedAndCredentialStaysHome(t *testing.T) {
	for _, p := range []providers.Provider{lava.Adapter{}, liveavatar.Adapter{}} {
		for _, code := range []int{301, 302, 303, 307, 308} {
			t.Run(fmt.Sprintf("%s_%d", p.Info().Name, code), func(t *testing.T) {
				elsewhere := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
					testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
				})
				// Same host, other port: Go would keep Authorization here.
				srv := scripted(t, status(code, "", "Location", elsewhere.URL+"/steal"))
				r := runOne(t, newEngine(t, testutil.NewClock()), job(t, p, srv.URL, "k"))
				if r.ExitCode != exit.Unexpected || r.Outcome != providers.Failed || !strings.Contains(r.Message, elsewhere.URL+"/steal") {
					t.Fatalf("result %+v", r)
				}
				if n := len(elsewhere.Requests()); n != 0 {
					t.Fatalf("redirect followed: %d requests reached the other host", n)
				}
			})
		}
	}
}

func TestHugeBodyIsCappedAndTruncatedBodyHandled(t *testing.T) {
	chunk := strings.Repeat("A", 1<<20)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		for i := 0; i < 64; i++ {
			if _, err := w.Write([]byte(chunk)); err != nil {
				return // the client stopped reading, as it should
			}
		}
	})
	r := runOne(t, newEngine(t, testutil.NewClock()), job(t, lava.Adapter{}, srv.URL, "k"))
	if r.Outcome != providers.NotFound || len(r.Message) > 400 {
		t.Fatalf("64 MiB body: outcome %s, message of %d bytes", r.Outcome, len(r.Message))
	}

	srv = testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Length", "500")
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"error":{"message":"Inva`))
	})
	r = runOne(t, newEngine(t, testutil.NewClock()), job(t, lava.Adapter{}, srv.URL, "k"))
	if r.ExitCode != exit.Auth || r.Attempts != 1 || !strings.Contains(r.Message, "401 Unauthorized") {
		t.Fatalf("truncated body: %+v", r)
	}
}

func TestCancelStopsWaitsAndReportsEveryKey(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cancel() // Ctrl-C while the first request is in flight
		testutil.Respond(w, 429, "", "Retry-After", "10")
	})
	e := newEngine(t, revoke.RealClock{})
	e.Concurrency, e.PerProvider = 1, 1
	var jobs []revoke.Job
	for i := range 5 {
		jobs = append(jobs, job(t, lava.Adapter{}, srv.URL, fmt.Sprintf("k%d", i)))
	}
	start := time.Now()
	rs := runJobs(ctx, e, jobs...)
	if time.Since(start) > 3*time.Second {
		t.Fatalf("cancel did not cut the 10s wait short: %s", time.Since(start))
	}
	if len(rs) != 5 {
		t.Fatalf("%d results for 5 keys", len(rs))
	}
	seen := map[string]bool{}
	for _, r := range rs {
		seen[r.ID] = true
		if r.ExitCode != exit.Interrupted {
			t.Errorf("result %+v, want exit 130", r)
		}
	}
	if len(seen) != 5 {
		t.Fatalf("results %+v", rs)
	}
}

func TestRetryAfterPausesTheWholeProvider(t *testing.T) {
	clock := testutil.NewClock()
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			testutil.Respond(w, 429, "", "Retry-After", "7")
			return
		}
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
	})
	e := newEngine(t, clock)
	e.Concurrency, e.PerProvider = 1, 1
	rs := runJobs(context.Background(), e, job(t, lava.Adapter{}, srv.URL, "a"), job(t, lava.Adapter{}, srv.URL, "b"))
	for _, r := range rs {
		if r.Outcome != providers.Revoked {
			t.Fatalf("result %+v", r)
		}
	}
	// One pause of 7s covers both keys: b waits for what is left, not 7s more.
	if w := clock.Waited(); w < 7*time.Second || w > 8*time.Second {
		t.Fatalf("waited %s in all (%v), want about 7s", w, clock.Sleeps)
	}
}

func TestSlowProviderDoesNotStarveOthers(t *testing.T) {
	release := make(chan struct{})
	slow := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		<-release
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
	})
	fast := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 200, `{"success":true}`) })
	e := newEngine(t, revoke.RealClock{})
	e.Concurrency, e.PerProvider = 4, 2
	var jobs []revoke.Job
	for i := range 10 {
		jobs = append(jobs, job(t, lava.Adapter{}, slow.URL, fmt.Sprint("slow", i)))
	}
	for i := range 10 {
		jobs = append(jobs, job(t, langwatch.Adapter{}, fast.URL, fmt.Sprint("fast", i)))
	}
	fastDone := make(chan int, 1)
	go func() {
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) && len(fast.Requests()) < 10 {
			time.Sleep(5 * time.Millisecond)
		}
		fastDone <- len(fast.Requests())
		close(release)
	}()
	rs := runJobs(context.Background(), e, jobs...)
	if n := <-fastDone; n != 10 {
		t.Fatalf("only %d of the fast provider's keys were sent while the slow one hung", n)
	}
	if len(rs) != 20 {
		t.Fatalf("%d results", len(rs))
	}
}

// TestKeyOnlyCooldownDoesNotPauseOtherKeys: Lava's 429 for a freshly created
// key concerns that key; the others are revoked without waiting for it.
func TestKeyOnlyCooldownDoesNotPauseOtherKeys(t *testing.T) {
	clock := testutil.NewClock()
	var fresh int
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/fresh") {
			fresh++
			if fresh == 1 {
				testutil.Respond(w, 429, `{"error":{"message":"Cooldown period active","code":"secret_key_cooldown","status":429}}`, "Retry-After", "15")
				return
			}
		}
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
	})
	e := newEngine(t, clock)
	e.Concurrency, e.PerProvider = 1, 1
	rs := runJobs(context.Background(), e, job(t, lava.Adapter{}, srv.URL, "fresh"), job(t, lava.Adapter{}, srv.URL, "old"))
	byID := map[string]revoke.Result{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	if byID["fresh"].Outcome != providers.Revoked || byID["fresh"].Attempts != 2 || byID["old"].Outcome != providers.Revoked {
		t.Fatalf("results %+v", rs)
	}
	// One wait of 15 s for the fresh key; none added for the other.
	if len(clock.Sleeps) != 1 || clock.Sleeps[0] < 15*time.Second || clock.Sleeps[0] > 16*time.Second {
		t.Fatalf("sleeps %v", clock.Sleeps)
	}
}

func TestRequestIDIsReported(t *testing.T) {
	srv := scripted(t, status(404, `{"error":{"message":"Secret key not found","code":"nf","status":404}}`, "X-Request-Id", "req_abc123"))
	r := runOne(t, newEngine(t, testutil.NewClock()), job(t, lava.Adapter{}, srv.URL, "k"))
	if r.RequestID != "req_abc123" {
		t.Fatalf("request_id %q", r.RequestID)
	}
}

// A high limit costs nothing up front: one key starts one worker, not one
// per allowed request in flight.
func TestHighLimitsStartWorkersOnlyForTheKeys(t *testing.T) {
	inFlight := make(chan struct{}, 1)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		inFlight <- struct{}{}
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
	})
	e := newEngine(t, nil)
	e.Concurrency, e.PerProvider = 1024, 1024
	before := runtime.NumGoroutine()
	var during int
	// The input stays open (a stream still being read) while the first key
	// is in flight, so every worker the engine started is still there.
	jobs := func(yield func(revoke.Job) bool) {
		if !yield(job(t, lava.Adapter{}, srv.URL, "k")) {
			return
		}
		<-inFlight
		during = runtime.NumGoroutine()
	}
	var rs []revoke.Result
	e.Run(context.Background(), jobs, func(batch []revoke.Result) { rs = append(rs, batch...) })
	if len(rs) != 1 || rs[0].Outcome != providers.Revoked {
		t.Fatalf("results %+v", rs)
	}
	// The run itself, the HTTP client and the server take a handful of
	// goroutines; a worker per allowed request would take over a thousand.
	if extra := during - before; extra > 50 {
		t.Fatalf("%d goroutines for one key with --per-provider 1024", extra)
	}
}

// Ctrl-C while a key waits out a 429 (nothing in flight) must not say "may
// or may not be revoked": the provider refused it, so it was not revoked.
func TestInterruptWhileWaitingOnA429SaysNotRevoked(t *testing.T) {
	cases := []struct {
		name     string
		provider providers.Provider
		steps    []func(w http.ResponseWriter)
		want     []string
		notWant  string
	}{
		{"langwatch 429 pauses the provider", langwatch.Adapter{},
			[]func(w http.ResponseWriter){status(429, "", "Retry-After", "30")},
			[]string{"NOT revoked", "LangWatch refused it with 429 Too Many Requests", "--resume"}, "may or may not"},
		{"lava cooldown 429 concerns the key", lava.Adapter{},
			[]func(w http.ResponseWriter){status(429, `{"error":{"message":"cooldown","code":"cooldown","status":429}}`, "Retry-After", "15")},
			[]string{"NOT revoked", "Lava refused it with 429"}, "may or may not"},
		{"after an answer that may have revoked it, still unknown", langwatch.Adapter{},
			[]func(w http.ResponseWriter){status(502, ""), status(429, "", "Retry-After", "30")},
			[]string{"may or may not be revoked"}, "NOT revoked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := scripted(t, c.steps...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			e := newEngine(t, testutil.NewClock())
			e.Policy.MaxWait = time.Minute
			// The engine announces each Retry-After wait just before it
			// starts: Ctrl-C comes then, with nothing in flight.
			e.Waiting = func(string, time.Time) { cancel() }
			rs := runJobs(ctx, e, job(t, c.provider, srv.URL, "k"))
			if len(rs) != 1 {
				t.Fatalf("%d results", len(rs))
			}
			r := rs[0]
			if r.Outcome != providers.Failed || r.ExitCode != exit.Interrupted {
				t.Fatalf("result %+v", r)
			}
			for _, w := range c.want {
				if !strings.Contains(r.Message, w) {
					t.Errorf("message %q does not contain %q", r.Message, w)
				}
			}
			if strings.Contains(r.Message, c.notWant) {
				t.Errorf("message %q contains %q", r.Message, c.notWant)
			}
		})
	}
}

// TestTransient503DoesNotSlowTheRestOfTheRun: one 503 with Retry-After: 5
// pauses the provider for those 5 seconds, once. Later requests are not
// spaced by it for the rest of the run, outside the --max-wait budget.
func TestTransient503DoesNotSlowTheRestOfTheRun(t *testing.T) {
	clock := testutil.NewClock()
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 2 {
			testutil.Respond(w, 503, "", "Retry-After", "5")
			return
		}
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
	})
	e := newEngine(t, clock)
	e.Concurrency, e.PerProvider = 1, 1
	var jobs []revoke.Job
	for i := range 20 {
		jobs = append(jobs, job(t, lava.Adapter{}, srv.URL, fmt.Sprint("k", i)))
	}
	for _, r := range runJobs(context.Background(), e, jobs...) {
		if r.Outcome != providers.Revoked {
			t.Fatalf("result %+v", r)
		}
	}
	if w := clock.Waited(); w < 5*time.Second || w > 7*time.Second {
		t.Fatalf("waited %s in all for 20 keys after one 503 Retry-After: 5 (sleeps %v), want the 5 s pause once", w, clock.Sleeps)
	}
}

// TestRateLimitHeadersAreHonoured: a provider that says with
// X-RateLimit-Remaining: 0 and X-RateLimit-Reset that its window is spent
// gets no request before the reset, though it answered 200.
func TestRateLimitHeadersAreHonoured(t *testing.T) {
	clock := testutil.NewClock()
	var mu sync.Mutex
	var at []time.Time
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		at = append(at, clock.Now())
		mu.Unlock()
		remaining := "1"
		if n%2 == 0 {
			remaining = "0"
		}
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`, "X-RateLimit-Remaining", remaining, "X-RateLimit-Reset", "20")
	})
	e := newEngine(t, clock)
	e.Concurrency, e.PerProvider = 1, 1
	var jobs []revoke.Job
	for i := range 4 {
		jobs = append(jobs, job(t, lava.Adapter{}, srv.URL, fmt.Sprint("k", i)))
	}
	for _, r := range runJobs(context.Background(), e, jobs...) {
		if r.Outcome != providers.Revoked || r.Attempts != 1 {
			t.Fatalf("result %+v", r)
		}
	}
	// Two requests per window of 20 s: the third waits for the reset.
	if len(at) != 4 || at[2].Sub(at[1]) < 20*time.Second || at[1].Sub(at[0]) > time.Second {
		t.Fatalf("requests at %v, want the third 20 s after the second", at)
	}
}

// TestHostileRateLimitResetFailsWithinTheBudget: a server that answers 200
// with X-RateLimit-Remaining: 0 and a reset a year away does not stall the
// run: the keys left fail at once with exit 9 and the provider's time.
func TestHostileRateLimitResetFailsWithinTheBudget(t *testing.T) {
	clock := testutil.NewClock()
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "31536000")
	})
	e := newEngine(t, clock)
	e.Concurrency, e.PerProvider = 1, 1
	rs := runJobs(context.Background(), e, job(t, lava.Adapter{}, srv.URL, "a"), job(t, lava.Adapter{}, srv.URL, "b"))
	byID := map[string]revoke.Result{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	if byID["a"].Outcome != providers.Revoked || byID["b"].ExitCode != exit.RateLimited || byID["b"].RetryAfter == nil {
		t.Fatalf("results %+v", rs)
	}
	if clock.Waited() > time.Second {
		t.Fatalf("waited %s", clock.Waited())
	}
}

// limitedLava is Lava with a documented limit of 2 requests a minute.
type limitedLava struct{ lava.Adapter }

func (limitedLava) RateLimit() (int, time.Duration) { return 2, time.Minute }

// TestDocumentedLimitIsKept: a provider that states a documented limit
// (revoke.RateLimiter) never gets more than that, however fast it answers.
func TestDocumentedLimitIsKept(t *testing.T) {
	clock := testutil.NewClock()
	var mu sync.Mutex
	var at []time.Time
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		at = append(at, clock.Now())
		mu.Unlock()
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
	})
	e := newEngine(t, clock)
	e.Concurrency, e.PerProvider = 1, 1 // one sleeper: the fake clock is one timeline
	var jobs []revoke.Job
	for i := range 5 {
		jobs = append(jobs, job(t, limitedLava{}, srv.URL, fmt.Sprint("k", i)))
	}
	for _, r := range runJobs(context.Background(), e, jobs...) {
		if r.Outcome != providers.Revoked {
			t.Fatalf("result %+v", r)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(at) != 5 || at[4].Sub(at[0]) < 2*time.Minute {
		t.Fatalf("requests at %v, want 2 a minute", at)
	}
	for i := 2; i < len(at); i++ {
		if at[i].Sub(at[i-2]) < time.Minute {
			t.Fatalf("requests at %v: three within a minute", at)
		}
	}
}
