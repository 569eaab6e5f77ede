package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const jfrogSecret = "cmVmdSandboxLeakEXAMPLE00000000000000000000000000000000000000001"

var jfrogAuth = map[string]string{"Authorization": "Bearer " + jfrogSecret}

var _ = addFlows(
	secretFlowCase{name: "revoked and confirmed", provider: "jfrog", secret: jfrogSecret, revoke: true, verify: true, method: "revoke_by_secret",
		exchanges: []exchange{
			{method: "DELETE", uri: "/access/api/v1/tokens/me", header: jfrogAuth, status: 200},
			{method: "GET", uri: "/access/api/v1/tokens/me", header: jfrogAuth, status: 401},
		},
		state: providers.Confirmed, code: exit.OK},
	// 204 is also JFrog's answer for an unknown id: accepted, not confirmed.
	secretFlowCase{name: "already revoked or unknown", provider: "jfrog", secret: jfrogSecret, revoke: true,
		exchanges: []exchange{{method: "DELETE", uri: "/access/api/v1/tokens/me", header: jfrogAuth, status: 204}},
		state:     providers.Submitted, code: exit.OK},
	secretFlowCase{name: "another instance", provider: "jfrog", secret: jfrogSecret, revoke: true,
		exchanges: []exchange{{method: "DELETE", uri: "/access/api/v1/tokens/me", header: jfrogAuth, status: 400}},
		state:     providers.Failed, code: exit.Conflict},
	secretFlowCase{name: "dead", provider: "jfrog", secret: jfrogSecret, revoke: true,
		exchanges: []exchange{{method: "DELETE", uri: "/access/api/v1/tokens/me", header: jfrogAuth, status: 401}},
		state:     providers.Dead, code: exit.OK},
	secretFlowCase{name: "verify live", provider: "jfrog", secret: "eyJ2ZXIiOiIyIn0.SandboxEXAMPLE.sig", method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/access/api/v1/tokens/me", header: map[string]string{"Authorization": "Bearer eyJ2ZXIiOiIyIn0.SandboxEXAMPLE.sig"}, status: 200, answer: `{"token_id":"7e0eec","subject":"u"}`}},
		state:     providers.Live, code: exit.StillLive},
)

var _ = addAnswers(
	secretAnswer{"jfrog", "revoke_by_secret", 403, ``, providers.Failed, exit.Permission, ""},
	secretAnswer{"jfrog", "lookup", 200, `{"token_id":"7e0eec00-0000-4000-8000-000000000001","subject":"jfac@x/users/u","expiry":1,"issued_at":1,"issuer":"jfac@x","refreshable":false}`, providers.Found, exit.OK, "7e0eec00-0000-4000-8000-000000000001"},
	secretAnswer{"jfrog", "lookup", 401, ``, providers.Dead, exit.OK, ""},
	secretAnswer{"jfrog", "lookup", 403, ``, providers.Failed, exit.Permission, ""},
	secretAnswer{"jfrog", "lookup", 404, ``, providers.NotFound, exit.NotFound, ""},
	secretAnswer{"jfrog", "verify", 401, ``, providers.Dead, exit.OK, ""},
	secretAnswer{"jfrog", "verify", 403, ``, providers.Failed, exit.Permission, ""},
)
