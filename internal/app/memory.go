package app

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// DefaultMemoryLimit is the soft limit of the Go runtime's memory a server keeps to unless
// told otherwise: without a limit the collector lets the heap grow to twice its peak and
// returns pages slowly (on kommun-L the server held 300 MB after a load run; with 128 MiB,
// 200 MB, SQLite's caches included, at the same throughput). It is a soft limit: above it the
// collector works harder, nothing fails.
const DefaultMemoryLimit = "128MiB"

// ParseMemoryLimit reads a size such as 128MiB, 1GiB, 512MB or 300000000 (bytes); 0 or off
// means no limit (0 returned).
func ParseMemoryLimit(v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "0" || strings.EqualFold(v, "off") {
		return 0, nil
	}
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult, num := int64(1), v
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			mult, num = u.mult, strings.TrimSpace(strings.TrimSuffix(v, u.suffix))
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("memory limit %q: want a size such as 128MiB or 1GiB, or off", v)
	}
	if n*mult < 32<<20 {
		return 0, fmt.Errorf("memory limit %q: below 32 MiB the server would spend its time collecting", v)
	}
	return n * mult, nil
}

// MallocArenas is how many malloc arenas the C side keeps (glibc's MALLOC_ARENA_MAX, which
// stands when set). glibc gives each thread that makes a cgo call under contention an arena
// of its own, up to eight per core, and each keeps what it once held: on kommun-L the C side
// held about 195 MB after a load run with glibc's default, 77 MB with two (BENCHMARKS.md,
// sixth run), at the same throughput.
const MallocArenas = 2

// LimitMallocArenas caps the C side's malloc arenas at MallocArenas unless the operator set
// them (MALLOC_ARENA_MAX, or glibc.malloc.arena_max in GLIBC_TUNABLES); call it before the
// database is opened. It reports whether the cap was set (false where the C library is not
// glibc's, or the operator decides).
func LimitMallocArenas() bool {
	if os.Getenv("MALLOC_ARENA_MAX") != "" || strings.Contains(os.Getenv("GLIBC_TUNABLES"), "glibc.malloc.arena_max") {
		return false
	}
	return limitMallocArenas(MallocArenas)
}

// ApplyMemoryLimit sets the Go runtime's soft memory limit to v (see ParseMemoryLimit); off
// removes it.
func ApplyMemoryLimit(v string) error {
	n, err := ParseMemoryLimit(v)
	if err != nil {
		return err
	}
	if n == 0 {
		n = int64(^uint64(0) >> 1) // math.MaxInt64: no limit
	}
	debug.SetMemoryLimit(n)
	return nil
}
