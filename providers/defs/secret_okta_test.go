package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const oktaSecret = "00SandboxLeakEXAMPLE-okta-0001"

var oktaAuth = map[string]string{"Authorization": "SSWS " + oktaSecret}

var _ = addFlows(
	// Okta does not document the answer to a refused token on users/me:
	// the revocation stands, unverified.
	secretFlowCase{name: "revoked, not verifiable", provider: "okta", secret: oktaSecret, revoke: true, verify: true, method: "revoke_by_secret",
		exchanges: []exchange{
			{method: "DELETE", uri: "/api/v1/api-tokens/current", header: oktaAuth, status: 204},
			{method: "GET", uri: "/api/v1/users/me", header: oktaAuth, status: 401, answer: `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"x","errorCauses":[]}`},
		},
		state: providers.Revoked, code: exit.Unverified},
	secretFlowCase{name: "forbidden", provider: "okta", secret: oktaSecret, revoke: true,
		exchanges: []exchange{{method: "DELETE", uri: "/api/v1/api-tokens/current", header: oktaAuth, status: 403, answer: `{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorLink":"E0000006","errorId":"x","errorCauses":[]}`}},
		state:     providers.Failed, code: exit.Permission},
	secretFlowCase{name: "verify live", provider: "okta", secret: oktaSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/api/v1/users/me", header: oktaAuth, status: 200, answer: `{"id":"00u1","status":"ACTIVE"}`}},
		state:     providers.Live, code: exit.StillLive},
)

var _ = addAnswers(
	secretAnswer{"okta", "revoke_by_secret", 204, ``, providers.Revoked, exit.OK, ""},
	secretAnswer{"okta", "revoke_by_secret", 429, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}`, providers.Failed, exit.RateLimited, ""},
	secretAnswer{"okta", "verify", 403, `{"errorCode":"E0000006","errorSummary":"You do not have permission"}`, providers.Failed, exit.Permission, ""},
	secretAnswer{"okta", "verify", 404, `{"errorCode":"E0000007","errorSummary":"Not found: me"}`, providers.Failed, exit.Unexpected, ""},
	secretAnswer{"okta", "verify", 429, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}`, providers.Failed, exit.RateLimited, ""},
)
