package revoke

import (
	"io"
	"strings"
	"testing"

	engine "github.com/keyctl/keyctl/internal/revoke"
)

// TestProgressNamesAHeldProvider: the progress line says which provider
// keyctl is holding back, at what pace and why; a provider going at full
// speed is not mentioned.
func TestProgressNamesAHeldProvider(t *testing.T) {
	s := newStatus(io.Discard, func() int { return 0 }, false, 10, 8, 8)
	s.paces = func() []engine.Pace {
		return []engine.Pace{
			{Provider: "lava", Rate: 97.3, Held: "the provider"},
			{Provider: "langwatch", Rate: 0},
			{Provider: "github", Rate: 60.0 / 3600, Held: "its documented limit"},
		}
	}
	s.start = s.now()
	line := s.lineLocked()
	want := "lava: 97/s, limited by the provider · github: 1/min, limited by its documented limit · 0/10 keys"
	if !strings.Contains(line, want) {
		t.Fatalf("status line %q lacks %q", line, want)
	}
	if strings.Contains(line, "langwatch") {
		t.Fatalf("status line %q names a provider going at full speed", line)
	}
	s.paces = nil
	if line := s.lineLocked(); strings.Contains(line, "limited") {
		t.Fatalf("without paces: %q", line)
	}
}
