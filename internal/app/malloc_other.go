//go:build !linux || !cgo

package app

// limitMallocArenas does nothing where the C library is not glibc's.
func limitMallocArenas(int) bool { return false }
