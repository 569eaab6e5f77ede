package httpclient

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/keyctl/keyctl/internal/redact"
)

// DebugLog writes the --debug trace. Every line passes through the one
// scrubber (redact.Secrets.Lines: sanitized, scrubbed of credentials,
// bounded), and header values through the header masker, so neither a
// credential a server echoes back nor an escape sequence in a status line or
// header reaches the terminal.
type DebugLog struct {
	mu      sync.Mutex
	w       io.Writer
	secrets *redact.Secrets
}

var _ io.Writer = (*DebugLog)(nil)

// maxDebugLine bounds one trace line: a header of megabytes is cut.
const maxDebugLine = 4096

// NewDebugLog writes to w, scrubbing secrets.
func NewDebugLog(w io.Writer, secrets *redact.Secrets) *DebugLog {
	return &DebugLog{w: w, secrets: secrets}
}

// Write writes p, scrubbed, as one block.
func (d *DebugLog) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, err := io.WriteString(d.w, d.secrets.Lines(string(p), maxDebugLine))
	return len(p), err
}

// Printf writes one trace line.
func (d *DebugLog) Printf(format string, args ...any) {
	if d == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	if !strings.HasSuffix(line, "\n") {
		line += "\n"
	}
	_, _ = d.Write([]byte(line))
}

type debugTransport struct {
	next http.RoundTripper
	log  *DebugLog
}

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, redactURL(req.URL))
	writeHeaders(&b, "> ", req.Header)
	t.log.Printf("%s", b.String())
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		t.log.Printf("< error after %s: %v", elapsed, err)
		return resp, err
	}
	b.Reset()
	fmt.Fprintf(&b, "< %s %s (%s)\n", resp.Proto, resp.Status, elapsed)
	writeHeaders(&b, "< ", resp.Header)
	t.log.Printf("%s", b.String())
	return resp, nil
}

func writeHeaders(b *strings.Builder, prefix string, h http.Header) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, redact.HeaderValue(k, v))
		}
	}
}

// redactURL hides user:password in a URL.
func redactURL(u *url.URL) string {
	return u.Redacted()
}

// StdLog is where Go's standard logger writes under --debug: net/http
// reports there, for one, a server sending bytes after a complete response
// ("Unsolicited response received on idle HTTP channel starting with
// "…"; err=…"). Those bytes are withheld: they stop wherever the
// connection's buffer filled, so they can end in the head of an echoed
// credential that no scrubber can recognise, and Go's quoting disguises a
// credential holding quotes or backslashes.
func (d *DebugLog) StdLog() io.Writer { return stdLog{d} }

type stdLog struct{ d *DebugLog }

const startingWith = "starting with "

func (s stdLog) Write(p []byte) (int, error) {
	line := string(p)
	if i := strings.Index(line, startingWith+`"`); i >= 0 {
		rest, tail := line[i+len(startingWith):], "\n"
		if j := strings.LastIndex(rest, `"; err=`); j >= 0 {
			tail = rest[j+1:]
		}
		line = line[:i+len(startingWith)] + "bytes not shown" + tail
	}
	_, err := s.d.Write([]byte(line))
	return len(p), err
}
