package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const vercelSecret = "vercel-SandboxLeakEXAMPLE0001"

var vercelAuth = map[string]string{"Authorization": "Bearer " + vercelSecret}

var _ = addFlows(
	secretFlowCase{name: "revoked and confirmed", provider: "vercel", secret: vercelSecret, revoke: true, verify: true, method: "revoke_by_secret",
		exchanges: []exchange{
			{method: "DELETE", uri: "/v3/user/tokens/current", header: vercelAuth, status: 200, answer: `{"tokenId":"5d9f2ebd38ddca62e5d51e9c1704c72530bdc8bfdd41e782a6687c48399e8391"}`},
			{method: "GET", uri: "/v5/user/tokens/current", header: vercelAuth, status: 401, answer: `{"error":{"code":"forbidden","message":"The request is not authorized."}}`},
		},
		state: providers.Confirmed, code: exit.OK},
	secretFlowCase{name: "already dead", provider: "vercel", secret: vercelSecret, revoke: true,
		exchanges: []exchange{{method: "DELETE", uri: "/v3/user/tokens/current", header: vercelAuth, status: 401, answer: `{"error":{"code":"forbidden","message":"The request is not authorized."}}`}},
		state:     providers.Dead, code: exit.OK},
	secretFlowCase{name: "no permission", provider: "vercel", secret: vercelSecret, revoke: true,
		exchanges: []exchange{{method: "DELETE", uri: "/v3/user/tokens/current", header: vercelAuth, status: 403, answer: `{"error":{"code":"forbidden","message":"You do not have permission to access this resource."}}`}},
		state:     providers.Failed, code: exit.Permission},
	secretFlowCase{name: "verify live", provider: "vercel", secret: vercelSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/v5/user/tokens/current", header: vercelAuth, status: 200, answer: `{"token":{"id":"t1","name":"ci","type":"oauth2-token","activeAt":1,"createdAt":1}}`}},
		state:     providers.Live, code: exit.StillLive},
)

var _ = addAnswers(
	secretAnswer{"vercel", "revoke_by_secret", 200, `{"tokenId":"t1"}`, providers.Revoked, exit.OK, ""},
	secretAnswer{"vercel", "revoke_by_secret", 400, `{"error":{"code":"bad_request","message":"invalid"}}`, providers.Failed, exit.Invalid, ""},
	secretAnswer{"vercel", "revoke_by_secret", 404, `{"error":{"code":"not_found","message":"Token not found"}}`, providers.NotFound, exit.NotFound, ""},
	secretAnswer{"vercel", "lookup", 200, `{"token":{"id":"t1","name":"ci","type":"oauth2-token","activeAt":1,"createdAt":1}}`, providers.Found, exit.OK, "t1"},
	secretAnswer{"vercel", "lookup", 401, `{"error":{"code":"forbidden","message":"The request is not authorized."}}`, providers.Dead, exit.OK, ""},
	secretAnswer{"vercel", "verify", 401, `{"error":{"code":"forbidden","message":"The request is not authorized."}}`, providers.Dead, exit.OK, ""},
)
