// Package audit appends every result to a JSON Lines log: what happened to
// which key, when, by whom, never with a credential. A batch of results is
// written with one write under an exclusive lock and synced before the
// results are reported, so a crash loses nothing already shown and
// concurrent keyctl processes never interleave partial lines.
package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"time"

	"github.com/keyctl/keyctl/internal/build"
	"github.com/keyctl/keyctl/internal/keyset"
	"github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

// Record is one line of the audit log.
type Record struct {
	Time     time.Time `json:"time"`
	Provider string    `json:"provider"`
	ID       string    `json:"id"`
	// Where the key was sent (base URL without userinfo, account
	// parameters, sandbox or not): --resume skips a key only when it was
	// revoked at the same place. Absent for keys never sent.
	BaseURL    string            `json:"base_url,omitempty"`
	Params     map[string]string `json:"params,omitempty"`
	Sandbox    bool              `json:"sandbox,omitempty"`
	Outcome    string            `json:"outcome"`
	HTTPStatus int               `json:"http_status"`
	ExitCode   int               `json:"exit_code"`
	Attempts   int               `json:"attempts"`
	Message    string            `json:"message"`
	DurationMS int64             `json:"duration_ms"`
	RequestID  string            `json:"request_id,omitempty"`
	Version    string            `json:"keyctl_version"`
	User       string            `json:"user"`
	Host       string            `json:"host"`
}

// DefaultPath is $XDG_STATE_HOME/keyctl/audit.jsonl (~/.local/state when
// unset; the local app data directory on Windows).
func DefaultPath() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		if runtime.GOOS == "windows" {
			dir = os.Getenv("LOCALAPPDATA")
		} else if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".local", "state")
		}
	}
	return filepath.Join(dir, "keyctl", "audit.jsonl")
}

// Log is an open audit log.
type Log struct {
	f          *os.File
	user, host string
	buf        bytes.Buffer
	enc        *json.Encoder
	now        func() time.Time
	torn       bool // the file ends in a partial line (a crash): start on a new one
}

// endsTorn reports whether the file ends without a newline.
func endsTorn(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.Size() == 0 {
		return false
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, info.Size()-1); err != nil {
		return false
	}
	return last[0] != '\n'
}

// Open opens path for appending, creating it (and its directory) private
// to the user.
func Open(path string) (*Log, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	l := &Log{f: f, user: currentUser(), now: time.Now, torn: endsTorn(path)}
	l.enc = json.NewEncoder(&l.buf)
	l.enc.SetEscapeHTML(false)
	l.host, _ = os.Hostname()
	return l, nil
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

// Append writes results and syncs them to disk before returning. Dry-run
// results are not recorded: the log is the record of what was done.
func (l *Log) Append(results []revoke.Result) error {
	l.buf.Reset()
	if l.torn {
		l.buf.WriteByte('\n')
	}
	now := l.now().UTC()
	for _, r := range results {
		if r.Outcome == providers.DryRun {
			continue
		}
		rec := Record{
			Time: now, Provider: r.Provider, ID: r.ID, Outcome: string(r.Outcome), HTTPStatus: r.HTTPStatus,
			BaseURL: r.Place.BaseURL, Params: r.Place.Params, Sandbox: r.Place.Sandbox,
			ExitCode: int(r.ExitCode), Attempts: r.Attempts, Message: r.Message, DurationMS: r.DurationMS, RequestID: r.RequestID,
			Version: build.Version, User: l.user, Host: l.host,
		}
		if err := l.enc.Encode(rec); err != nil {
			return err
		}
	}
	if l.buf.Len() == 0 {
		return nil
	}
	if err := lock(l.f); err != nil {
		return fmt.Errorf("audit log: lock: %w", err)
	}
	defer unlock(l.f)
	if _, err := l.f.Write(l.buf.Bytes()); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log: sync: %w", err)
	}
	l.torn = false
	return nil
}

// Close closes the file.
func (l *Log) Close() error { return l.f.Close() }

// Revocations are the keys an audit log shows as revoked or already
// revoked, each at the place it was revoked.
type Revocations struct {
	set *keyset.Set
	// Unreadable counts lines that were skipped: torn by a crash, not
	// JSON, or longer than MaxLine.
	Unreadable int
}

// Has reports whether the log shows provider's key id revoked at place.
func (r *Revocations) Has(provider string, place providers.Place, id string) bool {
	return r.set.Has(resumeKey(provider, place), id)
}

// Len is the number of revocations read.
func (r *Revocations) Len() int { return r.set.Len() }

func resumeKey(provider string, place providers.Place) string {
	return provider + "\x00" + place.Key()
}

// MaxLine is the longest audit line --resume reads; a longer one (which no
// record of keyctl's should be) is skipped without holding it in memory.
const MaxLine = 1 << 20

// Revoked reads an audit log and returns the keys it shows as revoked or
// already revoked, with where. A missing log is empty. Lines it cannot use
// are skipped and counted, never fatal: a torn line after a crash, a line
// over MaxLine, a line that is not JSON. Records without a base URL (written
// before records named the place) match no place: their keys are sent again,
// which is safe, rather than skipped on a guess.
func Revoked(path string) (*Revocations, error) {
	revs := &Revocations{set: keyset.New()}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return revs, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	rd := bufio.NewReaderSize(f, 64<<10)
	var long []byte // a line longer than the reader's buffer, up to MaxLine
	for {
		chunk, err := rd.ReadSlice('\n')
		switch {
		case err == bufio.ErrBufferFull:
			if len(long)+len(chunk) > MaxLine {
				revs.Unreadable++
				if err := skipLine(rd); err != nil {
					return nil, readErr(path, err)
				}
				long = nil
				continue
			}
			long = append(long, chunk...)
			continue
		case err != nil && err != io.EOF:
			return nil, readErr(path, err)
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			revs.add(line)
		}
		if err == io.EOF {
			return revs, nil
		}
	}
}

func (r *Revocations) add(line []byte) {
	var rec struct {
		Provider string            `json:"provider"`
		ID       string            `json:"id"`
		Outcome  string            `json:"outcome"`
		BaseURL  string            `json:"base_url"`
		Params   map[string]string `json:"params"`
		Sandbox  bool              `json:"sandbox"`
	}
	if len(line) > MaxLine || json.Unmarshal(line, &rec) != nil {
		r.Unreadable++
		return
	}
	if rec.BaseURL == "" {
		return // an old record: where it was revoked is unknown
	}
	if rec.Outcome == string(providers.Revoked) || rec.Outcome == string(providers.AlreadyRevoked) || rec.Outcome == string(providers.Confirmed) || rec.Outcome == string(providers.Dead) {
		place := providers.Place{BaseURL: rec.BaseURL, Params: rec.Params, Sandbox: rec.Sandbox}
		r.set.Add(resumeKey(rec.Provider, place), rec.ID)
	}
}

// skipLine discards the rest of the current line.
func skipLine(rd *bufio.Reader) error {
	for {
		_, err := rd.ReadSlice('\n')
		switch err {
		case bufio.ErrBufferFull:
			continue
		case io.EOF, nil:
			return nil
		default:
			return err
		}
	}
}

func readErr(path string, err error) error {
	return fmt.Errorf("audit log %s: %w", path, err)
}
