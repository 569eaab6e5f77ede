package exit

import "testing"

func TestCombine(t *testing.T) {
	cases := []struct {
		codes []Code
		want  Code
	}{
		{nil, OK},
		{[]Code{OK, OK}, OK},
		{[]Code{OK, NotFound, NotFound}, NotFound},
		{[]Code{NotFound, Auth}, Mixed},
		{[]Code{Auth, Interrupted, OK}, Interrupted},
	}
	for _, c := range cases {
		var comb Combine
		for _, code := range c.codes {
			comb.Add(code)
		}
		if got := comb.Code(); got != c.want {
			t.Errorf("Combine(%v) = %v, want %v", c.codes, got, c.want)
		}
	}
}

func TestTableNumbersAreTheContract(t *testing.T) {
	want := map[Code]int{OK: 0, Unexpected: 1, Usage: 2, Config: 3, Auth: 4, Permission: 5, NotFound: 6,
		Conflict: 7, Invalid: 8, RateLimited: 9, Server: 10, Network: 11, Mixed: 12, OutputClosed: 13, StillLive: 14, Unverified: 15, Manual: 16, Interrupted: 130}
	if len(Table) != len(want) {
		t.Fatalf("table has %d entries, want %d", len(Table), len(want))
	}
	for code, n := range want {
		if int(code) != n {
			t.Errorf("%s = %d, want %d", code, int(code), n)
		}
	}
}
