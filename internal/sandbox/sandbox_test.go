package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newServer(t *testing.T, opts Options) (*Sandbox, *httptest.Server, *clock) {
	c := &clock{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = c.Now
	}
	s := New(opts)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return s, srv, c
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func del(t *testing.T, url string, headers ...string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &a.body); err != nil {
			t.Fatalf("body is not a JSON object: %q", b)
		}
	}
	return a
}

func hasKeys(t *testing.T, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("body %v lacks %q", m, k)
		}
	}
}

func lavaErr(t *testing.T, a answer, status int) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d (%s)", a.status, status, a.raw)
	}
	e, ok := a.body["error"].(map[string]any)
	if !ok {
		t.Fatalf("body %s is not {error: {...}}", a.raw)
	}
	hasKeys(t, e, "message", "code", "status")
}

func TestLava(t *testing.T) {
	s, srv, c := newServer(t, Options{})
	base := srv.URL + "/lava/v1/secret_keys/"
	auth := []string{"Authorization", "Bearer " + Token("lava")}

	lavaErr(t, del(t, base+"sk_demo_1"), 401)
	lavaErr(t, del(t, base+"sk_demo_1", "Authorization", "Bearer wrong"), 401)

	a := del(t, base+"sk_demo_1", auth...)
	if a.status != 200 || a.body["id"] != "sk_demo_1" || a.body["deleted"] != true {
		t.Fatalf("revoke: %d %s", a.status, a.raw)
	}
	lavaErr(t, del(t, base+"sk_demo_1", auth...), 404)
	lavaErr(t, del(t, base+"nope", auth...), 404)

	a = del(t, base+"sk_demo_fresh", auth...)
	lavaErr(t, a, 429)
	if a.header.Get("Retry-After") != "15" {
		t.Fatalf("Retry-After %q", a.header.Get("Retry-After"))
	}
	c.add(10 * time.Second)
	if ra := del(t, base+"sk_demo_fresh", auth...).header.Get("Retry-After"); ra != "5" {
		t.Fatalf("Retry-After after 10s = %q, want 5", ra)
	}
	c.add(5 * time.Second)
	if a := del(t, base+"sk_demo_fresh", auth...); a.status != 200 {
		t.Fatalf("after the cooldown: %d", a.status)
	}
	if a := del(t, base+"sk_demo_2", auth...); a.status != 200 {
		t.Fatalf("%d", a.status)
	}
	// sk_demo_3 is now the last active key.
	lavaErr(t, del(t, base+"sk_demo_3", auth...), 400)

	k, err := s.Create("lava")
	if err != nil {
		t.Fatal(err)
	}
	lavaErr(t, del(t, base+k.ID, auth...), 429)
}

func TestLangWatch(t *testing.T) {
	_, srv, _ := newServer(t, Options{})
	base := srv.URL + "/langwatch/api/api-keys/"
	auth := []string{"Authorization", "Bearer " + Token("langwatch")}
	for _, c := range []struct {
		id      string
		headers []string
		status  int
	}{
		{"lw_demo_1", nil, 401},
		{"lw_demo_1", []string{"X-Auth-Token", Token("langwatch")}, 401}, // the project-key header is not admin auth
		{"lw_demo_1", auth, 200},
		{"lw_demo_1", auth, 409},
		{"lw_revoked", auth, 409},
		{"lw_other_user", auth, 403},
		{"missing", auth, 404},
	} {
		a := del(t, base+c.id, c.headers...)
		if a.status != c.status {
			t.Errorf("%s: %d, want %d", c.id, a.status, c.status)
		}
		if c.status == 200 && a.body["success"] != true {
			t.Errorf("200 body %s", a.raw)
		}
		if c.status != 200 && a.raw != "" {
			t.Errorf("%d has an undocumented body %q", c.status, a.raw)
		}
	}
}

func TestLiveAvatar(t *testing.T) {
	_, srv, _ := newServer(t, Options{})
	base := srv.URL + "/liveavatar/v1/secrets/"
	key := []string{"X-API-KEY", Token("liveavatar")}

	if a := del(t, base+"sec_demo_1", "Authorization", "Bearer "+Token("liveavatar")); a.status != 401 {
		t.Fatalf("Bearer instead of X-API-KEY: %d", a.status)
	}
	a := del(t, base+"sec_demo_1", key...)
	if a.status != 200 || a.body["code"] != float64(100) || a.body["data"] != nil {
		t.Fatalf("%d %s", a.status, a.raw)
	}
	hasKeys(t, a.body, "code", "data", "message")
	if a := del(t, base+"sec_demo_1", key...); a.status != 404 {
		t.Fatalf("twice: %d", a.status)
	}
	if a := del(t, base+"sec_demo_2", "X-API-KEY", NoSpaceToken); a.status != 400 || !strings.Contains(a.raw, "space") {
		t.Fatalf("no space: %d %s", a.status, a.raw)
	}
	a = del(t, base+"bad%20id", key...)
	detail, _ := a.body["detail"].([]any)
	if a.status != 422 || len(detail) != 1 {
		t.Fatalf("422: %d %s", a.status, a.raw)
	}
	hasKeys(t, detail[0].(map[string]any), "loc", "msg", "type")
}

func TestAltostrat(t *testing.T) {
	_, srv, _ := newServer(t, Options{})
	base := srv.URL + "/altostrat/api/keys/"
	auth := []string{"Authorization", "Bearer " + Token("altostrat")}
	id := altostratID(1)
	if a := del(t, base+id); a.status != 401 {
		t.Fatalf("%d", a.status)
	} else {
		hasKeys(t, a.body, "message", "errors")
	}
	if a := del(t, base+id, auth...); a.status != 204 || a.raw != "" {
		t.Fatalf("%d %q", a.status, a.raw)
	}
	for _, bad := range []string{id, "api_key_2m3h5n7k9j8g7f6e5d4c3b2a"} {
		a := del(t, base+bad, auth...)
		if a.status != 404 {
			t.Fatalf("%s: %d", bad, a.status)
		}
		hasKeys(t, a.body, "message", "errors")
	}
}

func TestFaultKnobs(t *testing.T) {
	_, srv, c := newServer(t, Options{RateLimit: 2, AnyID: true})
	url := srv.URL + "/lava/v1/secret_keys/"
	auth := []string{"Authorization", "Bearer " + Token("lava")}
	for i, want := range []int{200, 200, 429} {
		if a := del(t, url+"k"+string(rune('a'+i)), auth...); a.status != want {
			t.Fatalf("request %d: %d, want %d", i, a.status, want)
		} else if want == 429 && a.header.Get("Retry-After") != "1" {
			t.Fatalf("429 without Retry-After: %v", a.header)
		}
	}
	c.add(time.Second)
	if a := del(t, url+"kz", auth...); a.status != 200 {
		t.Fatalf("next window: %d", a.status)
	}

	_, srv, _ = newServer(t, Options{ErrorRate: 1})
	if a := del(t, srv.URL+"/lava/v1/secret_keys/sk_demo_1", auth...); a.status != 500 && a.status != 503 {
		t.Fatalf("error rate 1: %d", a.status)
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	if _, err := Start(New(Options{}), "0.0.0.0:0", false); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("err = %v", err)
	}
	srv, err := Start(New(Options{}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
}
