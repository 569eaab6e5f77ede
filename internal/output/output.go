// Package output writes results: JSON Lines for scripts (one object per key,
// streamed, nothing else) or a table with a summary line for people.
package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/fatih/color"

	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

// Formats accepted by -o.
const (
	FormatTable = "table"
	FormatJSON  = "json"
)

// Formats lists the accepted -o values.
var Formats = []string{FormatTable, FormatJSON}

// Writer receives results as they finish.
type Writer interface {
	Write(batch []revoke.Result) error
	// Close finishes the output (the table renders here).
	Close() error
}

// New returns a writer for format; a table is drawn in style.
func New(format string, w io.Writer, style Style) (Writer, error) {
	switch format {
	case FormatJSON:
		return NewJSON(w), nil
	case FormatTable:
		return &Table{w: w, style: style}, nil
	}
	return nil, fmt.Errorf("unknown output format %q (use %s)", format, strings.Join(Formats, " or "))
}

// JSON writes JSON Lines, flushed after every batch so a pipe sees each
// result as soon as it is final.
type JSON struct {
	buf *bufio.Writer
	enc *json.Encoder
}

// NewJSON writes JSON Lines to w.
func NewJSON(w io.Writer) *JSON {
	buf := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &JSON{buf: buf, enc: enc}
}

// Write encodes each result on its own line.
func (j *JSON) Write(batch []revoke.Result) error {
	for _, r := range batch {
		if err := j.enc.Encode(r); err != nil {
			return err
		}
	}
	return j.buf.Flush()
}

// Close flushes.
func (j *JSON) Close() error { return j.buf.Flush() }

// Table collects results and renders them in input order with a summary.
type Table struct {
	w       io.Writer
	style   Style
	results []revoke.Result
}

// Write collects.
func (t *Table) Write(batch []revoke.Result) error {
	t.results = append(t.results, batch...)
	return nil
}

// Close renders the table and the summary line. Messages are cut to fit
// the terminal; a note says so and where the full text is.
func (t *Table) Close() error {
	sort.SliceStable(t.results, func(i, j int) bool { return t.results[i].Seq < t.results[j].Seq })
	g := &grid{
		header:   []string{"Provider", "ID", "Outcome", "HTTP", "Tries", "Message"},
		flex:     5,
		optional: []int{4, 3}, // tries, then HTTP: both are in -o json, the status also in the message
		style:    t.style,
	}
	paints := make([]*color.Color, len(t.results))
	for i, r := range t.results {
		status := "-"
		if r.HTTPStatus != 0 {
			status = strconv.Itoa(r.HTTPStatus)
		}
		g.rows = append(g.rows, []string{r.Provider, r.ID, string(r.Outcome), status, strconv.Itoa(r.Attempts), r.Message})
		paints[i] = OutcomeColor(r, t.style.Color)
	}
	g.paint = func(row, col int, s string) string {
		if col != 2 {
			return s
		}
		return paints[row].Sprint(s)
	}
	if len(t.results) > 0 {
		if err := g.render(t.w); err != nil {
			return err
		}
	}
	// The summary and the note fit the terminal too.
	var tail bytes.Buffer
	WriteWrapped(&tail, Summarize(t.results).String(), t.style.Width, "  ")
	if note := g.note(); note != "" {
		WriteWrapped(&tail, note, t.style.Width, " ")
	}
	_, err := t.w.Write(tail.Bytes())
	return err
}

// OutcomeColor is the colour of a result's outcome: green for a dead key,
// red for a failure, yellow for a key that was already dead or not found
// but accepted, or submitted but not confirmed, dim for keys not sent
// (skipped, duplicate, dry run).
func OutcomeColor(r revoke.Result, on bool) *color.Color {
	var c *color.Color
	switch {
	case !r.OK() && r.Outcome != providers.Skipped:
		c = color.New(color.FgRed, color.Bold)
	case r.Outcome == providers.Revoked:
		c = color.New(color.FgGreen)
	case r.Outcome == providers.AlreadyRevoked, r.Outcome == providers.NotFound, r.Outcome == providers.Submitted:
		c = color.New(color.FgYellow)
	default:
		c = color.New(color.Faint)
	}
	setColor(c, on)
	return c
}

// Summary counts results by outcome.
type Summary struct {
	Total, Revoked, AlreadyRevoked, NotFound, Failed, Skipped, Duplicate, DryRun int
	// Submitted: accepted by the provider, not confirmed.
	Submitted int
}

// Add counts one result.
func (s *Summary) Add(r revoke.Result) {
	s.Total++
	switch r.Outcome {
	case providers.Revoked:
		s.Revoked++
	case providers.Submitted:
		s.Submitted++
	case providers.AlreadyRevoked:
		s.AlreadyRevoked++
	case providers.NotFound:
		s.NotFound++
	case providers.Skipped:
		s.Skipped++
	case providers.DryRun:
		s.DryRun++
	case providers.Duplicate:
		s.Duplicate++
	default:
		s.Failed++
	}
}

// String is the summary line.
func (s Summary) String() string {
	if s.DryRun > 0 && s.DryRun == s.Total {
		return fmt.Sprintf("%s: dry run, nothing sent", plural(s.Total, "key"))
	}
	submitted := ""
	if s.Submitted > 0 { // only providers that confirm nothing have them
		submitted = fmt.Sprintf(", %d submitted (not confirmed)", s.Submitted)
	}
	line := fmt.Sprintf("%s: %d revoked%s, %d already revoked, %d not found, %d failed, %d skipped",
		plural(s.Total, "key"), s.Revoked, submitted, s.AlreadyRevoked, s.NotFound, s.Failed, s.Skipped)
	if s.Duplicate > 0 {
		line += fmt.Sprintf(", %d duplicate", s.Duplicate)
	}
	return line
}

// Summarize counts results.
func Summarize(results []revoke.Result) Summary {
	var s Summary
	for _, r := range results {
		s.Add(r)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
