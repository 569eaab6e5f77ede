package httpclient

import (
	"bytes"
	"log"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/redact"
)

// TestStdLogWithholdsUnsolicitedBytes: net/http logs the bytes a server
// sent after a complete response as far as its buffer held them, which can
// end in the head of an echoed credential ("…tok_S"), or quoted so that a
// credential with quotes or backslashes no longer matches. Under --debug
// the trace says that bytes came, never which.
func TestStdLogWithholdsUnsolicitedBytes(t *testing.T) {
	const secret = `tok"SECRET\1234567890`
	var secrets redact.Secrets
	secrets.Add(secret)
	for _, buffered := range []string{"HTTP/1.1 200 OK\r\nX-Echo: tok_SECR", "X" + secret} {
		var out bytes.Buffer
		logger := log.New(NewDebugLog(&out, &secrets).StdLog(), "", 0)
		logger.Printf("Unsolicited response received on idle HTTP channel starting with %q; err=%v", buffered, nil)
		got := out.String()
		for _, leak := range []string{"tok_S", "SECRET", "X-Echo"} {
			if strings.Contains(got, leak) {
				t.Errorf("trace shows %q: %s", leak, got)
			}
		}
		if !strings.Contains(got, "Unsolicited response") || !strings.Contains(got, "starting with bytes not shown; err=<nil>") {
			t.Errorf("trace %q, want the message with the byte count", got)
		}
	}
}
