package revoke

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/keyctl/keyctl/internal/audit"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/input"
	"github.com/keyctl/keyctl/internal/keyset"
	engine "github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

// batch turns the command line and --from input into engine jobs, one per
// key named, each either sendable or already decided (malformed line,
// duplicate, revoked earlier per --resume, no credential).
type batch struct {
	opts    *RevokeOptions
	targets *targets
	seen    *keyset.Set
	resumed *audit.Revocations // nil without --resume
	// provider given on the command line, nil when lines name their own
	provider providers.Provider
}

// entries yields the keys named on the command line, then those of --from.
func (b *batch) entries(from io.Reader) iter.Seq[input.Entry] {
	return func(yield func(input.Entry) bool) {
		name := ""
		if b.provider != nil {
			name = b.provider.Info().Name
		}
		for _, id := range b.opts.IDs {
			if !yield(input.Entry{Provider: name, ID: id}) {
				return
			}
		}
		if from == nil {
			return
		}
		for e := range input.Entries(from, name) {
			if !yield(e) {
				return
			}
		}
	}
}

// jobs decides each entry.
func (b *batch) jobs(entries iter.Seq[input.Entry]) iter.Seq[engine.Job] {
	return func(yield func(engine.Job) bool) {
		for e := range entries {
			if !yield(b.job(e)) {
				return
			}
		}
	}
}

func (b *batch) job(e input.Entry) engine.Job {
	j := engine.Job{ID: e.ID, Line: e.Line}
	reject := func(state providers.State, code exit.Code, msg string) engine.Job {
		if e.Line > 0 && !strings.HasPrefix(msg, "line ") {
			msg = fmt.Sprintf("line %d: %s", e.Line, msg)
		}
		j.Reject = &engine.Rejection{ProviderName: e.Provider, State: state, Code: code, Message: msg}
		return j
	}
	if e.Err != "" {
		return reject(providers.Failed, exit.Usage, e.Err+"; nothing sent")
	}
	p, err := providers.Lookup(e.Provider)
	if err != nil {
		return reject(providers.Failed, exit.Usage, err.Error()+"; nothing sent")
	}
	j.Provider = p
	name := p.Info().Name
	if err := providers.ValidateID(e.ID); err != nil {
		return reject(providers.Failed, exit.Usage, err.Error()+"; nothing sent")
	}
	if !b.seen.Add(name, e.ID) {
		return reject(providers.Duplicate, exit.OK, "duplicate of an earlier entry; revoked once")
	}
	if b.seen.Len() == largeBatch {
		tightenGC()
	}
	tgt, err := b.targets.get(p)
	if err != nil {
		return reject(providers.Failed, cmdutil.ExitCode(err), err.Error())
	}
	// Only a revocation at this very target counts: the same key id in the
	// sandbox or behind another base URL is another key.
	if b.resumed != nil && b.resumed.Has(name, tgt.Place(), e.ID) {
		return reject(providers.Skipped, exit.OK, "already revoked at this base URL according to the audit log (--resume); not sent")
	}
	j.Target = tgt
	return j
}

// largeBatch is the size from which the set of seen keys dominates the heap.
const largeBatch = 100_000

// relaxGC lets the heap grow to three times what is live before a
// collection: a revocation run is short and its live heap small, so fewer
// collections buy throughput at the cost of a few megabytes. tightenGC takes
// over for large batches.
func relaxGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

// tightenGC makes the collector run at 25% heap growth instead of 100% once
// a batch is large, so a million keys stay within tens of megabytes. The key
// set holds no pointers, so the extra collections are cheap. A GOGC chosen
// by the user is left alone.
func tightenGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
}

// openFrom opens --from: "-" is standard input.
func openFrom(opts *RevokeOptions) (io.ReadCloser, error) {
	if opts.From == "" {
		return nil, nil
	}
	if opts.From == "-" {
		return io.NopCloser(opts.IO.In), nil
	}
	f, err := os.Open(opts.From)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, cmdutil.FlagErrorf("--from %s: no such file", opts.From)
		}
		return nil, cmdutil.FlagErrorf("--from: %v", err)
	}
	return f, nil
}

// stdinEntries reads standard input in its own goroutine so that, once the
// run is interrupted, a pipe that never closes cannot hold keyctl hostage:
// what arrives within drainGrace is reported as skipped, then reading stops
// and the number of the last line read is said on stderr.
func stdinEntries(ctx context.Context, entries iter.Seq[input.Entry], stopped func(line int)) iter.Seq[input.Entry] {
	const drainGrace = time.Second
	return func(yield func(input.Entry) bool) {
		ch := make(chan input.Entry, 1024)
		done := make(chan struct{})
		defer close(done)
		go func() {
			defer close(ch)
			for e := range entries {
				select {
				case ch <- e:
				case <-done:
					return
				}
			}
		}()
		var (
			cancelled = ctx.Done() // nil once seen, so the loop does not spin
			grace     <-chan time.Time
			last      int
		)
		for {
			select {
			case e, ok := <-ch:
				if !ok {
					return
				}
				last = max(last, e.Line)
				if !yield(e) {
					return
				}
			case <-cancelled:
				cancelled, grace = nil, time.After(drainGrace)
			case <-grace:
				stopped(last)
				return
			}
		}
	}
}
