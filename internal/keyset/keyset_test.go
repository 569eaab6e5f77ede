package keyset

import (
	"fmt"
	"testing"
)

func TestAddHas(t *testing.T) {
	s := New()
	const n = 60_000
	for i := range n {
		if !s.Add("lava", fmt.Sprint("k", i)) {
			t.Fatalf("key %d reported as present before it was added", i)
		}
	}
	for i := range n {
		if s.Add("lava", fmt.Sprint("k", i)) {
			t.Fatalf("key %d added twice", i)
		}
		if !s.Has("lava", fmt.Sprint("k", i)) {
			t.Fatalf("key %d missing", i)
		}
	}
	if s.Has("langwatch", "k1") || s.Has("lava", "k-1") || s.Has("lavak", "1") {
		t.Fatal("a key never added is present")
	}
	if s.Len() != n {
		t.Fatalf("Len = %d", s.Len())
	}
}

func BenchmarkAdd(b *testing.B) {
	s := New()
	i := 0
	for b.Loop() {
		s.Add("lava", fmt.Sprint("k", i))
		i++
	}
}
