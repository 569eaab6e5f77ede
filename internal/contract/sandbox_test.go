package contract

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/sandbox"
	"github.com/keyctl/keyctl/providers"
)

// step is one keyctl run through Prism's validation proxy to the sandbox.
type step struct {
	name    string
	id      string
	token   string // "" uses the sandbox's credential
	outcome string
	status  int
	code    int
	extra   []string
	before  func() // runs before the step (moves the sandbox clock)
	// secret, when set, is a leaked secret revoked with --secrets-from
	// instead of an id; method is how keyctl must handle it.
	secret string
	method string
	// deadUndocumented: the description documents no answer for a dead
	// secret (Vercel's GET /v5/user/tokens/current lists only 200), so the
	// sandbox's refusal of the revoked secret cannot be one of its statuses.
	deadUndocumented bool
}

// TestSandboxAgainstTheDescriptions puts Prism in proxy mode, with --errors,
// between keyctl and the sandbox: every response of every documented
// scenario is validated against the provider's description.
func TestSandboxAgainstTheDescriptions(t *testing.T) {
	needPrism(t)
	var ahead atomic.Int64 // moves the sandbox's clock: Lava's cooldown
	sb := sandbox.New(sandbox.Options{Now: func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }})
	started := time.Now() // sk_demo_fresh was created now
	// Starting Prism on a loaded machine can outlast the 15 s cooldown: the
	// cooldown step turns the clock back to the key's creation.
	rewind := func() { ahead.Store(-int64(time.Since(started))) }
	srv, err := sandbox.Start(sb, "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bases := sandbox.BaseURLs(srv.URL)

	// The seeds' documented scenarios that data alone does not produce.
	extras := map[string][]step{
		"lava": {
			{name: "cooldown beyond the wait budget", id: "sk_demo_fresh", outcome: "failed", status: 429, code: 9, extra: []string{"--max-wait", "2s"}, before: rewind},
			{name: "after the cooldown", id: "sk_demo_fresh", outcome: "revoked", status: 200, before: func() { ahead.Store(int64(20 * time.Second)) }},
			{name: "last key", id: "sk_demo_3", outcome: "failed", status: 400, code: 7},
		},
		"langwatch": {
			{name: "already revoked", id: "lw_revoked", outcome: "already_revoked", status: 409},
			{name: "another user's key", id: "lw_other_user", outcome: "failed", status: 403, code: 5},
			{name: "unknown", id: "lw_nope", outcome: "not_found", status: 404, code: 6},
		},
		"liveavatar": {
			{name: "no space", id: "sec_demo_2", token: sandbox.NoSpaceToken, outcome: "failed", status: 400, code: 7},
			{name: "validation error", id: "bad id!", outcome: "failed", status: 422, code: 8},
		},
		"altostrat": {
			{name: "unknown", id: "api_key_demo00000000000000000000099", outcome: "not_found", status: 404, code: 6},
		},
	}
	// Every described provider with seeded keys: revoke, revoke twice, a
	// wrong credential; then its extras.
	scenarios := map[string][]step{}
	ds := describedProviders(t)
	for _, d := range ds {
		leak, leakID := leakedSecretStep(d)
		if !d.def.HasRevoke() { // nothing to revoke by id
			if leak != nil {
				scenarios[d.name] = []step{*leak}
			}
			continue
		}
		var active []string
		for _, k := range sb.Keys() {
			if k.Provider == d.name && k.State == sandbox.Active && k.Note == "" && k.ID != leakID {
				active = append(active, k.ID)
			}
		}
		if len(active) < 2 {
			t.Errorf("%s: the sandbox holds fewer than two plain active keys", d.name)
			continue
		}
		success, twice := 0, statusCase{status: 404, outcome: "not_found", code: 6}
		succeeded := "revoked" // or submitted, for a provider whose success confirms nothing
		documented := map[int]bool{}
		for _, c := range d.cases {
			if (c.outcome == "revoked" || c.outcome == "submitted") && success == 0 {
				success, succeeded = c.status, c.outcome
			}
			if c.outcome == "already_revoked" || (c.status == 404 && twice.outcome != "already_revoked") {
				twice = c // the sandbox answers a second revocation with this
			}
			documented[c.status] = true
		}
		if success == 0 { // a description giving its success as a range only (Fastly's 2XX)
			for st := 200; st < 300 && success == 0; st++ {
				if a, ok := d.def.Revoke.Answers[strconv.Itoa(st)]; ok && (a.Outcome == "revoked" || a.Outcome == "submitted") {
					success, succeeded = st, a.Outcome
				}
			}
		}
		for _, c := range d.cases { // 404 as the definition reads it (HCP Terraform: failed, exit 6)
			if c.status == twice.status && twice.outcome != "already_revoked" {
				twice = c
			}
		}
		// The sandbox answers a second revocation with the not-found status
		// and a wrong credential with 401; a description that documents
		// neither (Pulumi lists no 404, Okta no 401) cannot validate them.
		steps := []step{{name: "revoke", id: active[0], outcome: succeeded, status: success}}
		if documented[twice.status] {
			steps = append(steps, step{name: "twice", id: active[0], outcome: twice.outcome, status: twice.status, code: twice.code})
		}
		if documented[401] {
			steps = append(steps, step{name: "wrong credential", id: active[1], token: "wrong-credential", outcome: "failed", status: 401, code: 4})
		}
		steps = append(steps, step{name: "revoke another", id: active[1], outcome: succeeded, status: success})
		if leak != nil {
			steps = append(steps, *leak)
		}
		scenarios[d.name] = append(steps, extras[d.name]...)
	}
	// The sandbox also plays answers a description does not list (a 401
	// for a wrong credential, a 404 for a key revoked twice, when the
	// provider documents neither); Prism can only say it has no such status.
	documented := map[string]map[int]bool{}
	byName := map[string]*providers.Definition{}
	accepts := map[string][]string{}
	for _, d := range ds {
		byName[d.name] = d.def
		accepts[d.name] = d.accept
		documented[d.name] = map[int]bool{}
		for _, c := range d.cases {
			documented[d.name][c.status] = true
		}
	}
	proxies := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, d := range ds {
		p := d.name
		if scenarios[p] == nil {
			continue
		}
		wg.Go(func() {
			u := startPrism(t, "proxy", "--errors", d.openapi, bases[p])
			mu.Lock()
			proxies[p] = u
			mu.Unlock()
		})
	}
	wg.Wait()

	for provider, steps := range scenarios {
		check, url := newChecker(t, proxies[provider], "")
		check.setAccept(accepts[provider])
		for _, s := range steps {
			t.Run(provider+"/"+s.name, func(t *testing.T) {
				if s.before != nil {
					s.before()
				}
				tok := s.token
				if tok == "" {
					tok = sandbox.Token(provider)
				}
				args := append([]string{"revoke", provider, s.id, "--retries", "0"}, s.extra...)
				if s.secret != "" {
					file := filepath.Join(t.TempDir(), "secrets")
					if err := os.WriteFile(file, []byte(s.secret+"\n"), 0o600); err != nil {
						t.Fatal(err)
					}
					args = append([]string{"revoke", provider, "--secrets-from", file, "--retries", "0"}, s.extra...)
				}
				code, rs, stdout, stderr := keyctlRaw(t, env(provider, url, tok), args...)
				if s.secret != "" {
					if l := leaked(stdout+stderr, byName[provider], []string{s.secret}); len(l) > 0 {
						t.Fatalf("keyctl printed the secret %v", l)
					}
				}
				listed := documented[provider][s.status]
				if s.secret != "" {
					listed = !s.deadUndocumented
				}
				if v := undocumentedStatusOnly(check.take(), listed); len(v) > 0 {
					t.Fatalf("Prism reports violations:\n%s", strings.Join(v, "\n"))
				}
				if code != s.code || len(rs) != 1 || rs[0].Outcome != s.outcome || rs[0].HTTPStatus != s.status || rs[0].Method != s.method {
					t.Fatalf("exit %d results %+v; want %s (%d) with exit %d\n%s", code, rs, s.outcome, s.status, s.code, stderr)
				}
			})
		}
	}
}

