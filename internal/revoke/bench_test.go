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
