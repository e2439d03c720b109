package app

import (
	"runtime/debug"
	"testing"
)

func TestParseMemoryLimit(t *testing.T) {
	for in, want := range map[string]int64{"128MiB": 128 << 20, "1GiB": 1 << 30, "512MB": 512e6, " 300000000 ": 300000000, "64 MiB": 64 << 20, "0": 0, "off": 0, "OFF": 0} {
		if got, err := ParseMemoryLimit(in); err != nil || got != want {
			t.Errorf("ParseMemoryLimit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "-5MiB", "12TB", "1.5GiB", "10MiB", "9223372036854775807GiB"} {
		if got, err := ParseMemoryLimit(in); err == nil {
			t.Errorf("ParseMemoryLimit(%q) = %d, want an error", in, got)
		}
	}
}

func TestApplyMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	if err := ApplyMemoryLimit("96MiB"); err != nil || debug.SetMemoryLimit(-1) != 96<<20 {
		t.Fatalf("96MiB: limit %d, %v", debug.SetMemoryLimit(-1), err)
	}
	if err := ApplyMemoryLimit("nonsense"); err == nil || debug.SetMemoryLimit(-1) != 96<<20 {
		t.Fatalf("a bad value changed the limit to %d (%v)", debug.SetMemoryLimit(-1), err)
	}
	if err := ApplyMemoryLimit("off"); err != nil || debug.SetMemoryLimit(-1) != int64(^uint64(0)>>1) {
		t.Fatalf("off: limit %d, %v", debug.SetMemoryLimit(-1), err)
	}
}
