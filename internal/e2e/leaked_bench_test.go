package e2e

import (
	"bufio"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/sandbox"
)

// BenchmarkLeakedSecretsFromTruffleHog revokes 100,000 leaked GitLab
// tokens from a TruffleHog JSON Lines report against the sandbox (every
// well-formed secret is a live key), through the built binary with the
// audit log on, and reports secrets per second and keyctl's peak RSS.
//
//	go test -run '^$' -bench LeakedSecretsFromTruffleHog -benchtime 1x ./internal/e2e
func BenchmarkLeakedSecretsFromTruffleHog(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	report := filepath.Join(dir, "trufflehog.jsonl")
	f, err := os.Create(report)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, `{"SourceMetadata":{"Data":{"Git":{"commit":"c0ffee","file":"deploy/%d.env","line":%d}}},"SourceID":1,"SourceType":16,"SourceName":"trufflehog - git","DetectorType":0,"DetectorName":"Gitlab","DecoderName":"PLAIN","Verified":false,"Raw":"glpat-Bench%020d","RawV2":"","Redacted":""}`+"\n", i, i+1, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	srv := httptest.NewServer(sandbox.New(sandbox.Options{AnyID: true}).Handler())
	defer srv.Close()
	env := []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "XDG_STATE_HOME=" + dir,
		"KEYCTL_GITLAB_BASE_URL=" + sandbox.BaseURLs(srv.URL)["gitlab"]}
	for b.Loop() {
		os.Remove(filepath.Join(dir, "audit.jsonl"))
		cmd := exec.Command(binary, "revoke", "--from", report, "--format", "trufflehog", "-o", "json", "--audit-log", filepath.Join(dir, "audit.jsonl"), "--yes")
		cmd.Env = env
		out, err := os.Create(filepath.Join(dir, "out.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		cmd.Stdout = out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("keyctl: %v", err)
		}
		elapsed := time.Since(start)
		out.Close()
		data, _ := os.ReadFile(filepath.Join(dir, "out.jsonl"))
		if got := strings.Count(string(data), `"outcome":"revoked"`); got != n {
			b.Fatalf("%d of %d secrets revoked", got, n)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "secrets/s")
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
		}
	}
}
