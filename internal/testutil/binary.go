package testutil

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BuildKeyctl builds the keyctl binary into dir, for a TestMain.
func BuildKeyctl(dir string) (string, error) {
	bin := filepath.Join(dir, "keyctl")
	build := exec.Command("go", "build", "-o", bin, "github.com/keyctl/keyctl")
	build.Stderr = os.Stderr
	return bin, build.Run()
}

// Exec runs a built keyctl with a clean environment (a fresh HOME and XDG
// directories, and PATH) plus env, and returns its exit code and output.
func Exec(t *testing.T, bin string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + home + "/config", "XDG_STATE_HOME=" + home + "/state", "PATH=" + os.Getenv("PATH")}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}
