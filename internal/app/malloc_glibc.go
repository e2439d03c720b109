//go:build linux && cgo

package app

/*
#include <stdlib.h> // defines __GLIBC__ where the C library is glibc's
#ifdef __GLIBC__
#include <malloc.h>
#endif

static int have_glibc(void) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	return 1;
#else
	return 0;
#endif
}

// limit_arenas caps glibc's malloc arenas at n; elsewhere (musl) it does nothing.
static int limit_arenas(int n) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	return mallopt(M_ARENA_MAX, n);
#else
	return 0;
#endif
}
*/
import "C"

// haveGlibc reports whether the C library is glibc's, whose arenas can be capped.
var haveGlibc = C.have_glibc() == 1

// limitMallocArenas caps the malloc arenas of the C side (SQLite's caches and statements) at
// n, as MALLOC_ARENA_MAX=n would; it reports whether the C library took it.
func limitMallocArenas(n int) bool { return C.limit_arenas(C.int(n)) == 1 }