// leakedSecretStep revokes the secret of a seeded key, the last one with a
// secret, the way keyctl picks for the definition (by the secret, or its
// id looked up then revoked) and, where the definition can verify, checks
// that the secret is dead: every request and answer of the flow goes
// through Prism. It returns nil for a definition with neither way.
func leakedSecretStep(d described) (*step, string) {
	if d.def.Sandbox == nil {
		return nil, ""
	}
	var key providers.SKey
	for _, k := range d.def.Sandbox.Keys {
		if k.Secret != "" && (k.State == "" || k.State == sandbox.Active) && k.Note == "" {
			key = k
		}
	}
	if key.Secret == "" {
		return nil, ""
	}
	hiding.add(key.Secret)
	s := &step{name: "leaked secret", secret: key.Secret}
	var revoking *operation
	switch {
	case d.op(providers.OpRevokeBySecret) != nil:
		revoking, s.method = d.op(providers.OpRevokeBySecret), providers.OpRevokeBySecret
	case d.op(providers.OpLookup) != nil && d.op(providers.OpRevoke) != nil:
		revoking, s.method = d.op(providers.OpRevoke), "lookup+revoke"
	default:
		return nil, ""
	}
	// The sandbox answers a live key's revocation with the first
	// documented revoked answer, else the first submitted one.
	for _, want := range []string{"revoked", "submitted"} {
		for _, c := range revoking.cases {
			if c.outcome == want && s.status == 0 {
				s.status, s.outcome = c.status, c.outcome
			}
		}
	}
	if s.status == 0 {
		return nil, ""
	}
	if d.op(providers.OpVerify) != nil {
		// Confirmed: the provider refuses the secret after the revocation;
		// the result keeps the revocation's status.
		revoked := s.outcome
		s.name, s.extra, s.outcome = "leaked secret, verified", []string{"--verify"}, "confirmed"
		dead := func(a providers.Answer) bool {
			return a.Outcome == "dead" || slices.ContainsFunc(a.Cases, func(k providers.Case) bool { return k.Outcome == "dead" })
		}
		s.deadUndocumented = true
		for _, c := range d.op(providers.OpVerify).cases {
			if dead(c.answer) {
				s.deadUndocumented = false
			}
		}
		refusing := d.def.Verify.Answers
		if l := d.def.Lookup; l != nil && l.Request.Method == d.def.Verify.Request.Method && l.Request.Path == d.def.Verify.Request.Path {
			// One request for both (Cloudflare's GET /user/tokens/verify):
			// the sandbox refuses a revoked secret as the lookup documents
			// it, with the failure envelope, not as a disabled token.
			refusing = l.Answers
		}
		if !slices.ContainsFunc(slices.Collect(maps.Values(refusing)), dead) {
			// No answer the definition reads as a dead secret (Okta
			// documents no 401 for GET /api/v1/users/me; Cloudflare no
			// status for a revoked token): the revocation stands,
			// unverified.
			s.outcome, s.code = revoked, int(exit.Unverified)
		}
	}
	return s, key.ID
}

// undocumentedStatusOnly drops Prism's complaint that a status is not in
// the description, when the step's status is indeed not documented; every
// other violation stays.
func undocumentedStatusOnly(violations []string, documented bool) []string {
	if documented {
		return violations
	}
	var out []string
	for _, v := range violations {
		if !strings.Contains(v, "Unable to match the returned status code") || strings.Count(v, `"message"`) != 1 {
			out = append(out, v)
		}
	}
	return out
}
