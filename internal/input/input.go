// Package input streams (provider, id) pairs out of a batch file without
// holding it in memory: one id per line when the provider is known, else
// "PROVIDER ID", "PROVIDER,ID" or JSON Lines {"provider": …, "id": …}.
// Blank lines and #-comments are skipped, whitespace is trimmed, CRLF works.
// A malformed line becomes an Entry with Err set; reading goes on.
package input

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// MaxLine bounds one input line; a longer one is reported and skipped.
const MaxLine = 64 << 10

// Entry is one key named by the input.
type Entry struct {
	Line     int
	Provider string
	ID       string
	Err      string // why the line could not be read as a key
}

// Entries reads r lazily. provider, when set, is the provider of every line.
func Entries(r io.Reader, provider string) iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		for n := 1; ; n++ {
			line, tooLong, err := readLine(br)
			if n == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
			}
			if e, ok := entry(n, line, tooLong, provider); ok && !yield(e) {
				return
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					yield(Entry{Line: n, Err: fmt.Sprintf("reading input after line %d: %v", n, err)})
				}
				return
			}
		}
	}
}

// entry reads one line; ok is false for blank and comment lines.
func entry(n int, line []byte, tooLong bool, provider string) (Entry, bool) {
	if tooLong {
		return Entry{Line: n, Err: fmt.Sprintf("line %d: longer than %d bytes", n, MaxLine)}, true
	}
	if len(line) == 0 {
		return Entry{}, false
	}
	e, skip := parse(n, string(line), provider)
	return e, !skip
}

// readLine returns the next line without its newline. A line longer than
// MaxLine is consumed and reported as tooLong.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLine+2 {
			tooLong = true
		} else {
			buf = append(buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			return nil, true, err
		}
		return bytes.TrimRight(buf, "\r\n"), false, err
	}
}

func parse(n int, raw, provider string) (e Entry, skip bool) {
	e.Line = n
	line := strings.TrimSpace(raw)
	if line == "" || strings.HasPrefix(line, "#") {
		return e, true
	}
	if strings.HasPrefix(line, "{") {
		var v struct {
			Provider *string `json:"provider"`
			ID       *string `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			e.Err = fmt.Sprintf("line %d: not valid JSON: %v", n, err)
			return e, false
		}
		if v.ID == nil {
			e.Err = fmt.Sprintf("line %d: JSON object without \"id\"", n)
			return e, false
		}
		e.ID = *v.ID
		switch {
		case v.Provider != nil && provider != "" && !strings.EqualFold(*v.Provider, provider):
			e.Err = fmt.Sprintf("line %d: provider %q differs from the %q given on the command line", n, *v.Provider, provider)
		case v.Provider != nil:
			e.Provider = strings.ToLower(strings.TrimSpace(*v.Provider))
		case provider != "":
			e.Provider = provider
		default:
			e.Err = fmt.Sprintf("line %d: JSON object without \"provider\" (or give the provider as an argument)", n)
		}
		return e, false
	}
	if provider != "" {
		e.Provider, e.ID = provider, line
		return e, false
	}
	name, id, ok := splitPair(line)
	if !ok {
		e.Err = fmt.Sprintf("line %d: expected \"PROVIDER ID\", \"PROVIDER,ID\" or JSON (or give the provider as an argument)", n)
		e.ID = line
		return e, false
	}
	e.Provider, e.ID = strings.ToLower(name), id
	return e, false
}

// splitPair splits "PROVIDER ID" or "PROVIDER,ID".
func splitPair(line string) (provider, id string, ok bool) {
	i := strings.IndexAny(line, ", \t")
	if i <= 0 {
		return "", "", false
	}
	provider, id = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
	if line[i] != ',' {
		id = strings.TrimLeft(id, ", \t")
	}
	return provider, id, id != ""
}
