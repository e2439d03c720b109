package app

import (
	"runtime"
	"testing"
)

// The server caps the C side's malloc arenas itself, unless MALLOC_ARENA_MAX decides.
func TestLimitMallocArenas(t *testing.T) {
	t.Setenv("MALLOC_ARENA_MAX", "4")
	if LimitMallocArenas() {
		t.Error("capped the arenas although MALLOC_ARENA_MAX is set")
	}
	t.Setenv("MALLOC_ARENA_MAX", "")
	if got := LimitMallocArenas(); runtime.GOOS == "linux" && !got {
		t.Error("glibc's arenas not capped") // Debian's glibc, as in CI and the container image
	}
}
