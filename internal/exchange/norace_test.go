//go:build !race

package exchange_test

// raceEnabled reports whether the race detector is on; it slows the reader ten-fold.
const raceEnabled = false
