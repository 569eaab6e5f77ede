package revoke_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/internal/testutil"
	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/lava"
)

// TestEveryResultPassesTheScrubber: whatever path builds a result (an
// answer's headers, a rejected input line, a dry run), the sink receives it
// sanitized, scrubbed of the credential and bounded.
func TestEveryResultPassesTheScrubber(t *testing.T) {
	huge := strings.Repeat("Z", 2<<20)
	srv := scripted(t, status(302, "", "Location", "https://evil.example/"+token+"\x1b]52;c;eA==\x07"+huge, "X-Request-Id", "\u202e"+token))
	e := newEngine(t, testutil.NewClock())
	hostile := "\x1b[2J\u202e" + token + huge
	results := runJobs(context.Background(), e,
		job(t, lava.Adapter{}, srv.URL, "k1"),
		revoke.Job{ID: hostile, Line: 2, Reject: &revoke.Rejection{ProviderName: hostile, State: providers.Failed, Code: exit.Usage, Message: "line 2: unknown provider " + hostile}},
	)
	dry := newEngine(t, testutil.NewClock())
	dry.DryRun = true
	results = append(results, runJobs(context.Background(), dry, job(t, lava.Adapter{}, "http://127.0.0.1:1/"+token, "k2"))...)
	if len(results) != 3 {
		t.Fatalf("%d results", len(results))
	}
	for _, r := range results {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		s := string(line)
		if strings.Contains(s, token) || strings.ContainsAny(s, "\x1b\x07\u202e") || strings.Contains(s, `\u001b`) || strings.Contains(s, `\u0007`) {
			t.Errorf("result not scrubbed or sanitized: %.400s", s)
		}
		if len(s) > 8<<10 {
			t.Errorf("result of %d bytes", len(s))
		}
	}
}
