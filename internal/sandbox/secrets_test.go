package sandbox

import (
	"net/http"
	"testing"
)

// TestARevokedSecretIsRefused: a provider authenticated by the leaked
// secret itself refuses it once it is revoked, and refuses one it never
// issued, with its documented dead answer; it never revokes it twice.
func TestARevokedSecretIsRefused(t *testing.T) {
	_, srv, _ := newServer(t, Options{})
	url := srv.URL + "/gitlab/api/v4/personal_access_tokens/self"
	if a := del(t, url, "PRIVATE-TOKEN", "glpat-SandboxLeak101xxxxxxxx"); a.status != http.StatusNoContent {
		t.Fatalf("first revocation: %d %s, want 204", a.status, a.raw)
	}
	if a := del(t, url, "PRIVATE-TOKEN", "glpat-SandboxLeak101xxxxxxxx"); a.status != http.StatusUnauthorized {
		t.Errorf("second revocation: %d %s, want 401 (the token no longer works)", a.status, a.raw)
	}
	if a := del(t, url, "PRIVATE-TOKEN", "glpat-SandboxNeverIssuedxxxx"); a.status != http.StatusUnauthorized {
		t.Errorf("unknown token: %d %s, want 401", a.status, a.raw)
	}
}

// TestARevokedSecretIsRefusedWhereNoDeadAnswerIsDocumented: a token that
// authenticates its own revocation (Buildkite documents only 204) is not
// revoked a second time: the emulator refuses it with 401.
func TestARevokedSecretIsRefusedWhereNoDeadAnswerIsDocumented(t *testing.T) {
	_, srv, _ := newServer(t, Options{})
	url := srv.URL + "/buildkite/v2/access-token"
	const token = "Bearer bkua_SandboxLeakEXAMPLE0000000000000000000000000001"
	if a := del(t, url, "Authorization", token); a.status != http.StatusNoContent {
		t.Fatalf("first revocation: %d %s, want 204", a.status, a.raw)
	}
	if a := del(t, url, "Authorization", token); a.status != http.StatusUnauthorized {
		t.Errorf("second revocation: %d %s, want 401", a.status, a.raw)
	}
}
