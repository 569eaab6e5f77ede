package revoke

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/iostreams"
	"github.com/keyctl/keyctl/internal/output"
	engine "github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

func TestLongWaitIsOnePlainLineWithoutATerminal(t *testing.T) {
	var buf bytes.Buffer
	s := newStatus(&buf, func() int { return 0 }, false, 3, 16, 8)
	s.begin()
	until := time.Now().Add(15 * time.Second)
	w := engine.Wait{Provider: "lava", ID: "sk_fresh", KeyOnly: true, Status: 429, Until: until}
	s.waiting(w)
	s.waiting(w) // the same wait heard from another worker
	s.waiting(engine.Wait{Provider: "langwatch", Until: time.Now().Add(100 * time.Millisecond)})
	s.end()
	got := buf.String()
	if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "keyctl: lava: key sk_fresh in a cooldown of its own (429 Retry-After), 1") || !strings.Contains(got, "s left (until ") {
		t.Fatalf("plain lines:\n%s", got)
	}
	if strings.Contains(got, "\r") || strings.Contains(got, "\x1b") {
		t.Fatalf("terminal codes without a terminal: %q", got)
	}
}

func TestStatusLineCountsDownAndFitsTheWidth(t *testing.T) {
	var buf bytes.Buffer
	s := newStatus(&buf, func() int { return 60 }, true, 200, 16, 8)
	now := time.Now()
	s.now = func() time.Time { return now }
	s.begin()
	s.mu.Lock()
	s.lane("lava").queued = 150
	s.lane("langwatch").queued = 50
	s.mu.Unlock()
	s.waiting(engine.Wait{Provider: "lava", ID: "sk_new", KeyOnly: true, Status: 429, Until: now.Add(12 * time.Second)})
	s.mu.Lock()
	line := s.lineLocked()
	s.mu.Unlock()
	s.end()
	for _, want := range []string{"0/200 keys", "16 in flight", "lava 8", "langwatch 8", "lava: key sk_new in a cooldown of its own (429 Retry-After), 12s left"} {
		if !strings.Contains(line, want) {
			t.Errorf("status line lacks %q: %s", want, line)
		}
	}
	if !strings.HasPrefix(line[strings.Index(line, " ")+1:], "lava: key sk_new") {
		t.Errorf("the countdown is not first, where a narrow terminal keeps it: %s", line)
	}
	for _, l := range strings.Split(buf.String(), "\r\x1b[K") {
		if n := len([]rune(l)); n > 59 {
			t.Errorf("drawn line of %d columns at width 60: %q", n, l)
		}
	}
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("the line is not erased at the end: %q", buf.String())
	}
}

func TestRecapGroupsFailuresWithNextSteps(t *testing.T) {
	var r recap
	r.add(engine.Result{Provider: "lava", ID: "sk_1", Outcome: providers.Revoked})
	r.add(engine.Result{Provider: "lava", ID: "sk_last", Outcome: providers.Failed, ExitCode: exit.Conflict, Message: "400 Bad Request: last key"})
	r.add(engine.Result{Provider: "langwatch", ID: "lw_x", Outcome: providers.Failed, ExitCode: exit.Auth, Message: "401 Unauthorized"})
	r.add(engine.Result{Provider: "lava", ID: "sk_2", Outcome: providers.Skipped, ExitCode: exit.Interrupted, Message: "not sent"})
	var buf bytes.Buffer
	r.write(&buf, output.Style{Width: 80}, "keyctl revoke --from leaked.txt --resume")
	got := buf.String()
	for _, want := range []string{
		"3 keys not done:",
		"credential rejected (401) (exit 4), 1 key:\n    langwatch lw_x: 401 Unauthorized\n  → fix the credential",
		"refused in the key's current state (exit 7), 1 key:\n    lava sk_last: 400 Bad Request: last key\n  → create a replacement key first",
		"not sent (interrupted) (exit 130), 1 key:\n    lava sk_2\n",
		"To finish, run:\nkeyctl revoke --from leaked.txt --resume\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("recap lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "sk_1") {
		t.Errorf("recap lists a revoked key:\n%s", got)
	}
}

func TestResumeCommandRepeatsTheRunWithoutSecrets(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	var got *RevokeOptions
	cmd := NewCmdRevoke(&cmdutil.Factory{IO: io}, func(_ context.Context, o *RevokeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"lava", "sk 1", "sk_2", "--base-url", "https://u:secret@lava.example/v1?token=x", "--retries", "2", "--yes", "--token-stdin"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := "revoke lava 'sk 1' sk_2 --base-url https://lava.example/v1 --retries 2 --token-stdin --yes --resume"
	if c := resumeCommand(got, true); c != want {
		t.Errorf("resume command\n got %s\nwant %s", c, want)
	}
	if c := resumeCommand(got, false); c != "" {
		t.Errorf("without an audit log --resume cannot work, yet: %s", c)
	}
	got.From = "-"
	if c := resumeCommand(got, true); !strings.HasPrefix(c, "(the same input) | revoke") {
		t.Errorf("from standard input: %s", c)
	}
}

func TestWarningsDuringARunEraseTheStatusLineFirst(t *testing.T) {
	var buf bytes.Buffer
	s := newStatus(&buf, func() int { return 80 }, true, 2, 16, 8)
	s.begin()
	s.redraw()
	fmt.Fprintln(s.guard(&buf), "warning: something")
	s.end()
	got := buf.String()
	if !strings.Contains(got, " in flight · 0s\r\x1b[Kwarning: something\n") {
		t.Fatalf("the warning is not on a line of its own: %q", got)
	}
}
