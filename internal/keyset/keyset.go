// Package keyset is a compact set of (provider, id) pairs for batches of
// millions of keys: duplicates detection and --resume. Each key is kept as
// a 95-bit fingerprint in 12 bytes of a pointer-free array, so a million
// keys cost about 16 MB and nothing for the garbage collector to scan. A
// false match needs a 95-bit collision: about 1 in 10^16 for a million keys.
package keyset

import "hash/maphash"

const (
	shards      = 256
	initialCap  = 32
	maxLoadNum  = 17 // grow past 17/20 = 85% full
	maxLoadDen  = 20
	growthNum   = 3 // grow by 3/2: tighter than doubling at the same load
	growthDenom = 2
)

// Set is not safe for concurrent use.
type Set struct {
	seeds  [2]maphash.Seed
	shards [shards]shard
	n      int
}

// shard is an open-addressing table with linear probing. slots holds three
// uint32 per entry; an all-zero entry is empty (fingerprints never are).
type shard struct {
	slots []uint32
	n     int
}

// New returns an empty set.
func New() *Set {
	return &Set{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
}

type fingerprint [3]uint32

func (s *Set) fingerprint(provider, id string) fingerprint {
	var sums [2]uint64
	for i, seed := range s.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(provider)
		h.WriteByte(0)
		h.WriteString(id)
		sums[i] = h.Sum64()
	}
	return fingerprint{uint32(sums[0] >> 32), uint32(sums[0]), uint32(sums[1]) | 1}
}

// Add adds a key and reports whether it was new.
func (s *Set) Add(provider, id string) bool {
	f := s.fingerprint(provider, id)
	sh := &s.shards[f[0]>>24]
	if sh.slots == nil {
		sh.slots = make([]uint32, 3*initialCap)
	}
	if sh.find(f) >= 0 {
		return false
	}
	if (sh.n+1)*maxLoadDen > sh.capacity()*maxLoadNum {
		sh.grow()
	}
	sh.insert(f)
	s.n++
	return true
}

// Has reports whether the key is in the set.
func (s *Set) Has(provider, id string) bool {
	f := s.fingerprint(provider, id)
	sh := &s.shards[f[0]>>24]
	return sh.slots != nil && sh.find(f) >= 0
}

// Len is the number of keys.
func (s *Set) Len() int { return s.n }

func (sh *shard) capacity() int { return len(sh.slots) / 3 }

// home maps a fingerprint onto [0, capacity) without a power-of-two size.
func (sh *shard) home(f fingerprint) int {
	return int((uint64(f[1]) * uint64(sh.capacity())) >> 32)
}

func (sh *shard) find(f fingerprint) int {
	c := sh.capacity()
	for i := sh.home(f); ; i = (i + 1) % c {
		e := sh.slots[3*i : 3*i+3 : 3*i+3]
		switch {
		case e[2] == 0:
			return -1
		case e[0] == f[0] && e[1] == f[1] && e[2] == f[2]:
			return i
		}
	}
}

func (sh *shard) insert(f fingerprint) {
	c := sh.capacity()
	for i := sh.home(f); ; i = (i + 1) % c {
		if sh.slots[3*i+2] == 0 {
			copy(sh.slots[3*i:3*i+3], f[:])
			sh.n++
			return
		}
	}
}

func (sh *shard) grow() {
	old := sh.slots
	sh.slots = make([]uint32, 3*(sh.capacity()*growthNum/growthDenom+1))
	sh.n = 0
	for i := 0; i < len(old); i += 3 {
		if old[i+2] != 0 {
			sh.insert(fingerprint{old[i], old[i+1], old[i+2]})
		}
	}
}
