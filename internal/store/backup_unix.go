//go:build unix

package store

import (
	"io/fs"
	"os"
	"syscall"
)

// chownLike gives path the owner and group of like.
func chownLike(path string, like fs.FileInfo) {
	if st, ok := like.Sys().(*syscall.Stat_t); ok {
		_ = os.Lchown(path, int(st.Uid), int(st.Gid))
	}
}
