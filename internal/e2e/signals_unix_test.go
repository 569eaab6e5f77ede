//go:build unix

package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalWhileReadingATokenFIFOExits130: a token_file that is a FIFO whose
// writer never writes blocks the read in the kernel; the first SIGINT must
// still end keyctl with exit 130 and say why, with nothing sent.
func TestSignalWhileReadingATokenFIFOExits130(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "token")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("providers:\n  lava:\n    token_file: "+fifo+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(binary, "revoke", "lava", "k1", "--base-url", "http://127.0.0.1:1", "--no-audit")
		cmd.Env = []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "XDG_STATE_HOME=" + dir, "KEYCTL_CONFIG=" + cfg}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Opening the FIFO for writing without blocking succeeds only once
		// keyctl has it open for reading: then it is stuck in the read.
		var w *os.File
		deadline := time.Now().Add(10 * time.Second)
		for w == nil && time.Now().Before(deadline) {
			if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w = f
			} else {
				time.Sleep(10 * time.Millisecond)
			}
		}
		if w == nil {
			_ = cmd.Process.Kill()
			t.Fatalf("keyctl never opened the token file: %s", errOut.String())
		}
		_ = cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("%v: exit %v, want 130; stderr %s", sig, err, errOut.String())
			}
			if !strings.Contains(errOut.String(), "interrupted while reading the token file") || out.Len() != 0 {
				t.Fatalf("%v: stdout %q stderr %q", sig, out.String(), errOut.String())
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("%v ignored while reading the token file", sig)
		}
		w.Close()
	}
}
