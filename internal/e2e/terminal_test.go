//go:build unix

package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/mattn/go-runewidth"
)

// terminal is keyctl running on a pseudo-terminal, as a person at an
// 80-column terminal would run it: stdin, stdout and stderr are the one
// terminal, so whatever keyctl draws shows up in one stream in order.
type terminal struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  []byte
	seen map[string]time.Time // when a text was first found in the output
	done chan struct{}
}

func startTerminal(t *testing.T, cols uint16, env []string, args ...string) *terminal {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + home + "/config", "XDG_STATE_HOME=" + home + "/state",
		"PATH=" + os.Getenv("PATH"), "TERM=xterm-256color"}, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: 40})
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, pty: f, cmd: cmd, seen: map[string]time.Time{}, done: make(chan struct{})}
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			term.mu.Lock()
			term.out = append(term.out, buf[:n]...)
			term.mu.Unlock()
			if err != nil { // EIO once keyctl exits and the terminal closes
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		f.Close()
	})
	return term
}

func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return string(term.out)
}

// waitFor waits until text appears and returns when it was first seen.
// The bound is generous: CI machines are loaded.
func (term *terminal) waitFor(text string) time.Time {
	term.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(term.output(), text) {
			return time.Now()
		}
		select {
		case <-term.done:
			if strings.Contains(term.output(), text) {
				return time.Now()
			}
			term.t.Fatalf("keyctl ended without printing %q:\n%s", text, term.output())
		case <-time.After(10 * time.Millisecond):
		}
	}
	term.t.Fatalf("no %q within 30s:\n%s", text, term.output())
	return time.Time{}
}

func (term *terminal) send(s string) {
	term.t.Helper()
	if _, err := io.WriteString(term.pty, s); err != nil {
		term.t.Fatal(err)
	}
}

// wait waits for keyctl to exit and returns its exit code.
func (term *terminal) wait() int {
	term.t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- term.cmd.Wait() }()
	select {
	case err := <-exited:
		<-term.done
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			term.t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		term.t.Fatalf("keyctl did not exit:\n%s", term.output())
	}
	return -1
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// screenLines is the output as it stays on the screen: escape codes gone,
// and of a line redrawn after carriage returns only its last drawing.
func screenLines(out string) []string {
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimRight(line, "\r")
		if i := strings.LastIndex(line, "\r"); i >= 0 {
			line = line[i+1:]
		}
		lines = append(lines, ansi.ReplaceAllString(line, ""))
	}
	return lines
}

// startSandbox runs `keyctl sandbox` and returns the settings it prints.
func startSandbox(t *testing.T, args ...string) []string {
	t.Helper()
	srv := exec.Command(binary, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	})
	var env []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "export ") {
			env = append(env, strings.TrimPrefix(line, "export "))
		}
		if strings.HasPrefix(line, "# seeded keys") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if !hasSeedSettings(env) {
		t.Fatalf("sandbox settings: %q", env)
	}
	return env
}

