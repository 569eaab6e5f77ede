package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"

	"github.com/icholy/digest"

	"github.com/keyctl/keyctl/providers"
)

// ExtraCredentials are the values the emulator accepts for a definition's
// extra credentials (Datadog's application key): sandbox-<name>-<extra>,
// public like Token; nil for a provider without any.
func ExtraCredentials(provider string) map[string]string {
	p, err := providers.Lookup(provider)
	if err != nil {
		return nil
	}
	d, ok := p.(*providers.Defined)
	if !ok || len(d.Definition().Credential.Extra) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, x := range d.Definition().Credential.Extra {
		out[x.Name] = "sandbox-" + provider + "-" + x.Name
	}
	return out
}

// digestRealm is the realm of the emulator's Digest challenges.
const digestRealm = "keyctl sandbox"

// digestAuth plays a provider that takes HTTP Digest (RFC 7616): a request
// without a valid answer gets 401 with a fresh challenge; an answer counts
// only for a nonce the emulator issued, once, with the right user, URI and
// response, recomputed with the same library keyctl answers with.
type digestAuth struct {
	want providers.DigestAuth
	// prefix is the provider's path under the emulator (/mongodbatlas): a
	// client behind a proxy that mounts the provider at the root (the
	// contract suite's Prism) answers for the path without it.
	prefix string
	mu     sync.Mutex
	nonces map[string]bool // issued and not yet answered
}

// check reports whether r carries a valid Digest answer; when it does not,
// it has set the challenge header and the caller answers 401.
func (a *digestAuth) check(w http.ResponseWriter, r *http.Request) bool {
	if a.valid(r) {
		return true
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	nonce := hex.EncodeToString(b[:])
	a.mu.Lock()
	if len(a.nonces) > 10000 { // a client that never answers cannot fill memory
		clear(a.nonces)
	}
	a.nonces[nonce] = true
	a.mu.Unlock()
	chal := digest.Challenge{Realm: digestRealm, Nonce: nonce, Algorithm: "MD5", QOP: []string{"auth"}}
	w.Header().Set("WWW-Authenticate", chal.String())
	return false
}

func (a *digestAuth) valid(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if !digest.IsDigest(h) {
		return false
	}
	got, err := digest.ParseCredentials(h)
	uri := r.URL.RequestURI()
	if err != nil || got.Username != a.want.User || got.Realm != digestRealm || (got.URI != uri && a.prefix+got.URI != uri) {
		return false
	}
	a.mu.Lock()
	issued := a.nonces[got.Nonce]
	delete(a.nonces, got.Nonce) // one answer per challenge
	a.mu.Unlock()
	if !issued {
		return false
	}
	chal := &digest.Challenge{Realm: digestRealm, Nonce: got.Nonce, Algorithm: "MD5", QOP: []string{"auth"}}
	want, err := digest.Digest(chal, digest.Options{Method: r.Method, URI: got.URI, Username: a.want.User, Password: a.want.Password, Cnonce: got.Cnonce, Count: got.Nc})
	return err == nil && got.QOP == "auth" && got.Response == want.Response
}
