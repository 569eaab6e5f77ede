package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
)

// Choose is the format to use: the one asked for, else a table for a person
// at a terminal and JSON Lines for a program.
func Choose(asked string, stdoutTTY bool) (string, error) {
	switch {
	case asked == FormatTable || asked == FormatJSON:
		return asked, nil
	case asked != "":
		return "", fmt.Errorf("unknown output format %q (use %s)", asked, strings.Join(Formats, " or "))
	case stdoutTTY:
		return FormatTable, nil
	}
	return FormatJSON, nil
}

// List writes items as JSON Lines, or as a table of header and row(item).
func List[T any](w io.Writer, format string, items []T, header []string, row func(T) []string) error {
	if format == FormatJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, it := range items {
			if err := enc.Encode(it); err != nil {
				return err
			}
		}
		return nil
	}
	t := tablewriter.NewWriter(w)
	t.Header(header)
	for _, it := range items {
		if err := t.Append(row(it)); err != nil {
			return err
		}
	}
	return t.Render()
}
