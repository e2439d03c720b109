package app

import "testing"

// The server caps the C side's malloc arenas itself, unless the operator decides.
func TestLimitMallocArenas(t *testing.T) {
	t.Setenv("MALLOC_ARENA_MAX", "4")
	if LimitMallocArenas() {
		t.Error("capped the arenas although MALLOC_ARENA_MAX is set")
	}
	t.Setenv("MALLOC_ARENA_MAX", "")
	t.Setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=8")
	if LimitMallocArenas() {
		t.Error("capped the arenas although GLIBC_TUNABLES sets them")
	}
	t.Setenv("GLIBC_TUNABLES", "")
	if !haveGlibc {
		t.Skip("not glibc: no arenas to cap") // Debian's glibc in CI and the container image
	}
	if !LimitMallocArenas() {
		t.Error("glibc's arenas not capped")
	}
}
