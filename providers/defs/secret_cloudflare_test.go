package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const (
	cloudflareSecret = "cfut_SandboxLeakEXAMPLE00000000000000000000001"
	cloudflareAcct   = "cfat_SandboxLeakEXAMPLE00000000000000000000001"
	cloudflareAdmin  = "admin-credential-with-api-tokens-write"
	cfTokenID        = "ed17574386854bf78a67040be0a770b0"
)

var _ = addFlows(
	// The leaked token finds its id; the configured credential deletes it;
	// Cloudflare's answer to the dead token is undocumented: unverified.
	secretFlowCase{name: "looked up, revoked", provider: "cloudflare", basePath: "/client/v4", secret: cloudflareSecret, cred: cloudflareAdmin, revoke: true, verify: true, method: "lookup+revoke",
		exchanges: []exchange{
			{method: "GET", uri: "/user/tokens/verify", header: map[string]string{"Authorization": "Bearer " + cloudflareSecret}, status: 200,
				answer: `{"success":true,"errors":[],"messages":[],"result":{"id":"` + cfTokenID + `","status":"active"}}`},
			{method: "DELETE", uri: "/user/tokens/" + cfTokenID, header: map[string]string{"Authorization": "Bearer " + cloudflareAdmin}, status: 200,
				answer: `{"success":true,"errors":[],"messages":[],"result":{"id":"` + cfTokenID + `"}}`},
			{method: "GET", uri: "/user/tokens/verify", header: map[string]string{"Authorization": "Bearer " + cloudflareSecret}, status: 401,
				answer: `{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}`},
		},
		state: providers.Revoked, code: exit.Unverified},
	secretFlowCase{name: "account token", provider: "cloudflareaccount", basePath: "/client/v4", secret: cloudflareAcct, cred: cloudflareAdmin,
		params: map[string]string{"account_id": "023e105f4ecef8ad9ca31a8372d0c353"}, revoke: true, method: "lookup+revoke",
		exchanges: []exchange{
			{method: "GET", uri: "/accounts/023e105f4ecef8ad9ca31a8372d0c353/tokens/verify", header: map[string]string{"Authorization": "Bearer " + cloudflareAcct}, status: 200,
				answer: `{"success":true,"errors":[],"messages":[],"result":{"id":"` + cfTokenID + `","status":"active"}}`},
			{method: "DELETE", uri: "/accounts/023e105f4ecef8ad9ca31a8372d0c353/tokens/" + cfTokenID, header: map[string]string{"Authorization": "Bearer " + cloudflareAdmin}, status: 200,
				answer: `{"success":true,"errors":[],"messages":[],"result":{"id":"` + cfTokenID + `"}}`},
		},
		state: providers.Revoked, code: exit.OK},
	// Without a credential the id is found and the next step named.
	secretFlowCase{name: "no credential", provider: "cloudflare", basePath: "/client/v4", secret: cloudflareSecret, revoke: true,
		exchanges: []exchange{
			{method: "GET", uri: "/user/tokens/verify", header: map[string]string{"Authorization": "Bearer " + cloudflareSecret}, status: 200,
				answer: `{"success":true,"errors":[],"messages":[],"result":{"id":"` + cfTokenID + `","status":"active"}}`},
		},
		state: providers.Failed, code: exit.Config},
	secretFlowCase{name: "verify expired", provider: "cloudflare", basePath: "/client/v4", secret: cloudflareSecret, method: "verify",
		exchanges: []exchange{
			{method: "GET", uri: "/user/tokens/verify", header: map[string]string{"Authorization": "Bearer " + cloudflareSecret}, status: 200,
				answer: `{"success":true,"errors":[],"messages":[],"result":{"id":"` + cfTokenID + `","status":"expired"}}`},
		},
		state: providers.Dead, code: exit.OK},
)

var _ = addAnswers(
	secretAnswer{"cloudflare", "lookup", 200, `{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}`, providers.Failed, exit.Unexpected, ""},
	secretAnswer{"cloudflare", "verify", 200, `{"success":true,"errors":[],"messages":[],"result":{"id":"x","status":"active"}}`, providers.Live, exit.StillLive, ""},
	secretAnswer{"cloudflare", "verify", 200, `{"success":true,"errors":[],"messages":[],"result":{"id":"x","status":"disabled"}}`, providers.Dead, exit.OK, ""},
	secretAnswer{"cloudflare", "verify", 200, `{"success":false,"errors":[],"messages":[],"result":null}`, providers.Unverified, exit.Unverified, ""},
	secretAnswer{"cloudflareaccount", "verify", 200, `{"success":true,"errors":[],"messages":[],"result":{"id":"x","status":"expired"}}`, providers.Dead, exit.OK, ""},
)
