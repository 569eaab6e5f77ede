package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// plain turns the ordered tree into what json.Unmarshal builds, to compare.
func plain(v any) any {
	switch t := v.(type) {
	case *object:
		m := map[string]any{}
		for i, k := range t.keys {
			m[k] = plain(t.vals[i])
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

// The record parser accepts exactly what encoding/json accepts, decodes
// the same values, and encodeValue writes them back as equal JSON.
func FuzzDecodeRecord(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `{"a":1,"b":[true,false,null],"c":{"d":"e"}}`, `"x"`, `-1.5e+10`, `0`,
		`{"s":"tab\tnew\nline \"q\" \\ \/ \u00e9 \ud83d\ude00 \u2028"}`, `{"a":1,}`, `[1,]`, `{"a" 1}`, `01`, `1.`,
		`"bad \x escape"`, "\"ctl \x01\"", `{"a":"b"} x`, `[1 2]`, `tru`, `nul`, `{"a":` + "\xff" + `"}`, `{"a":"\u12"}`,
		` { "sp" : [ 1 , 2 ] } `, `{"dup":1,"dup":2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeRecord(b)
		if (err == nil) != json.Valid(b) {
			t.Fatalf("decodeRecord(%q) err=%v, json.Valid=%v", b, err, json.Valid(b))
		}
		if err != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, bytes.ToValidUTF8(b, []byte("\uFFFD"))) {
			return // invalid UTF-8: encoding/json substitutes U+FFFD where the parser keeps bytes until encoding
		}
		if !reflect.DeepEqual(plain(got), want) {
			t.Fatalf("decodeRecord(%q) = %#v, encoding/json: %#v", b, plain(got), want)
		}
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		encodeValue(w, got)
		w.Flush()
		var again any
		d2 := json.NewDecoder(&out)
		d2.UseNumber()
		if err := d2.Decode(&again); err != nil || !reflect.DeepEqual(again, want) {
			t.Fatalf("re-encoded %q: %v %#v", out.String(), err, again)
		}
	})
}
