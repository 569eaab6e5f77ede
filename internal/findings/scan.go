package findings

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// MaxRecordBytes bounds one record (one finding's JSON object). A larger
// record is skipped byte by byte, never held whole, and becomes a finding
// with Err; reading goes on after it.
const MaxRecordBytes = 1 << 20

// The scanner splits a report into records without decoding it: it follows
// strings and nesting one byte at a time, keeps at most MaxRecordBytes of a
// record, and copies everything between records (brackets, commas, white
// space, a Kingfisher envelope's other members) to out when annotating. So
// memory does not grow with the report, and the annotated report keeps the
// report's own layout around the records.
//
// Records are: the elements of a top-level array (gitleaks, Betterleaks,
// GitHub; several arrays one after another, as `gh api --paginate` writes
// them, work too), top-level objects (JSON Lines: TruffleHog, Kingfisher
// JSONL), and the elements of the "findings" array of a top-level object
// whose first member is "findings" (Kingfisher's JSON envelope).
type scanner struct {
	r   *bufio.Reader
	out *bufio.Writer // nil when only reading

	off      int64 // bytes consumed so far
	records  int   // records started so far, for messages (1-based)
	envelope bool  // look for Kingfisher's {"findings": [...]} envelope
	lines    bool  // JSON Lines: a top-level record never spans lines
	stack    []frame
	done     bool
	buf      []byte // reused for each record: a record's bytes live until the next call
}

type frameKind byte

const (
	frameArray    frameKind = '[' // an array whose elements are records
	frameEnvelope frameKind = '{' // an envelope object after its findings: members pass through
)

type frameState byte

const (
	stFirst     frameState = iota // just opened
	stAfterElem                   // after an element: ',' or the closer
	stAfterSep                    // after ',': an element
)

type frame struct {
	kind  frameKind
	state frameState
}

type eventKind int

const (
	evEnd eventKind = iota
	evRecord
	evOversize
	evMalformed
)

// event is one thing the scanner found. For evMalformed, fatal says the
// scanner stopped; sep and closers are what an annotated report needs
// around a replacement to stay valid JSON.
type event struct {
	kind    eventKind
	raw     []byte // evRecord: the record's bytes
	record  int    // the record's number, 1-based
	offset  int64  // where the record or the fault starts
	size    int64  // evOversize: the record's size
	msg     string // evMalformed: what is wrong; never any of the bytes
	fatal   bool
	sep     string
	member  bool // a replacement goes inside an object, as a member
	closers string
}

var (
	errLineBreak = errors.New("line ends inside the record")
	errNotJSON   = errors.New("not JSON")
)

func newScanner(r io.Reader, out *bufio.Writer, f Format) *scanner {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	s := &scanner{r: br, out: out, envelope: f == Kingfisher, lines: f == TruffleHog}
	// A UTF-8 byte order mark (Windows editors) is dropped.
	if b, err := br.Peek(3); err == nil && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		br.Discard(3)
		s.off = 3
	}
	return s
}

func (s *scanner) write(b byte) {
	if s.out != nil {
		s.out.WriteByte(b)
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// peekNonSpace passes white space through and returns the next byte
// without consuming it.
func (s *scanner) peekNonSpace() (byte, error) {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return 0, err
		}
		if !isSpace(b) {
			s.r.UnreadByte()
			return b, nil
		}
		s.off++
		s.write(b)
	}
}

func (s *scanner) consume(pass bool) byte {
	b, _ := s.r.ReadByte()
	s.off++
	if pass {
		s.write(b)
	}
	return b
}

// fail stops the scanner with a fatal fault.
func (s *scanner) fail(offset int64, msg string) event {
	s.done = true
	ev := event{kind: evMalformed, offset: offset, msg: msg, fatal: true, record: s.records}
	if n := len(s.stack); n > 0 {
		ev.member = s.stack[n-1].kind == frameEnvelope
		if s.stack[n-1].state == stAfterElem {
			ev.sep = ","
		}
	}
	for i := len(s.stack) - 1; i >= 0; i-- {
		if s.stack[i].kind == frameArray {
			ev.closers += "]"
		} else {
			ev.closers += "}"
		}
	}
	return ev
}

func (s *scanner) readFault(err error) event {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return s.fail(s.off, fmt.Sprintf("the report ends at byte %d inside an unclosed array or object; it looks cut short", s.off))
	}
	return s.fail(s.off, fmt.Sprintf("reading the report failed at byte %d: %v", s.off, err))
}

