package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"
	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter/pkg/twwidth"

	"github.com/keyctl/keyctl/internal/iostreams"
)

// Style is how a table is drawn for its reader.
type Style struct {
	// Width is the terminal's width in columns; 0 is no limit (a file or a
	// pipe, where cutting would only lose text).
	Width int
	// Color paints outcomes and headers.
	Color bool
}

// StyleOf is the style of stdout in streams.
func StyleOf(s *iostreams.IOStreams) Style {
	return Style{Width: s.Width(), Color: s.ColorOut()}
}

// gap separates columns. The tables are borderless, like gh's and
// kubectl's: borders cost six columns of an 80-column terminal and make
// every cut message shorter.
const gap = "  "

// minCut is the narrowest a column is cut to.
const minCut = 12

// minFlex is the narrowest the flex column is cut to before optional
// columns are hidden and other columns cut.
const minFlex = 24

// ellipsis marks a cut cell.
const ellipsis = "…"

// grid is a table laid out to fit a width.
type grid struct {
	header []string
	rows   [][]string
	// flex is the column cut first to fit (-1: the widest goes first),
	// down to minFlex.
	flex int
	// optional columns are hidden, in this order, before the flex column is
	// cut below minFlex or another column is cut at all.
	optional []int
	// paint colours a body cell after it is cut to fit; nil paints nothing.
	paint func(row, col int, cell string) string
	style Style
	// cut reports whether some cell lost text; hidden names the columns
	// left out.
	cut    bool
	hidden []string
	// natural is the flex column's uncut width.
	natural int
}

// render writes the grid. Cells are cut with "…" so that no line is wider
// than style.Width; the full text stays in -o json. keyctl decides the
// widths, the hidden columns and the cuts; tablewriter draws the result.
func (g *grid) render(w io.Writer) error {
	widths := make([]int, len(g.header))
	for i, h := range g.header {
		widths[i] = twwidth.Width(h)
	}
	for _, r := range g.rows {
		for i := range widths {
			if i < len(r) {
				r[i] = oneLine(r[i])
				widths[i] = max(widths[i], twwidth.Width(r[i]))
			}
		}
	}
	if g.flex >= 0 && g.flex < len(widths) {
		g.natural = widths[g.flex]
	}
	visible := g.fit(widths)

	var shown []int
	for i := range widths {
		if visible[i] {
			shown = append(shown, i)
		}
	}
	// fitted is a line's visible cells, each cut to its column and then
	// painted (colour after the cut, so an escape code is never cut).
	fitted := func(cells []string, paint func(col int, s string) string) []string {
		out := make([]string, len(shown))
		for j, i := range shown {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			if twwidth.Width(cell) > widths[i] {
				cell = twwidth.Truncate(cell, widths[i], ellipsis)
				g.cut = true
			}
			if paint != nil {
				cell = paint(i, cell)
			}
			out[j] = cell
		}
		return out
	}
	header := color.New(color.Bold)
	setColor(header, g.style.Color)
	upper := make([]string, len(g.header))
	for i, h := range g.header {
		upper[i] = strings.ToUpper(h)
	}
	head := fitted(upper, func(_ int, s string) string { return header.Sprint(s) })
	body := make([][]string, len(g.rows))
	for ri, r := range g.rows {
		var paint func(int, string) string
		if g.paint != nil && g.style.Color {
			paint = func(col int, s string) string { return g.paint(ri, col, s) }
		}
		body[ri] = fitted(r, paint)
	}
	shownWidths := make([]int, len(shown))
	for j, i := range shown {
		shownWidths[j] = widths[i]
	}
	return draw(w, head, body, shownWidths)
}

// fit narrows columns until a line fits style.Width and returns which
// columns are shown: the flex column is cut first down to minFlex, then
// optional columns are hidden, then the flex column and the widest columns
// are cut down to minCut (never below their header).
func (g *grid) fit(widths []int) []bool {
	visible := make([]bool, len(widths))
	for i := range visible {
		visible[i] = true
	}
	limit := g.style.Width
	if limit <= 0 {
		return visible
	}
	floor := func(i int) int { return max(minCut, twwidth.Width(g.header[i])) }
	total := func() int {
		n := 0
		for i, w := range widths {
			if visible[i] {
				n += w + len(gap)
			}
		}
		return n - len(gap)
	}
	flexFloor := 0
	if g.flex >= 0 && g.flex < len(widths) {
		flexFloor = max(minFlex, floor(g.flex))
		if take := min(total()-limit, widths[g.flex]-flexFloor); take > 0 {
			widths[g.flex] -= take
		}
	}
	for _, c := range g.optional {
		if total() <= limit {
			break
		}
		visible[c] = false
		g.hidden = append(g.hidden, g.header[c])
	}
	// Room freed by hiding goes back to the flex column.
	if g.flex >= 0 && g.flex < len(widths) && total() < limit && widths[g.flex] < g.natural {
		widths[g.flex] = min(g.natural, widths[g.flex]+limit-total())
	}
	for over := total() - limit; over > 0; over-- {
		widest := -1
		for i, w := range widths {
			if visible[i] && w > floor(i) && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break // as narrow as it gets: the terminal wraps
		}
		widths[widest]--
	}
	return visible
}

// note says what was cut or hidden to fit, and where the rest is.
func (g *grid) note() string {
	var parts []string
	if len(g.hidden) > 0 {
		names := make([]string, len(g.hidden))
		for i, h := range g.hidden {
			names[i] = strings.ToUpper(h)
		}
		parts = append(parts, strings.Join(names, " and ")+" hidden")
	}
	if g.cut {
		parts = append(parts, "… marks cut text")
	}
	if len(parts) == 0 {
		return ""
	}
	return "(to fit: " + strings.Join(parts, ", ") + "; -o json has all)"
}

// oneLine keeps a cell on its row: a line break or tab inside would break
// the table's columns.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}

// setColor applies the decision made from NO_COLOR, CLICOLOR and the
// terminal: fatih/color's own default looks only at os.Stdout.
func setColor(c *color.Color, on bool) {
	if on {
		c.EnableColor()
	} else {
		c.DisableColor()
	}
}

// WriteWrapped writes s wrapped at width (0: no limit) on word boundaries,
// continuation lines indented: nothing is cut.
func WriteWrapped(w io.Writer, s string, width int, indent string) {
	if width <= len(indent)+10 || runewidth.StringWidth(s) <= width {
		fmt.Fprintln(w, s)
		return
	}
	line := s[:len(s)-len(strings.TrimLeft(s, " "))]
	hasWord := false
	for _, word := range strings.Fields(s) {
		if hasWord && runewidth.StringWidth(line)+1+runewidth.StringWidth(word) > width {
			fmt.Fprintln(w, line)
			line, hasWord = indent, false
		}
		if hasWord {
			line += " "
		}
		line += word
		hasWord = true
		for runewidth.StringWidth(line) > width { // a word longer than a line
			head := runewidth.Truncate(line, width, "")
			fmt.Fprintln(w, head)
			line = indent + line[len(head):]
		}
	}
	if hasWord {
		fmt.Fprintln(w, line)
	}
}
