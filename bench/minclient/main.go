// Command minclient is the practical ceiling for keyctl's throughput on this
// machine: the least a Go program can do to send one authenticated DELETE
// per id over keep-alive connections at a given concurrency. No retries, no
// parsing, no output, no audit log.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("base", "", "base URL, e.g. http://127.0.0.1:8787/lava/v1/secret_keys/")
	token := flag.String("token", "", "bearer token")
	conc := flag.Int("c", 8, "concurrency")
	flag.Parse()

	ids := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			ids <- sc.Text()
		}
		close(ids)
	}()
	tr := &http.Transport{MaxIdleConnsPerHost: *conc, MaxIdleConns: *conc}
	client := &http.Client{Transport: tr}
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range *conc {
		wg.Go(func() {
			for id := range ids {
				req, _ := http.NewRequest(http.MethodDelete, *base+url.PathEscape(id), nil)
				req.Header.Set("Authorization", "Bearer "+*token)
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode < 300 {
					ok.Add(1)
				} else {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	n := ok.Load() + failed.Load()
	fmt.Printf("%d requests (%d ok) in %.3fs: %.0f req/s\n", n, ok.Load(), elapsed.Seconds(), float64(n)/elapsed.Seconds())
}
