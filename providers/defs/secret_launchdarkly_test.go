package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const (
	ldSecret = "ld-SandboxLeakEXAMPLE-0001"
	ldCred   = "admin-access-token"
)

var _ = addFlows(
	secretFlowCase{name: "looked up, revoked, confirmed", provider: "launchdarkly", secret: ldSecret, cred: ldCred, revoke: true, verify: true, method: "lookup+revoke",
		exchanges: []exchange{
			{method: "GET", uri: "/api/v2/caller-identity", header: map[string]string{"Authorization": ldSecret}, status: 200,
				answer: `{"tokenId":"61095542756dba551110ae21","tokenName":"ci","authKind":"token","serviceToken":false}`},
			{method: "DELETE", uri: "/api/v2/tokens/61095542756dba551110ae21", header: map[string]string{"Authorization": ldCred}, status: 204},
			{method: "GET", uri: "/api/v2/caller-identity", header: map[string]string{"Authorization": ldSecret}, status: 401,
				answer: `{"code":"unauthorized","message":"Invalid access token","id":"x"}`},
		},
		state: providers.Confirmed, code: exit.OK},
	secretFlowCase{name: "already dead", provider: "launchdarkly", secret: ldSecret, cred: ldCred, revoke: true,
		exchanges: []exchange{
			{method: "GET", uri: "/api/v2/caller-identity", header: map[string]string{"Authorization": ldSecret}, status: 401,
				answer: `{"code":"unauthorized","message":"Invalid access token","id":"x"}`},
		},
		state: providers.Dead, code: exit.OK},
	// An SDK key's identity carries no token id: nothing is deleted.
	secretFlowCase{name: "identity without a token id", provider: "launchdarkly", secret: ldSecret, cred: ldCred, revoke: true,
		exchanges: []exchange{
			{method: "GET", uri: "/api/v2/caller-identity", header: map[string]string{"Authorization": ldSecret}, status: 200,
				answer: `{"authKind":"sdk","environmentId":"e1","projectId":"p1"}`},
		},
		state: providers.Failed, code: exit.Unexpected},
	secretFlowCase{name: "verify live", provider: "launchdarkly", secret: ldSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/api/v2/caller-identity", header: map[string]string{"Authorization": ldSecret}, status: 200, answer: `{"tokenId":"t1"}`}},
		state:     providers.Live, code: exit.StillLive},
)

var _ = addAnswers(
	secretAnswer{"launchdarkly", "lookup", 429, `{"code":"rate_limited","message":"slow down"}`, providers.Failed, exit.RateLimited, ""},
	secretAnswer{"launchdarkly", "verify", 401, `{"code":"unauthorized","message":"Invalid access token"}`, providers.Dead, exit.OK, ""},
	secretAnswer{"launchdarkly", "verify", 429, `{"code":"rate_limited","message":"slow down"}`, providers.Failed, exit.RateLimited, ""},
)
