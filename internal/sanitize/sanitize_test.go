package sanitize

import (
	"strings"
	"testing"
)

func TestLineNeutralisesTerminalControlAndInvisibleCharacters(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"OSC 52 clipboard", "a\x1b]52;c;ZWNobyBldmls\x07b", "a ]52;c;ZWNobyBldmls b"},
		{"OSC 8 link", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "]8;;https://evil.example \\click ]8;; \\"},
		{"CSI colour and cursor", "\x1b[31mred\x1b[2J", "[31mred [2J"},
		{"8-bit CSI", "a\u009b31mb", "a 31mb"},
		{"bidi override", "exe.\u202etxt", "exe.txt"},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"zero width", "sk\u200b_\u200c1\u200d\ufeff", "sk_1"},
		{"newlines and tabs", " one\r\n\ttwo  \u2028three ", "one two three"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
		{"tag characters", "a\U000E0041b", "ab"},
		{"plain", "revoked (200 OK)", "revoked (200 OK)"},
	}
	for _, c := range cases {
		if got := Line(c.in, 0); got != c.want {
			t.Errorf("%s: Line(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
		if got := Line(c.in, 0); strings.ContainsAny(got, "\x1b\x07\u009b\u202e\u2066\u200b") {
			t.Errorf("%s: %q still holds a control or invisible character", c.name, got)
		}
	}
}

func TestLineBoundsOnARuneBoundary(t *testing.T) {
	in := strings.Repeat("é", 2<<20) // 4 MiB
	got := Line(in, 101)
	if len(got) > 101+len(Ellipsis) || !strings.HasSuffix(got, Ellipsis) || strings.ContainsRune(got, '\ufffd') {
		t.Fatalf("Line bounded to %d bytes: %q", len(got), got)
	}
	if Line("short", 100) != "short" {
		t.Fatal("short text changed")
	}
	if out, cut := Prefix("abc", 3); out != "abc" || cut {
		t.Fatalf("Prefix(abc, 3) = %q, %v", out, cut)
	}
}

func TestLinesKeepsLineBreaks(t *testing.T) {
	if got := Lines("a\x1b[2J\nb\u202ec", 0); got != "a [2J\nbc" {
		t.Fatalf("got %q", got)
	}
}

func TestSafe(t *testing.T) {
	if !Safe("sk_live_123") || Safe("a\x1bb") || Safe("a\u202eb") {
		t.Fatal("Safe misjudges")
	}
}
