package suggest

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"lava", "langwatch", "liveavatar", "openai", "openaiadmin"}
	for in, want := range map[string]string{
		"lavaa":        "lava",
		"langwach":     "langwatch",
		"opneai":       "openai",
		"notaprovider": "",
		"":             "",
	} {
		if got := Closest(in, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"timout", "timeout", 1}, {"tokne", "token", 2}, {"abc", "xyz", 3}} {
		if got := editDistance(c.a, c.b); got != c.d {
			t.Errorf("editDistance(%q, %q) = %d", c.a, c.b, got)
		}
	}
}
