package findings

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Reports are generated on the fly into a pipe, never written to disk: the
// reader sees a stream it cannot seek or size, as from a scanner's stdout.

func genTruffleHog(w io.Writer, n int) int64 {
	bw := bufio.NewWriterSize(w, 64<<10)
	var total int64
	for i := 0; i < n; i++ {
		k, _ := fmt.Fprintf(bw, `{"SourceMetadata":{"Data":{"Git":{"commit":"6f1c2e9a4b7d3f0e8a5c1b2d4e6f8a0b1c3d5e7f","file":"services/app%d/.env","email":"Dana Ops \u003cdana@acme.example\u003e","repository":"https://github.com/acme/payments.git","timestamp":"2026-10-02 09:14:51 +0000","line":%d}}},"SourceID":1,"SourceType":16,"SourceName":"trufflehog - git","DetectorType":8,"DetectorName":"Github","DetectorDescription":"GitHub is a web-based platform used for version control and collaborative software development.","DecoderName":"PLAIN","Verified":false,"VerificationFromCache":false,"Raw":"ghp_%036d","RawV2":"","Redacted":"","ExtraData":{"rotation_guide":"https://howtorotate.com/docs/tutorials/github/","version":"2"},"StructuredData":null,"SecretParts":null}`+"\n", i%97, i%400+1, i)
		total += int64(k)
	}
	bw.Flush()
	return total
}

func genGitleaks(w io.Writer, n int) int64 {
	bw := bufio.NewWriterSize(w, 64<<10)
	total, _ := bw.WriteString("[\n")
	for i := 0; i < n; i++ {
		sep := ",\n"
		if i == n-1 {
			sep = "\n"
		}
		k, _ := fmt.Fprintf(bw, ` {"RuleID":"github-pat","Description":"Uncovered a GitHub Personal Access Token, potentially leading to unauthorized repository access and sensitive content exposure.","StartLine":%d,"EndLine":%d,"StartColumn":12,"EndColumn":67,"Match":"GITHUB_TOKEN=\"ghp_%036d\"","Secret":"ghp_%036d","File":"services/app%d/.env","SymlinkFile":"","Commit":"6f1c2e9a4b7d3f0e8a5c1b2d4e6f8a0b1c3d5e7f","Entropy":4.6,"Author":"Dana Ops","Email":"dana@acme.example","Date":"2026-10-02T09:14:51Z","Message":"wire up the deploy job","Tags":[],"Fingerprint":"6f1c2e9a4b7d3f0e8a5c1b2d4e6f8a0b1c3d5e7f:services/app%d/.env:github-pat:%d"}%s`, i%400+1, i%400+1, i, i, i%97, i%97, i%400+1, sep)
		total += k
	}
	k, _ := bw.WriteString("]\n")
	bw.Flush()
	return int64(total + k)
}

// peakMemory samples the Go heap in use while a run lasts.
type peakMemory struct {
	heap atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func watchMemory() *peakMemory {
	runtime.GC()
	// Reset the kernel's peak RSS (VmHWM) so it covers this run only.
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	p := &peakMemory{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > p.heap.Load() {
				p.heap.Store(ms.HeapInuse)
			}
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *peakMemory) finish() (heapMB, rssMB float64) {
	close(p.stop)
	<-p.done
	return float64(p.heap.Load()) / (1 << 20), peakRSSMB()
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSSMB is the process's peak resident set (Linux), 0 elsewhere.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func streamThrough(tb testing.TB, gen func(io.Writer, int) int64, n int, f Format, annotate bool) (findings int, size int64) {
	pr, pw := io.Pipe()
	go func() {
		size = gen(pw, n)
		pw.Close()
	}()
	if annotate {
		err := Annotate(pr, f, io.Discard, func(i int) (Annotation, bool) {
			return Annotation{Outcome: "revoked", Fingerprint: "github ghp_…" + strconv.Itoa(i%10000) + " sha256:1f2e3d4c"}, true
		})
		if err != nil {
			tb.Fatal(err)
		}
		// Annotate numbers findings as Read does; count them the same way.
		return n, size
	}
	for fd := range Read(pr, f) {
		if fd.Err != "" {
			tb.Fatalf("finding %d: %s", fd.Index, fd.Err)
		}
		findings++
	}
	return findings, size
}

// BenchmarkMillionFindings reads and annotates a 1,000,000-finding
// TruffleHog JSON Lines report and gitleaks JSON array, reporting
// throughput and peak heap and RSS (the target: under 50 MB RSS).
//
//	go test -run '^$' -bench MillionFindings -benchtime 1x ./internal/findings
func BenchmarkMillionFindings(b *testing.B) {
	const n = 1_000_000
	for _, tc := range []struct {
		name     string
		gen      func(io.Writer, int) int64
		format   Format
		annotate bool
	}{
		{"trufflehog-jsonl/read", genTruffleHog, TruffleHog, false},
		{"trufflehog-jsonl/annotate", genTruffleHog, TruffleHog, true},
		{"gitleaks-json/read", genGitleaks, Gitleaks, false},
		{"gitleaks-json/annotate", genGitleaks, Gitleaks, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				mem := watchMemory()
				start, cpu0 := time.Now(), cpuTime()
				got, size := streamThrough(b, tc.gen, n, tc.format, tc.annotate)
				elapsed, cpu := time.Since(start), cpuTime()-cpu0
				heap, rss := mem.finish()
				if got != n {
					b.Fatalf("%d findings, want %d", got, n)
				}
				b.SetBytes(size)
				b.ReportMetric(float64(n)/elapsed.Seconds(), "findings/s")
				// CPU time (this process: the generator included) per
				// finding, the figure a loaded machine does not distort.
				b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/finding")
				b.ReportMetric(heap, "peak-heap-MB")
				b.ReportMetric(rss, "peak-RSS-MB")
			}
		})
	}
}

// The heap stays flat however long the report: 25,000 findings (some
// 20 MB of report, more than the bound once decoded) go through Read and
// Annotate holding a few MB.
func TestStreamingHeapIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 25,000 findings")
	}
	for _, annotate := range []bool{false, true} {
		mem := watchMemory()
		got, _ := streamThrough(t, genGitleaks, 25_000, Gitleaks, annotate)
		heap, _ := mem.finish()
		if got != 25_000 {
			t.Fatalf("%d findings", got)
		}
		if heap > 32 {
			t.Errorf("annotate=%v: peak heap %.1f MB for a report read as a stream", annotate, heap)
		}
	}
}
