package defs_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/keyctl/keyctl/providers"
	"github.com/keyctl/keyctl/providers/defs"
)

// BenchmarkClassifyLava200 is the hot path of a bulk run: a documented
// success read through the definition.
func BenchmarkClassifyLava200(b *testing.B) {
	p := defs.Builtin("lava")
	body := []byte(`{"id":"sk_demo_1","deleted":true}`)
	h := http.Header{"Content-Type": {"application/json"}}
	b.ReportAllocs()
	for b.Loop() {
		if o := p.Classify(200, h, body); o.State != providers.Revoked {
			b.Fatal(o)
		}
	}
}

// BenchmarkRequestLava builds one revoke request.
func BenchmarkRequestLava(b *testing.B) {
	p := defs.Builtin("lava")
	u, _ := url.Parse("https://api.lava.so/v1")
	tgt := providers.Target{BaseURL: u, Token: "sk-token"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Request(tgt, "sk_demo_1"); err != nil {
			b.Fatal(err)
		}
	}
}