// next returns the next event; evEnd once the report is exhausted.
func (s *scanner) next() event {
	for !s.done {
		if len(s.stack) == 0 {
			b, err := s.peekNonSpace()
			if err == io.EOF {
				s.done = true
				break
			}
			if err != nil {
				return s.readFault(err)
			}
			switch b {
			case '[':
				s.consume(true)
				s.stack = append(s.stack, frame{kind: frameArray})
				continue
			case '{':
				if s.envelope {
					if ev, ok := s.topObject(); ok {
						return ev
					}
					continue
				}
				return s.record()
			default:
				// Not JSON at all here. At the top level a report can go on
				// after the bad line (JSON Lines), so skip to the line's end.
				start := s.off
				s.records++
				if err := s.skipLine(); err != nil && err != io.EOF {
					return s.readFault(err)
				}
				return event{kind: evMalformed, record: s.records, offset: start,
					msg: fmt.Sprintf("record %d at byte %d is not JSON (expected an object or an array); the line was skipped", s.records, start)}
			}
		}

		top := &s.stack[len(s.stack)-1]
		b, err := s.peekNonSpace()
		if err != nil {
			return s.readFault(err)
		}
		if top.kind == frameEnvelope {
			if ev, ok := s.envelopeMember(top, b); ok {
				return ev
			}
			continue
		}
		switch {
		case b == ']' && top.state != stAfterSep:
			s.consume(true)
			s.stack = s.stack[:len(s.stack)-1]
			if n := len(s.stack); n > 0 {
				s.stack[n-1].state = stAfterElem
			}
		case top.state == stAfterElem && b == ',':
			s.consume(true)
			top.state = stAfterSep
		case top.state == stAfterElem:
			return s.fail(s.off, fmt.Sprintf("malformed JSON at byte %d after record %d: expected ',' or ']'; the rest of the report was not read", s.off, s.records))
		default:
			return s.record()
		}
	}
	return event{kind: evEnd}
}

// record captures one record at the current position.
func (s *scanner) record() event {
	start := s.off
	s.records++
	raw, size, over, err := s.capture(nil, 0)
	return s.recordEvent(start, raw, size, over, err)
}

func (s *scanner) recordEvent(start int64, raw []byte, size int64, over bool, err error) event {
	switch {
	case errors.Is(err, errLineBreak):
		return event{kind: evMalformed, record: s.records, offset: start,
			msg: fmt.Sprintf("record %d at byte %d is cut short: its line ends before the JSON value does", s.records, start)}
	case errors.Is(err, errNotJSON):
		if len(s.stack) == 0 {
			if err := s.skipLine(); err != nil && err != io.EOF {
				return s.readFault(err)
			}
			return event{kind: evMalformed, record: s.records, offset: start,
				msg: fmt.Sprintf("record %d at byte %d is not JSON; the line was skipped", s.records, start)}
		}
		return s.fail(start, fmt.Sprintf("malformed JSON at byte %d (record %d); the rest of the report was not read", start, s.records))
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return s.fail(start, fmt.Sprintf("record %d at byte %d: the report ends inside it; it looks cut short and the record was not read", s.records, start))
	case err != nil:
		return s.readFault(err)
	}
	if n := len(s.stack); n > 0 {
		s.stack[n-1].state = stAfterElem
	}
	if over {
		return event{kind: evOversize, record: s.records, offset: start, size: size}
	}
	return event{kind: evRecord, raw: raw, record: s.records, offset: start}
}

// topObject reads the start of a top-level object to tell a Kingfisher
// envelope from a record. ok is false when it opened an envelope and the
// caller should go on scanning.
func (s *scanner) topObject() (event, bool) {
	start := s.off
	s.consume(false)
	prefix := []byte{'{'}
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			s.records++
			return s.recordEvent(start, nil, 0, false, err), true
		}
		if !isSpace(b) {
			s.r.UnreadByte()
			break
		}
		s.off++
		prefix = append(prefix, b)
	}
	b, _ := s.r.Peek(1)
	if len(b) == 1 && b[0] == '"' {
		// The first key decides. A key longer than "findings" cannot be it.
		key, err := s.r.Peek(len(`"findings"`))
		if err == nil && string(key) == `"findings"` {
			s.r.Discard(len(key))
			s.off += int64(len(key))
			prefix = append(prefix, key...)
			colon := false
			for {
				c, err := s.r.ReadByte()
				if err != nil {
					s.records++
					return s.recordEvent(start, nil, 0, false, err), true
				}
				s.off++
				prefix = append(prefix, c)
				if isSpace(c) || (c == ':' && !colon) {
					colon = colon || c == ':'
					continue
				}
				if c == '[' && colon {
					// An envelope: what was read passes through as is.
					if s.out != nil {
						s.out.Write(prefix)
					}
					s.stack = append(s.stack, frame{kind: frameEnvelope, state: stAfterElem}, frame{kind: frameArray})
					return event{}, false
				}
				// Not an array: give the value's first byte back so the
				// capture below sees the value whole.
				s.r.UnreadByte()
				s.off--
				prefix = prefix[:len(prefix)-1]
				break
			}
		}
	}
	// A plain record: go on capturing it from what was read so far.
	s.records++
	raw, size, over, err := s.capture(prefix, 1)
	return s.recordEvent(start, raw, size, over, err), true
}