// TestTerminalBatchAt80Columns runs a 200-key batch at an 80-column
// terminal against the sandbox: the prompt names the target, a status
// line shows before any key is done, the table fits, and the end recaps
// the failed keys.
func TestTerminalBatchAt80Columns(t *testing.T) {
	// Latency makes the first result come well after the start, so the
	// order of what appears shows the status line did not wait for it.
	env := startSandbox(t, "--any-id", "--latency", "100ms")
	var in strings.Builder
	for i := range 150 {
		fmt.Fprintf(&in, "lava sk_batch_%03d\n", i)
	}
	for i := range 45 {
		fmt.Fprintf(&in, "langwatch lw_batch_%02d\n", i)
	}
	in.WriteString("langwatch lw_other_user\nlangwatch lw_revoked\nliveavatar sec_batch_1\naltostrat api_key_short\nlavaa sk_typo\n")
	file := filepath.Join(t.TempDir(), "leaked.txt")
	if err := os.WriteFile(file, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	term := startTerminal(t, 80, env, "revoke", "--from", file)
	term.waitFor("[y/N]")
	prompt := strings.Join(screenLines(term.output()), "\n")
	for _, want := range []string{
		"About to revoke 198 keys in the SANDBOX",
		"lava        150 keys  at http://127.0.0.1:",
		"SANDBOX",
		"unknown provider \"lavaa\": 1 line",
		"1 invalid id",
	} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q:\n%s", want, prompt)
		}
	}
	answered := time.Now()
	term.send("y\r")
	statusAt := term.waitFor(" in flight")
	tableAt := term.waitFor("PROVIDER")
	if code := term.wait(); code != 12 {
		t.Errorf("exit %d, want 12 (failed keys with different codes)", code)
	}
	out := term.output()
	if strings.Index(out, " in flight") > strings.Index(out, "PROVIDER") || !statusAt.Before(tableAt) {
		t.Errorf("the status line came after the results:\n%s", out)
	}
	// The first results take 100 ms; the line is drawn at the start. The
	// bound is loose for loaded machines: the ordering above is the proof.
	if d := statusAt.Sub(answered); d > 5*time.Second {
		t.Errorf("status line %v after the answer", d)
	}

	lines := screenLines(out[strings.Index(out, "PROVIDER"):])
	for _, line := range lines {
		// The command that finishes the run is never wrapped: it is there
		// to be copied.
		if n := runewidth.StringWidth(line); n > 80 && !strings.HasPrefix(line, "keyctl revoke ") {
			t.Errorf("line of %d columns at an 80-column terminal: %q", n, line)
		}
	}
	body := strings.Join(lines, "\n")
	recap := body[strings.Index(body, "keys not done:"):]
	for _, want := range []string{"langwatch lw_other_user", "altostrat api_key_short", "lavaa sk_typo", "permission denied (403)"} {
		if !strings.Contains(recap, want) {
			t.Errorf("recap lacks %q:\n%s", want, recap)
		}
	}
	if strings.Contains(recap, "sk_batch_") {
		t.Errorf("recap lists revoked keys:\n%s", recap)
	}
	if os.Getenv("KEYCTL_CAPTURE") != "" {
		_ = os.WriteFile(os.Getenv("KEYCTL_CAPTURE"), []byte(strings.Join(screenLines(out), "\n")), 0o644)
	}
}

// TestTerminalCtrlCEndsWithTheResumeCommand interrupts a slow batch at a
// terminal: the run ends with the command that finishes it.
func TestTerminalCtrlCEndsWithTheResumeCommand(t *testing.T) {
	env := startSandbox(t, "--any-id", "--latency", "200ms")
	var in strings.Builder
	for i := range 200 {
		fmt.Fprintf(&in, "lava sk_slow_%03d\n", i)
	}
	file := filepath.Join(t.TempDir(), "leaked.txt")
	if err := os.WriteFile(file, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	term := startTerminal(t, 80, env, "revoke", "--from", file, "--yes", "--concurrency", "1")
	term.waitFor("2/200 keys") // a partial run: some keys done, most not
	term.send("\x03")          // Ctrl-C: the terminal sends SIGINT to keyctl
	if code := term.wait(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	lines := screenLines(term.output())
	last := ""
	for i := len(lines) - 1; i >= 0 && last == ""; i-- {
		last = strings.TrimSpace(lines[i])
	}
	want := "keyctl revoke --concurrency 1 --from " + file + " --yes --resume"
	if last != want {
		t.Errorf("last line %q, want %q:\n%s", last, want, strings.Join(lines, "\n"))
	}
	if !strings.Contains(strings.Join(lines, "\n"), "not sent (interrupted)") || !strings.Contains(strings.Join(lines, "\n"), "To finish, run:\n"+want) {
		t.Errorf("no recap of the keys not sent:\n%s", strings.Join(lines, "\n"))
	}
	if os.Getenv("KEYCTL_CAPTURE") != "" {
		_ = os.WriteFile(os.Getenv("KEYCTL_CAPTURE")+".ctrlc", []byte(strings.Join(lines, "\n")), 0o644)
	}
}

// hasSeedSettings reports whether the sandbox's settings route the four
// seed providers (base URL and credential each); other providers add theirs.
func hasSeedSettings(env []string) bool {
	for _, p := range []string{"LAVA", "LANGWATCH", "LIVEAVATAR", "ALTOSTRAT"} {
		for _, v := range []string{"_BASE_URL=", "_TOKEN="} {
			found := false
			for _, kv := range env {
				found = found || strings.HasPrefix(kv, "KEYCTL_"+p+v)
			}
			if !found {
				return false
			}
		}
	}
	return true
}
