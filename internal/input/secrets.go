package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Secret is one leaked secret named by the input.
type Secret struct {
	Line     int
	Provider string // "" when the provider is to be detected
	Secret   string
	Err      string // why the line could not be read; never holds the secret
}

// Secrets reads leaked secrets lazily, one per line: the secret alone, or
// "PROVIDER SECRET" when the first of two fields is in known (without a
// provider argument). Blank lines and #-comments are skipped, whitespace is
// trimmed, CRLF works. An error never quotes the line: it is a secret.
func Secrets(r io.Reader, provider string, known func(name string) bool) iter.Seq[Secret] {
	return func(yield func(Secret) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		for n := 1; ; n++ {
			line, tooLong, err := readLine(br)
			if n == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			}
			if s, ok := secretEntry(n, line, tooLong, provider, known); ok && !yield(s) {
				return
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					yield(Secret{Line: n, Err: fmt.Sprintf("reading input after line %d: %v", n, err)})
				}
				return
			}
		}
	}
}

func secretEntry(n int, raw []byte, tooLong bool, provider string, known func(string) bool) (Secret, bool) {
	s := Secret{Line: n, Provider: provider}
	if tooLong {
		s.Err = fmt.Sprintf("line %d: longer than %d bytes", n, MaxLine)
		return s, true
	}
	line := strings.TrimSpace(string(raw))
	if line == "" || strings.HasPrefix(line, "#") {
		return s, false
	}
	fields := strings.Fields(line)
	if len(fields) == 3 && provider == "" && strings.EqualFold(fields[0], "aws") && awsKeyID(fields[1]) {
		s.Provider, fields = "aws", fields[1:]
	}
	if len(fields) == 2 && awsKeyID(fields[0]) {
		// An AWS key pair as "AKID SECRET": no provider's name has the
		// shape of a key id, so the line reads one way only.
		line, fields = fields[0]+":"+fields[1], nil
	}
	if len(fields) == 2 && provider == "" && known != nil && known(strings.ToLower(fields[0])) {
		s.Provider, line = strings.ToLower(fields[0]), fields[1]
	} else if len(fields) > 1 {
		s.Err = fmt.Sprintf("line %d: a secret holds no spaces; give one secret per line (or \"PROVIDER SECRET\")", n)
		return s, true
	}
	s.Secret = line
	return s, true
}

// awsKeyID reports whether s has the shape of an AWS access key id: the
// documented prefixes AKIA (long-term) or ASIA (temporary), then 12 to 124
// letters, digits or underscores (IAM's accessKeyIdType).
func awsKeyID(s string) bool {
	if len(s) < 16 || len(s) > 128 || !(strings.HasPrefix(s, "AKIA") || strings.HasPrefix(s, "ASIA")) {
		return false
	}
	for _, r := range s[4:] {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
