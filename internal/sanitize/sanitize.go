// Package sanitize is the one place that makes text from outside keyctl
// (server answers, proxy replies, input lines, config values) safe to show on
// a terminal or write to a log. A hostile string must not be able to drive
// the terminal (ESC sequences: CSI colours and cursor moves, OSC 52 writing
// the clipboard, OSC 8 links), disguise itself (bidi overrides, zero-width
// and other invisible characters), break a line-based log or grow without
// bound.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ellipsis marks text that was cut.
const Ellipsis = "…"

// Line returns s as one printable line of at most max bytes (plus the
// ellipsis when cut; max <= 0 means no bound): control characters become
// spaces (runs collapse to one), invisible and bidi formatting characters
// are dropped, invalid UTF-8 becomes U+FFFD, and the ends are trimmed.
func Line(s string, max int) string {
	out, cut := Prefix(s, max)
	if cut {
		return out + Ellipsis
	}
	return out
}

// Prefix is Line without the ellipsis: it reports whether s was cut, for a
// caller (the credential scrubber) that must finish its own work on the
// prefix before cutting it further.
func Prefix(s string, max int) (string, bool) {
	var b strings.Builder
	b.Grow(min(len(s), max8(max)))
	pending, cut := false, false // pending: a space to write before the next character
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		if r == utf8.RuneError && size == 1 {
			r = unicode.ReplacementChar
		}
		switch {
		case isBreak(r):
			r = ' '
		case invisible(r):
			continue
		}
		if r == ' ' {
			pending = b.Len() > 0
			continue
		}
		need := utf8.RuneLen(r)
		if pending {
			need++
		}
		if max > 0 && b.Len()+need > max {
			cut = true
			break
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String(), cut
}

// Lines sanitizes multi-line text (an error message, a debug trace block)
// line by line, keeping the line breaks: each line is bounded to maxLine
// bytes and made safe as by Line.
func Lines(s string, maxLine int) string {
	if !strings.ContainsRune(s, '\n') {
		return Line(s, maxLine)
	}
	parts := strings.Split(s, "\n")
	for i, p := range parts {
		parts[i] = Line(p, maxLine)
	}
	return strings.Join(parts, "\n")
}

// Truncate cuts s to at most max bytes on a rune boundary, adding the
// ellipsis when it cut. It does not sanitize.
func Truncate(s string, max int) string {
	if max < 0 {
		max = 0
	}
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max] + Ellipsis
}

// Safe reports whether s is already what Line would leave it (no control,
// invisible or formatting characters), so callers can skip a copy.
func Safe(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || isBreak(r) || invisible(r) {
			return false
		}
	}
	return true
}

// isBreak is every control character (C0, DEL, C1, including ESC, which
// starts every terminal escape sequence) and the Unicode line and paragraph
// separators: each becomes a space so words stay apart.
func isBreak(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}

// invisible is a character that changes how text around it looks without
// showing itself: Unicode format characters (bidi embeddings, overrides and
// isolates U+202A–202E and U+2066–2069, marks, zero-width spaces and joiners,
// the BOM, soft hyphen, tag characters) and the fillers that render blank.
func invisible(r rune) bool {
	if unicode.Is(unicode.Cf, r) {
		return true
	}
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', '\u034F', '\u180E':
		return true
	}
	return r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF // variation selectors
}

func max8(n int) int {
	if n <= 0 {
		return 64
	}
	return n
}
