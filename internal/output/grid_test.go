package output

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

func results() []revoke.Result {
	long := strings.Repeat("the provider explains at length why it refused ", 5)
	return []revoke.Result{
		{Provider: "lava", ID: "sk_demo_1", Outcome: providers.Revoked, HTTPStatus: 200, Attempts: 1, Message: "revoked (200 OK)", Seq: 1},
		{Provider: "altostrat", ID: "api_key_demo00000000000000000000001", Outcome: providers.Failed, HTTPStatus: 403, ExitCode: exit.Permission, Attempts: 1, Message: long, Seq: 2},
		{Provider: "langwatch", ID: "lw_revoked", Outcome: providers.AlreadyRevoked, HTTPStatus: 409, Attempts: 1, Message: "409 Conflict: already revoked", Seq: 3},
	}
}

func render(t *testing.T, style Style) string {
	t.Helper()
	var buf bytes.Buffer
	w, _ := New(FormatTable, &buf, style)
	if err := w.Write(results()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestTableFitsTheTerminalWidth(t *testing.T) {
	for _, width := range []int{60, 80, 100, 200} {
		out := render(t, Style{Width: width})
		for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			if n := runewidth.StringWidth(line); n > width {
				t.Errorf("width %d: line of %d columns:\n%s", width, n, line)
			}
		}
		if !strings.Contains(out, "api_key_demo") || !strings.Contains(out, "lw_revoked") {
			t.Errorf("width %d: rows missing:\n%s", width, out)
		}
		if !strings.Contains(strings.Join(strings.Fields(out), " "), "-o json has all") {
			t.Errorf("width %d: no note that text was cut:\n%s", width, out)
		}
	}
	if out := render(t, Style{Width: 80}); strings.Contains(out, "TRIES  ") || !strings.Contains(out, "TRIES and HTTP hidden") {
		t.Errorf("at 80 columns TRIES and HTTP should give way to the message:\n%s", out)
	}
}

func TestTableIsNotCutWithoutATerminal(t *testing.T) {
	out := render(t, Style{})
	if !strings.Contains(out, results()[1].Message) || strings.Contains(out, "…") || strings.Contains(out, "hidden") {
		t.Errorf("a table into a file lost text:\n%s", out)
	}
}

func TestTableColoursOutcomesOnlyWhenAsked(t *testing.T) {
	if out := render(t, Style{}); strings.Contains(out, "\x1b[") {
		t.Errorf("escape codes without colour:\n%q", out)
	}
	out := render(t, Style{Color: true, Width: 200})
	for _, want := range []string{"\x1b[32mrevoked", "\x1b[31;1mfailed", "\x1b[33malready_revoked"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%q", want, out)
		}
	}
}

func TestListFitsAndKeepsColumns(t *testing.T) {
	type row struct{ k, v string }
	items := []row{{"audit_log", "/home/someone/.local/state/keyctl/" + strings.Repeat("x", 80) + "/audit.jsonl"}, {"retries", "4"}}
	var buf bytes.Buffer
	if err := List(&buf, FormatTable, items, []string{"Key", "Value"}, func(r row) []string { return []string{r.k, r.v} }, Style{Width: 60}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		if runewidth.StringWidth(line) > 60 {
			t.Errorf("line wider than 60: %q", line)
		}
	}
	if !strings.HasPrefix(buf.String(), "KEY        VALUE") {
		t.Errorf("header:\n%s", buf.String())
	}
}

var escapes = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Colour is put into the cells before tablewriter lays them out; its width
// measure skips escape codes, so a coloured table is the plain one plus
// colour: no column moves, nothing else is cut.
func TestTableColourDoesNotMoveColumns(t *testing.T) {
	for _, width := range []int{0, 60, 80, 200} {
		plain := render(t, Style{Width: width})
		coloured := render(t, Style{Width: width, Color: true})
		if !strings.Contains(coloured, "\x1b[") {
			t.Fatalf("width %d: no colour:\n%q", width, coloured)
		}
		if got := escapes.ReplaceAllString(coloured, ""); got != plain {
			t.Errorf("width %d: colour changed the layout:\n%s\nwant:\n%s", width, got, plain)
		}
	}
}

// The cells reach the terminal as keyctl fitted them: tablewriter's header
// formatting (KEY_NAME would become KEY NAME), trimming, wrapping and
// borders are off, and the last column carries no padding.
func TestTableDrawsCellsAsGiven(t *testing.T) {
	type row struct{ k, v, n string }
	items := []row{
		{"  indented", strings.Repeat("a long value with spaces ", 6), "x"},
		{"key_name", "v", "trailing  "},
	}
	var buf bytes.Buffer
	if err := List(&buf, FormatTable, items, []string{"Key_Name", "Value", "Note"}, func(r row) []string { return []string{r.k, r.v, r.n} }); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a long value with spaces ", 6)
	want := "KEY_NAME    VALUE" + strings.Repeat(" ", len(long)-len("VALUE")) + "  NOTE\n" +
		"  indented  " + long + "  x\n" +
		"key_name    v" + strings.Repeat(" ", len(long)-1) + "  trailing  \n"
	if buf.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", buf.String(), want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// tablewriter's renderer does not report write errors; the table must, or a
// closed stdout would go unnoticed.
func TestTableReportsAWriteError(t *testing.T) {
	w, _ := New(FormatTable, failingWriter{}, Style{Width: 80})
	if err := w.Write(results()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("Close: %v, want the write error", err)
	}
	err := List(failingWriter{}, FormatTable, []string{"a"}, []string{"Key"}, func(s string) []string { return []string{s} })
	if err == nil {
		t.Error("List: no error from a failing writer")
	}
}
