package cmd

import (
	"net/http"
	"strings"
	"testing"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/internal/testutil"
)

// acceptingProvider writes a user definition whose 202 accepts the request
// and confirms nothing, with a hint saying why.
func acceptingProvider(t *testing.T) string {
	t.Helper()
	return userProviderDir(t, "acmeaccept", `name: acmeaccept
base_url: https://api.acme.example
credential: {auth: {bearer: "{credential}"}}
revoke:
  request: {method: DELETE, path: "/keys/{id}"}
  answers:
    "202": {outcome: submitted, body: empty, hint: "Acme revokes keys in the background"}
    "404": {outcome: not_found}
`)
}

// TestSubmittedExitsZeroAndSaysItIsNotConfirmed: a documented answer that
// only accepts the request is reported as submitted, not revoked, exits 0,
// says the revocation is not confirmed, is counted apart in the summary,
// and is sent again by --resume.
func TestSubmittedExitsZeroAndSaysItIsNotConfirmed(t *testing.T) {
	dir := acceptingProvider(t)
	testutil.IsolateEnv(t)
	srv := testutil.NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) { testutil.Respond(w, 202, "") })
	t.Setenv("KEYCTL_ACMEACCEPT_TOKEN", secret)
	t.Setenv("KEYCTL_ACMEACCEPT_BASE_URL", srv.URL)

	code, out, errOut := run(t, testutil.NewClock(), "--providers-dir", dir, "revoke", "acmeaccept", "k1", "-o", "json")
	rs := results(t, out)
	if code != exit.OK || len(rs) != 1 || rs[0].Outcome != "submitted" || rs[0].ExitCode != exit.OK || rs[0].HTTPStatus != 202 {
		t.Fatalf("exit %d, results %+v: %s", code, rs, errOut)
	}
	for _, w := range []string{"submitted (202 Accepted)", "accepted the request but does not confirm the revocation", "Acme revokes keys in the background"} {
		if !strings.Contains(rs[0].Message, w) {
			t.Errorf("message %q lacks %q", rs[0].Message, w)
		}
	}

	// The table's summary counts it apart from the revoked keys.
	code, out, _ = run(t, testutil.NewClock(), "--providers-dir", dir, "revoke", "acmeaccept", "k2", "-o", "table", "--no-audit")
	if code != exit.OK || !strings.Contains(out, "1 key: 0 revoked, 1 submitted (not confirmed), 0 already revoked") {
		t.Fatalf("exit %d, table:\n%s", code, out)
	}

	// Not confirmed, so --resume sends it again.
	code, out, errOut = run(t, testutil.NewClock(), "--providers-dir", dir, "revoke", "acmeaccept", "k1", "-o", "json", "--resume")
	if rs := results(t, out); code != exit.OK || len(rs) != 1 || rs[0].Outcome != "submitted" || len(srv.Requests()) != 3 {
		t.Fatalf("--resume: exit %d, %d requests, want 3: %s %s", code, len(srv.Requests()), out, errOut)
	}
	assertNoSecret(t, out, errOut)
}

// TestJFrogSandboxAnswersUnknownIDsWith204: the sandbox plays JFrog as
// documented: 200 revokes a token; a token already revoked and an id it
// does not know both get 204, which keyctl reports as submitted, exit 0,
// never revoked.
func TestJFrogSandboxAnswersUnknownIDsWith204(t *testing.T) {
	testutil.IsolateEnv(t)
	const seeded, unknown = "7e0eec00-0000-4000-8000-000000000001", "7e0eec00-0000-4000-8000-000000000099"
	code, out, errOut := run(t, testutil.NewClock(), "revoke", "--sandbox", "jfrog", seeded, unknown, "-o", "json", "--no-audit")
	if code != exit.OK {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	got := map[string]string{}
	for _, r := range results(t, out) {
		got[r.ID] = string(r.Outcome) + " " + http.StatusText(r.HTTPStatus)
		if r.Outcome == "submitted" && !strings.Contains(r.Message, "does not tell a revoked token from an unknown id") {
			t.Errorf("message %q", r.Message)
		}
	}
	if got[seeded] != "revoked OK" || got[unknown] != "submitted No Content" {
		t.Fatalf("outcomes %v\n%s", got, out)
	}
}
