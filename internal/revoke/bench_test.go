package revoke_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/httpclient"
	"github.com/keyctl/keyctl/internal/redact"
	"github.com/keyctl/keyctl/internal/retry"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/lava"
)

// BenchmarkEngine measures keys/s through the engine, resty and loopback
// HTTP against the sandbox: the part of keyctl's throughput that is not
// start-up, input or output.
//
//	go test -run '^$' -bench Engine -benchtime 20000x ./internal/revoke
func BenchmarkEngine(b *testing.B) {
	srv := httptest.NewServer(sandbox.New(sandbox.Options{AnyID: true}).Handler())
	defer srv.Close()
	client, err := httpclient.New(httpclient.Options{MaxConns: 8})
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(sandbox.BaseURLs(srv.URL)["lava"])
	tgt := providers.Target{BaseURL: u, Token: sandbox.Token("lava")}
	secrets := &redact.Secrets{}
	secrets.Add(tgt.Token)
	e := &revoke.Engine{Client: client, Policy: retry.DefaultPolicy(), Concurrency: 16, PerProvider: 8, Secrets: secrets}
	n := 0
	jobs := func(yield func(revoke.Job) bool) {
		for b.Loop() {
			n++
			if !yield(revoke.Job{Provider: lava.Adapter{}, Target: tgt, ID: fmt.Sprint("k", n)}) {
				return
			}
		}
	}
	revoked := 0
	e.Run(context.Background(), jobs, func(batch []revoke.Result) {
		for _, r := range batch {
			if r.Outcome == providers.Revoked {
				revoked++
			}
		}
	})
	if revoked != n {
		b.Fatalf("%d of %d revoked", revoked, n)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "keys/s")
}

// BenchmarkMinimalClient is the ceiling BenchmarkEngine is compared with:
// the same server and concurrency, plain net/http, nothing else.
func BenchmarkMinimalClient(b *testing.B) {
	srv := httptest.NewServer(sandbox.New(sandbox.Options{AnyID: true}).Handler())
	defer srv.Close()
	base := sandbox.BaseURLs(srv.URL)["lava"] + "/secret_keys/"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	ids := make(chan string, 1024)
	go func() {
		n := 0
		for b.Loop() {
			n++
			ids <- fmt.Sprint("k", n)
		}
		close(ids)
	}()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for id := range ids {
				req, _ := http.NewRequest(http.MethodDelete, base+id, nil)
				req.Header.Set("Authorization", "Bearer "+sandbox.Token("lava"))
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}

// BenchmarkDistantRateLimitedProvider runs 1,000 keys with the default caps
// against a provider 200 ms away that accepts 100 requests a second (the
// sandbox's fixed one-second window, 429 with Retry-After: 1 beyond): the
// ideal is 10 s. It reports the wall time and the share of requests
// answered 429.
//
//	go test -run '^$' -bench DistantRateLimited -benchtime 1x ./internal/revoke
func BenchmarkDistantRateLimitedProvider(b *testing.B) {
	for b.Loop() {
		srv := httptest.NewServer(sandbox.New(sandbox.Options{AnyID: true, Latency: 200 * time.Millisecond, RateLimit: 100}).Handler())
		client, err := httpclient.New(httpclient.Options{MaxConns: 64})
		if err != nil {
			b.Fatal(err)
		}
		u, _ := url.Parse(sandbox.BaseURLs(srv.URL)["lava"])
		tgt := providers.Target{BaseURL: u, Token: sandbox.Token("lava")}
		e := &revoke.Engine{Client: client, Policy: retry.DefaultPolicy(), Concurrency: 256, PerProvider: 64, Secrets: &redact.Secrets{}}
		start := time.Now()
		requests, revoked := 0, 0
		e.Run(context.Background(), func(yield func(revoke.Job) bool) {
			for i := range 1000 {
				if !yield(revoke.Job{Provider: lava.Adapter{}, Target: tgt, ID: fmt.Sprint("k", i)}) {
					return
				}
			}
		}, func(batch []revoke.Result) {
			for _, r := range batch {
				requests += r.Attempts
				if r.Outcome == providers.Revoked {
					revoked++
				}
			}
		})
		took := time.Since(start)
		srv.Close()
		if revoked != 1000 {
			b.Fatalf("%d of 1000 revoked", revoked)
		}
		b.ReportMetric(took.Seconds(), "s/1000keys")
		b.ReportMetric(100*float64(requests-1000)/float64(requests), "%429")
	}
}