// envelopeMember passes one member of an envelope (after its findings
// array) through, or closes the envelope.
func (s *scanner) envelopeMember(top *frame, b byte) (event, bool) {
	switch {
	case b == '}':
		s.consume(true)
		s.stack = s.stack[:len(s.stack)-1]
		return event{}, false
	case b == ',' && top.state == stAfterElem:
		s.consume(true)
		top.state = stAfterSep
		return event{}, false
	case b == '"' && top.state == stAfterSep:
		// The member is read whole before any of it is written, so that a
		// report cut inside it still gets a valid annotated report.
		at := s.off
		key, _, over, err := s.capture(nil, 0)
		if err != nil || over {
			return s.memberFault(at, err), true
		}
		m := append([]byte(nil), key...)
		colon := false
		for {
			c, err := s.r.ReadByte()
			if err != nil {
				return s.memberFault(at, err), true
			}
			if !isSpace(c) && (c != ':' || colon) {
				s.r.UnreadByte()
				break
			}
			s.off++
			colon = colon || c == ':'
			m = append(m, c)
		}
		if !colon {
			return s.fail(s.off, fmt.Sprintf("malformed JSON at byte %d in the report's envelope: expected ':'; the rest of the report was not read", s.off)), true
		}
		val, size, over, err := s.capture(nil, 0)
		if err != nil {
			return s.memberFault(at, err), true
		}
		if s.out != nil {
			s.out.Write(m)
			if over {
				// Report metadata too large to hold: left out, and said so.
				fmt.Fprintf(s.out, `{"keyctl":"this member of %d bytes is left out of the annotated report"}`, size)
			} else {
				s.out.Write(val)
			}
		}
		top.state = stAfterElem
		return event{}, false
	}
	return s.fail(s.off, fmt.Sprintf("malformed JSON at byte %d in the report's envelope; the rest of the report was not read", s.off)), true
}

// memberFault stops at a fault inside an envelope member.
func (s *scanner) memberFault(at int64, err error) event {
	if errors.Is(err, errNotJSON) {
		return s.fail(at, fmt.Sprintf("malformed JSON at byte %d in the report's envelope; the rest of the report was not read", at))
	}
	if err == nil {
		return s.fail(at, fmt.Sprintf("a member name at byte %d in the report's envelope is over %d bytes; the rest of the report was not read", at, MaxRecordBytes))
	}
	return s.readFault(err)
}

// capture reads one JSON value, keeping at most MaxRecordBytes of it;
// over says it was larger, and then nothing of it is kept. prefix and depth
// continue a value whose start was already read. It checks only what it
// needs to find the value's end; the record's decoder checks the rest.
func (s *scanner) capture(prefix []byte, depth int) (raw []byte, size int64, over bool, err error) {
	buf := append(s.buf[:0], prefix...)
	defer func() {
		if cap(buf) <= 64<<10 {
			s.buf = buf[:0] // keep a small buffer; a large one goes back to the GC
		}
	}()
	size = int64(len(prefix))
	add := func(b byte) {
		size++
		if over {
			return
		}
		if size > MaxRecordBytes {
			over = true
			buf = nil
			return
		}
		buf = append(buf, b)
	}
	topLevel := len(s.stack) == 0

	if depth == 0 {
		b, err := s.r.ReadByte()
		if err != nil {
			return nil, size, over, err
		}
		s.off++
		switch {
		case b == '{' || b == '[':
			depth = 1
			add(b)
		case b == '"':
			add(b)
			if err := s.walkString(add, topLevel); err != nil {
				return nil, size, over, err
			}
			return buf, size, over, nil
		case b == '-' || (b >= '0' && b <= '9') || b == 't' || b == 'f' || b == 'n':
			add(b)
			for {
				c, err := s.r.ReadByte()
				if err == io.EOF {
					return buf, size, over, nil
				}
				if err != nil {
					return nil, size, over, err
				}
				if isSpace(c) || c == ',' || c == ']' || c == '}' {
					s.r.UnreadByte()
					return buf, size, over, nil
				}
				s.off++
				add(c)
			}
		default:
			s.r.UnreadByte()
			s.off--
			return nil, size, over, errNotJSON
		}
	}

	for depth > 0 {
		b, err := s.r.ReadByte()
		if err != nil {
			return nil, size, over, err
		}
		if b == '\n' && topLevel && s.lines {
			s.r.UnreadByte()
			return nil, size, over, errLineBreak
		}
		s.off++
		add(b)
		switch b {
		case '"':
			if err := s.walkString(add, topLevel); err != nil {
				return nil, size, over, err
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return buf, size, over, nil
}

// walkString reads the rest of a string whose opening quote was read.
func (s *scanner) walkString(add func(byte), topLevel bool) error {
	escaped := false
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		if b == '\n' && topLevel && s.lines {
			s.r.UnreadByte()
			return errLineBreak
		}
		s.off++
		add(b)
		switch {
		case escaped:
			escaped = false
		case b == '\\':
			escaped = true
		case b == '"':
			return nil
		}
	}
}

// skipLine drops bytes up to the end of the line; the newline itself is
// left to pass through.
func (s *scanner) skipLine() error {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		if b == '\n' {
			s.r.UnreadByte()
			return nil
		}
		s.off++
	}
}
