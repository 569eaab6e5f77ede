package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// AmbiguousError says a report could be one of several formats.
type AmbiguousError struct {
	Candidates []Format
	Why        string
}

func (e *AmbiguousError) Error() string {
	names := formatList(e.Candidates)
	if i := strings.LastIndex(names, ", "); i >= 0 {
		names = names[:i] + " or " + names[i+2:]
	}
	return fmt.Sprintf("cannot tell the report's format: %s, so it could be %s; name it with --format", e.Why, names)
}

// Fields only Betterleaks writes (report/finding.go), against gitleaks'.
var betterleaksOnly = []string{"MatchContext", "CaptureGroups", "Attributes", "RequiredSets", "ValidationStatus", "ValidationReason", "ValidationMeta"}

// Detect peeks at the start of a report, consuming nothing, and names its
// format from the first finding's field names. gitleaks and Betterleaks
// write the same fields; a report carrying none of Betterleaks' own fields
// is called gitleaks, which reads it the same way.
func Detect(r *bufio.Reader) (Format, error) {
	head, err := r.Peek(r.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) && len(head) == 0 {
		return "", fmt.Errorf("reading the report: %w", err)
	}
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) == 0 {
		return "", errors.New("the report is empty")
	}
	var first []byte
	switch head[0] {
	case '[':
		rest := bytes.TrimLeft(head[1:], " \t\r\n")
		if len(rest) > 0 && rest[0] == ']' {
			return "", &AmbiguousError{Why: "it is an empty JSON array",
				Candidates: []Format{Gitleaks, Betterleaks, Kingfisher, GitHubSecretScanning}}
		}
		first = rest
	case '{':
		first = head
	default:
		return "", errors.New("the report is not JSON (it should start with [ or {); name its format with --format")
	}
	keys := firstKeys(first)
	has := func(names ...string) bool {
		for _, n := range names {
			if keys[n] {
				return true
			}
		}
		return false
	}
	switch {
	case has("RuleID"):
		if has(betterleaksOnly...) {
			return Betterleaks, nil
		}
		return Gitleaks, nil
	case has("DetectorName", "DetectorType", "SourceMetadata"):
		return TruffleHog, nil
	case has("rule", "finding", "findings", "matches"):
		return Kingfisher, nil
	case has("secret_type"):
		return GitHubSecretScanning, nil
	}
	return "", fmt.Errorf("the report's first record matches none of the known formats (%s); name its format with --format", formatList(Formats()))
}

// firstKeys returns the member names of the object at the start of b,
// which may be cut short: names read before the cut count.
func firstKeys(b []byte) map[string]bool {
	keys := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return keys
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, ok := t.(string)
		if !ok {
			return keys
		}
		keys[k] = true
		if skipValue(dec) != nil {
			return keys
		}
	}
	return keys
}

func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
