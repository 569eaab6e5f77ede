package input

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func collect(r io.Reader, provider string) []Entry {
	var out []Entry
	for e := range Entries(r, provider) {
		out = append(out, e)
	}
	return out
}

func TestEntriesWithoutProvider(t *testing.T) {
	in := "\xef\xbb\xbf# incident 42\r\n" +
		"lava sk_1\r\n" +
		"\n" +
		"   langwatch,lw_2  \n" +
		"LiveAvatar\t sec 3\n" +
		`{"provider":"altostrat","id":"api_key_x"}` + "\n" +
		"justanid\n" +
		`{"provider":"lava"}` + "\n" +
		`{"id": 5` + "\n" +
		"lava ,sk_4\n" +
		"lava sk_last"
	got := collect(strings.NewReader(in), "")
	want := []Entry{
		{Line: 2, Provider: "lava", ID: "sk_1"},
		{Line: 4, Provider: "langwatch", ID: "lw_2"},
		{Line: 5, Provider: "liveavatar", ID: "sec 3"},
		{Line: 6, Provider: "altostrat", ID: "api_key_x"},
		{Line: 7, ID: "justanid", Err: `line 7: expected "PROVIDER ID", "PROVIDER,ID" or JSON (or give the provider as an argument)`},
		{Line: 8, Err: `line 8: JSON object without "id"`},
		{Line: 9},
		{Line: 10, Provider: "lava", ID: "sk_4"},
		{Line: 11, Provider: "lava", ID: "sk_last"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries: %+v", len(got), got)
	}
	for i := range want {
		if i == 6 {
			if !strings.HasPrefix(got[i].Err, "line 9: not valid JSON") {
				t.Errorf("entry %d = %+v", i, got[i])
			}
			continue
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestEntriesWithProvider(t *testing.T) {
	in := "sk_1\n  sk 2  \n#c\n" + `{"id":"sk_3"}` + "\n" + `{"provider":"langwatch","id":"x"}` + "\n"
	got := collect(strings.NewReader(in), "lava")
	if len(got) != 4 || got[0].ID != "sk_1" || got[1].ID != "sk 2" || got[2].ID != "sk_3" || got[2].Provider != "lava" || got[3].Err == "" {
		t.Fatalf("%+v", got)
	}
}

func TestLongLineIsReportedAndSkipped(t *testing.T) {
	in := "a\n" + strings.Repeat("x", MaxLine+10) + "\nb\n"
	got := collect(strings.NewReader(in), "lava")
	if len(got) != 3 || got[0].ID != "a" || !strings.Contains(got[1].Err, "line 2: longer than") || got[2].ID != "b" || got[2].Line != 3 {
		t.Fatalf("%+v", got[0:min(len(got), 3)])
	}
}

type failingReader struct{ data string }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadErrorIsReported(t *testing.T) {
	got := collect(&failingReader{data: "a\nb\n"}, "lava")
	if len(got) != 3 || !strings.Contains(got[2].Err, "disk on fire") {
		t.Fatalf("%+v", got)
	}
}

func TestStopsWhenConsumerStops(t *testing.T) {
	n := 0
	for range Entries(strings.NewReader("a\nb\nc\n"), "lava") {
		n++
		break
	}
	if n != 1 {
		t.Fatal(n)
	}
}
