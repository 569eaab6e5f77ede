package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
)

// render formats a man page as a person reads it at 80 columns: with man
// -l where man-db is installed, else with groff.
func render(t *testing.T, page string) string {
	t.Helper()
	var cmd *exec.Cmd
	if man, err := exec.LookPath("man"); err == nil {
		cmd = exec.Command(man, "-l", page)
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "MAN_KEEP_FORMATTING=")
	} else if groff, err := exec.LookPath("groff"); err == nil {
		cmd = exec.Command(groff, "-t", "-man", "-Tutf8", "-P-cbou", "-rLL=80n", page)
	} else {
		if os.Getenv("CI") == "true" {
			t.Fatal("neither man nor groff is installed: CI must render the man pages (apt-get install man-db groff-base)")
		}
		t.Skip("neither man nor groff is installed")
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return string(out)
}

func TestManPagesRenderPlaceholdersAndTheExitCodeTable(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	man := filepath.Join(dir, "man")

	revoke := render(t, filepath.Join(man, "keyctl-revoke.1"))
	if !strings.Contains(revoke, "keyctl revoke [<provider>] [<id>...] [--from FILE]") {
		t.Errorf("keyctl-revoke(1) synopsis lost its placeholders:\n%s", revoke)
	}
	if !strings.Contains(revoke, "KEYCTL_<PROVIDER>_TOKEN") {
		t.Errorf("keyctl-revoke(1) lost the credential variable's placeholder:\n%s", revoke)
	}
	root := render(t, filepath.Join(man, "keyctl.1"))
	if !strings.Contains(root, "keyctl revoke <provider> <id>...") || !strings.Contains(root, "KEYCTL_<PROVIDER>_TOKEN") {
		t.Errorf("keyctl(1) lost placeholders:\n%s", root)
	}
	if create := render(t, filepath.Join(man, "keyctl-sandbox-create.1")); !strings.Contains(create, "keyctl sandbox create <provider>") {
		t.Errorf("keyctl-sandbox-create(1) synopsis:\n%s", create)
	}

	// Every code on its own row, names in one column, nothing past 80.
	codes := render(t, filepath.Join(man, "keyctl-exit-codes.1"))
	nameCol := -1
	for _, e := range exit.Table {
		row := regexp.MustCompile(`(?m)^( +)` + strconv.Itoa(int(e.Code)) + `  +(` + regexp.QuoteMeta(e.Name) + `) +\S`).FindStringSubmatchIndex(codes)
		if row == nil {
			t.Errorf("no row for exit code %d %s:\n%s", e.Code, e.Name, codes)
			continue
		}
		lineStart := strings.LastIndex(codes[:row[0]+1], "\n") + 1
		col := row[4] - lineStart
		if nameCol < 0 {
			nameCol = col
		} else if col != nameCol {
			t.Errorf("exit code %d: name at column %d, others at %d:\n%s", e.Code, col, nameCol, codes)
		}
	}
	for _, line := range strings.Split(codes, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
}
