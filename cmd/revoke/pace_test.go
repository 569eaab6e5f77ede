package revoke

import (
	"testing"

	engine "github.com/keyctl/keyctl/internal/revoke"
)

// TestProgressNamesAHeldProvider: the progress line says which provider
// keyctl is holding back, at what pace and why; a provider going at full
// speed is not mentioned.
func TestProgressNamesAHeldProvider(t *testing.T) {
	r := &reporter{paces: func() []engine.Pace {
		return []engine.Pace{
			{Provider: "lava", Rate: 97.3, Held: "the provider"},
			{Provider: "langwatch", Rate: 0},
			{Provider: "github", Rate: 60.0 / 3600, Held: "its documented limit"},
		}
	}}
	want := "revoking · lava: 97/s, limited by the provider · github: 1/min, limited by its documented limit"
	if got := r.description(); got != want {
		t.Fatalf("description %q, want %q", got, want)
	}
	if got := (&reporter{}).description(); got != "revoking" {
		t.Fatalf("without paces: %q", got)
	}
}
