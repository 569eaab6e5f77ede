//go:build unix

package audit

import (
	"os"
	"syscall"
)

// lock takes an exclusive advisory lock so another keyctl process appending
// to the same log waits for this batch to be written whole.
func lock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
