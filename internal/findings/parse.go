package findings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// decodeRecord parses one complete JSON value into the ordered tree. The
// error says what is wrong and where (an offset inside the record), never
// what the bytes were: a record holds secrets.
//
// A small parser of its own: encoding/json's Token API, the standard way to
// keep key order, costs several allocations per token and made reading ten
// times slower. The grammar stays encoding/json's: json.Unmarshal decodes
// strings with escapes and json.Valid checks numbers.
func decodeRecord(raw []byte) (any, error) {
	p := parser{b: raw}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.b) {
		return nil, p.fault("unexpected data after the value")
	}
	return v, nil
}

type parser struct {
	b []byte
	i int
}

const maxDepth = 1000

func (p *parser) fault(what string) error {
	if p.i >= len(p.b) {
		return fmt.Errorf("the JSON value is cut short at offset %d", p.i)
	}
	return fmt.Errorf("malformed JSON at offset %d: %s", p.i, what)
}

func (p *parser) space() {
	for p.i < len(p.b) && isSpace(p.b[p.i]) {
		p.i++
	}
}

// next reports whether the byte at p.i is c.
func (p *parser) next(c byte) bool { return p.i < len(p.b) && p.b[p.i] == c }

func (p *parser) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.fault("nested too deep")
	}
	if p.i >= len(p.b) {
		return nil, p.fault("")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		for p.i < len(p.b) && strings.IndexByte("+-.eE0123456789", p.b[p.i]) >= 0 {
			p.i++
		}
		if !json.Valid(p.b[start:p.i]) {
			p.i = start
			return nil, p.fault("malformed number")
		}
		return json.Number(p.b[start:p.i]), nil
	}
	return nil, p.fault("expected a value")
}

func (p *parser) object(depth int) (any, error) {
	p.i++ // {
	o := &object{}
	p.space()
	if p.next('}') {
		p.i++
		return o, nil
	}
	for {
		p.space()
		if !p.next('"') {
			return nil, p.fault("expected a member name")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if !p.next(':') {
			return nil, p.fault("expected ':' after a member name")
		}
		p.i++
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		o.keys = append(o.keys, k)
		o.vals = append(o.vals, v)
		p.space()
		switch {
		case p.next(','):
			p.i++
		case p.next('}'):
			p.i++
			return o, nil
		default:
			return nil, p.fault("expected ',' or '}' after a member")
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	p.i++ // [
	a := []any{}
	p.space()
	if p.next(']') {
		p.i++
		return a, nil
	}
	for {
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.space()
		switch {
		case p.next(','):
			p.i++
		case p.next(']'):
			p.i++
			return a, nil
		default:
			return nil, p.fault("expected ',' or ']' after an element")
		}
	}
}

func (p *parser) literal(word string) error {
	if !bytes.HasPrefix(p.b[p.i:], []byte(word)) {
		return p.fault("expected a value")
	}
	p.i += len(word)
	return nil
}

// str reads the string whose opening quote is at p.i.
func (p *parser) str() (string, error) {
	start := p.i
	p.i++
	escaped := false
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c < 0x20:
			return "", p.fault("control character in a string")
		case c == '\\':
			escaped = true
			p.i++ // the escaped byte cannot end the string
		case c == '"':
			p.i++
			if !escaped {
				return string(p.b[start+1 : p.i-1]), nil
			}
			var s string
			if err := json.Unmarshal(p.b[start:p.i], &s); err != nil {
				p.i = start
				return "", p.fault("malformed escape in a string")
			}
			return s, nil
		}
		p.i++
	}
	return "", p.fault("")
}
