//go:build !linux || !cgo

package app

// haveGlibc is false: no glibc arenas to cap.
const haveGlibc = false

// limitMallocArenas does nothing where the C library is not glibc's.
func limitMallocArenas(int) bool { return false }
