package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
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

// List writes items as JSON Lines, or as a table of header and row(item)
// drawn in style (the first one given; none: no width limit, no colour).
func List[T any](w io.Writer, format string, items []T, header []string, row func(T) []string, style ...Style) error {
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
	g := &grid{header: header, flex: -1}
	if len(style) > 0 {
		g.style = style[0]
	}
	for _, it := range items {
		g.rows = append(g.rows, row(it))
	}
	return g.render(w)
}
