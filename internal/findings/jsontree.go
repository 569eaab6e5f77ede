package findings

import (
	"bufio"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// A record is decoded into a small ordered tree so that the annotated report
// keeps the tool's field order and numbers exactly as written: a map would
// sort the keys and float64 would round large integers.
//
// Values are string, json.Number, bool, nil, []any and *object.
type object struct {
	keys []string
	vals []any
}

func (o *object) get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	for i, k := range o.keys {
		if k == key {
			return o.vals[i], true
		}
	}
	return nil, false
}

func (o *object) set(key string, v any) {
	for i, k := range o.keys {
		if k == key {
			o.vals[i] = v
			return
		}
	}
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
}

// str returns the string at key, "" when absent or not a string.
func (o *object) str(key string) string {
	v, _ := o.get(key)
	s, _ := v.(string)
	return s
}

// obj returns the object at key, nil when absent or not an object.
func (o *object) obj(key string) *object {
	v, _ := o.get(key)
	c, _ := v.(*object)
	return c
}

// num returns the integer at key (a JSON number or a numeric string), 0 otherwise.
func (o *object) num(key string) int {
	v, _ := o.get(key)
	var s string
	switch n := v.(type) {
	case json.Number:
		s = n.String()
	case string:
		s = n
	default:
		return 0
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return i
}

// path follows keys through nested objects.
func (o *object) path(keys ...string) *object {
	cur := o
	for _, k := range keys {
		if cur == nil {
			return nil
		}
		cur = cur.obj(k)
	}
	return cur
}

// encodeValue writes v as compact JSON, without HTML escaping (reports are
// read by people and tools, not embedded in HTML).
func encodeValue(w *bufio.Writer, v any) {
	switch t := v.(type) {
	case *object:
		w.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				w.WriteByte(',')
			}
			writeString(w, k)
			w.WriteByte(':')
			encodeValue(w, t.vals[i])
		}
		w.WriteByte('}')
	case []any:
		w.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				w.WriteByte(',')
			}
			encodeValue(w, e)
		}
		w.WriteByte(']')
	case string:
		writeString(w, t)
	case json.Number:
		w.WriteString(t.String())
	case int:
		w.WriteString(strconv.Itoa(t))
	case bool:
		if t {
			w.WriteString("true")
		} else {
			w.WriteString("false")
		}
	case nil:
		w.WriteString("null")
	default:
		// Only the types above are ever built; anything else is a bug, and
		// its value must not be printed.
		w.WriteString("null")
	}
}

const hexDigits = "0123456789abcdef"

// writeString quotes s as encoding/json does, minus the HTML escapes.
func writeString(w *bufio.Writer, s string) {
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			w.WriteString(s[start:i])
			switch b {
			case '"', '\\':
				w.WriteByte('\\')
				w.WriteByte(b)
			case '\n':
				w.WriteString(`\n`)
			case '\r':
				w.WriteString(`\r`)
			case '\t':
				w.WriteString(`\t`)
			default:
				w.WriteString(`\u00`)
				w.WriteByte(hexDigits[b>>4])
				w.WriteByte(hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.WriteString(s[start:i])
			w.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			w.WriteString(s[start:i])
			w.WriteString(`\u202`)
			w.WriteByte(hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}
