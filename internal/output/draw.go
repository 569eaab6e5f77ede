package output

import (
	"bytes"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// draw renders cells already fitted by grid.fit with tablewriter: header
// and rows, left-aligned, columns widths[i] wide, separated by gap. Cells
// may carry colour; tablewriter measures them without their escape codes
// (twwidth strips CSI sequences), so colour does not move the columns.
//
// Everything that could change a cell is off: no wrapping, no header
// formatting, no trimming, no width limit of its own. A cell wider than
// its column would be cut by tablewriter without a mark, so grid cuts
// every cell to its width first, with "…", measured by the same twwidth.
func draw(w io.Writer, header []string, rows [][]string, widths []int) error {
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbolCustom("keyctl").WithColumn(gap).WithRow("").WithCenter(""),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.On},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
	)
	perColumn := tw.NewMapper[int, int]()
	for i, wd := range widths {
		perColumn.Set(i, wd)
	}
	t.Configure(func(c *tablewriter.Config) {
		c.MaxWidth = 0
		c.Widths = tw.CellWidth{PerColumn: perColumn}
		c.Behavior.TrimSpace = tw.Off
		c.Behavior.TrimTab = tw.Off
		c.Behavior.TrimLine = tw.Off
		for _, section := range []*tw.CellConfig{&c.Header, &c.Row} {
			section.Formatting.AutoWrap = tw.WrapNone
			section.Formatting.AutoFormat = tw.Off
			section.Padding = tw.CellPadding{Global: tw.PaddingNone}
			section.Alignment = tw.CellAlignment{Global: tw.AlignLeft}
		}
	})
	t.Header(anySlice(header)...)
	for _, r := range rows {
		if err := t.Append(anySlice(r)...); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	// The renderer ignores write errors, so the table is drawn in memory
	// and written here, where a closed stdout is seen. The padding
	// tablewriter puts after the last column is dropped (only that: a
	// cell's own trailing blanks stay): trailing blanks only get in the way
	// of a copy or a diff.
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	if len(widths) > 0 && len(lines) == 1+len(rows) {
		last := len(widths) - 1
		for i, line := range lines {
			cells := header
			if i > 0 {
				cells = rows[i-1]
			}
			pad := widths[last] - twwidth.Width(cells[last])
			body := bytes.TrimSuffix(line, []byte("\n"))
			if pad > 0 && bytes.HasSuffix(body, bytes.Repeat([]byte(" "), pad)) {
				lines[i] = append(body[:len(body)-pad:len(body)-pad], '\n')
			}
		}
	}
	_, err := w.Write(bytes.Join(lines, nil))
	return err
}

func anySlice(s []string) []any {
	a := make([]any, len(s))
	for i, v := range s {
		a[i] = v
	}
	return a
}
