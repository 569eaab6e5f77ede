// Package output writes results: JSON Lines for scripts (one object per key,
// streamed, nothing else) or a table with a summary line for people.
package output

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"

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

// New returns a writer for format.
func New(format string, w io.Writer) (Writer, error) {
	switch format {
	case FormatJSON:
		return NewJSON(w), nil
	case FormatTable:
		return &Table{w: w}, nil
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
	results []revoke.Result
}

// Write collects.
func (t *Table) Write(batch []revoke.Result) error {
	t.results = append(t.results, batch...)
	return nil
}

// Close renders the table and the summary line.
func (t *Table) Close() error {
	sort.SliceStable(t.results, func(i, j int) bool { return t.results[i].Seq < t.results[j].Seq })
	tw := tablewriter.NewWriter(t.w)
	tw.Header("Provider", "ID", "Outcome", "HTTP", "Attempts", "Message")
	for _, r := range t.results {
		status := "-"
		if r.HTTPStatus != 0 {
			status = strconv.Itoa(r.HTTPStatus)
		}
		if err := tw.Append(r.Provider, r.ID, string(r.Outcome), status, strconv.Itoa(r.Attempts), r.Message); err != nil {
			return err
		}
	}
	if len(t.results) > 0 {
		if err := tw.Render(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(t.w, Summarize(t.results))
	return err
}

// Summary counts results by outcome.
type Summary struct {
	Total, Revoked, AlreadyRevoked, NotFound, Failed, Skipped, Duplicate, DryRun int
}

// Add counts one result.
func (s *Summary) Add(r revoke.Result) {
	s.Total++
	switch r.Outcome {
	case providers.Revoked:
		s.Revoked++
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
	line := fmt.Sprintf("%s: %d revoked, %d already revoked, %d not found, %d failed, %d skipped",
		plural(s.Total, "key"), s.Revoked, s.AlreadyRevoked, s.NotFound, s.Failed, s.Skipped)
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
