package config

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
)

var errTooLong = errors.New("longer than the bound")

// readFileBounded reads at most max bytes of path (errTooLong if it holds
// more, having read max+1: /dev/zero costs nothing) and gives up when ctx is
// done. Opening and reading a FIFO or a stalled network file block in the
// kernel, where no signal reaches them, so they run in a goroutine that is
// abandoned on interruption: the process is about to exit.
func readFileBounded(ctx context.Context, path string, max int) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
		if err == nil && len(data) > max {
			err = errTooLong
		}
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// cappedBuffer keeps at most max bytes. Past that it drops the rest, or,
// with failOver, fails the write so the writer stops.
type cappedBuffer struct {
	buf      bytes.Buffer
	max      int
	failOver bool
	over     bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	room := b.max - b.buf.Len()
	if len(p) > room {
		b.over = true
		b.buf.Write(p[:max(room, 0)])
		if b.failOver {
			return max(room, 0), errTooLong
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *cappedBuffer) String() string { return b.buf.String() }
