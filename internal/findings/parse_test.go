package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
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

// Whatever the bytes, reading never panics, every finding gets exactly one
// annotation, and the annotated report is valid JSON.
func FuzzReadAnnotate(f *testing.F) {
	for _, s := range []string{
		`[{"RuleID":"github-pat","Secret":"ghp_0123456789abcdef0123456789abcdef0123"}]`,
		"{\"DetectorName\":\"Github\",\"Raw\":\"ghp_0123456789abcdef0123456789abcdef0123\"}\nnot json\n{\"DetectorName\":\"AWS\",\"Raw\":\"AKIA0123456789ABCDEF\"",
		`{"findings":[{"rule":{"id":"kingfisher.github.1"},"finding":{"snippet":"ghp_0123456789abcdef0123456789abcdef0123"}}],"metadata":{"a":[1,{"b":"}"}]}}`,
		`[{"secret_type":"npm_access_token","secret":"npm_0123456789abcdef0123456789abcdef0123"}][{"secret_type":"x","secret":null}]`,
		`[{"id":"kingfisher.github.1","matches":[{"rule":{"id":"kingfisher.github.1"},"finding":{"snippet":"s3cr3t-s3cr3t"}},{"finding":{}}]}]`,
		`[1,"a",[],{}]`, `[`, `{`, `]`, `[{"RuleID":1}`, `{"findings":[`, `{"findings":{}}`, `{"findings" : [ ] , "x" : 1 }`, "\xEF\xBB\xBF[]",
	} {
		for _, fm := range Formats() {
			f.Add([]byte(s), string(fm))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, format string) {
		fm, err := ParseFormat(format)
		if err != nil {
			return
		}
		var fs []Finding
		for fd := range Read(bytes.NewReader(b), fm) {
			fs = append(fs, fd)
		}
		var out bytes.Buffer
		if err := Annotate(bytes.NewReader(b), fm, &out, func(int) (Annotation, bool) { return Annotation{Fingerprint: "FP"}, true }); err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(out.Bytes(), []byte(`"keyctl":{"index":`)); n != len(fs) {
			t.Fatalf("%d annotations for %d findings in %q:\n%s", n, len(fs), b, out.String())
		}
		dec := json.NewDecoder(&out)
		for {
			var v any
			err := dec.Decode(&v)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("annotated report of %q is not JSON (%v):\n%s", b, err, out.String())
			}
		}
		for _, fd := range fs {
			if len(fd.Secret) >= 8 && bytes.Contains(out.Bytes(), []byte(fd.Secret)) {
				t.Fatalf("secret %q of %q left in:\n%s", fd.Secret, b, out.String())
			}
		}
	})
}
