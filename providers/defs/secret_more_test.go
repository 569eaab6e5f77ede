package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const (
	pulumiSecret     = "pul-SandboxLeakEXAMPLE00000000000000000000001"
	databricksSecret = "dapiSandboxLeakEXAMPLE000000000001"
	contentfulSecret = "CFPAT-SandboxLeakEXAMPLE0001"
	tfcSecret        = "SandboxLeak002.atlasv1.EXAMPLE0000000000000000000000000000000000000000000000000000000000002"
	supabaseSecret   = "sb_secret_SandboxLeakEXAMPLE0001"
	discordSecret    = "https://discord.com/api/webhooks/100000000000000001/SandboxLeakEXAMPLE-webhook-token"
)

var _ = addFlows(
	secretFlowCase{name: "manual", provider: "pulumi", secret: pulumiSecret, cred: "pul-credential", revoke: true, method: "manual",
		state: providers.Failed, code: exit.Manual},
	secretFlowCase{name: "verify live", provider: "pulumi", secret: pulumiSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/api/user/tokens",
			header: map[string]string{"Authorization": "token " + pulumiSecret, "Accept": "application/vnd.pulumi+8"}, status: 200, answer: `{"tokens":[]}`}},
		state: providers.Live, code: exit.StillLive},
	secretFlowCase{name: "verify dead", provider: "pulumi", secret: pulumiSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/api/user/tokens", header: map[string]string{"Authorization": "token " + pulumiSecret}, status: 401}},
		state:     providers.Dead, code: exit.OK},

	secretFlowCase{name: "manual", provider: "databricks", secret: databricksSecret, cred: "dapi-credential", revoke: true, method: "manual",
		state: providers.Failed, code: exit.Manual},
	secretFlowCase{name: "verify live", provider: "databricks", secret: databricksSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/api/2.0/preview/scim/v2/Me", header: map[string]string{"Authorization": "Bearer " + databricksSecret}, status: 200, answer: `{"id":"1","userName":"u@example.com"}`}},
		state:     providers.Live, code: exit.StillLive},
	// The status of a refused token is undocumented: not read as dead.
	secretFlowCase{name: "verify refused, undocumented", provider: "databricks", secret: databricksSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/api/2.0/preview/scim/v2/Me", header: map[string]string{"Authorization": "Bearer " + databricksSecret}, status: 401,
			answer: `{"error_code":"UNAUTHENTICATED","message":"Invalid access token."}`}},
		state: providers.Unverified, code: exit.Auth},

	secretFlowCase{name: "manual", provider: "contentful", secret: contentfulSecret, cred: "cma-credential", revoke: true, method: "manual",
		state: providers.Failed, code: exit.Manual},
	secretFlowCase{name: "verify dead", provider: "contentful", secret: contentfulSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/users/me", header: map[string]string{"Authorization": "Bearer " + contentfulSecret}, status: 401,
			answer: `{"sys":{"type":"Error","id":"AccessTokenInvalid"},"message":"The access token you sent could not be found or is invalid."}`}},
		state: providers.Dead, code: exit.OK},
	secretFlowCase{name: "verify live", provider: "contentful", secret: contentfulSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/users/me", header: map[string]string{"Authorization": "Bearer " + contentfulSecret}, status: 200, answer: `{"sys":{"type":"User","id":"u1"}}`}},
		state:     providers.Live, code: exit.StillLive},

	secretFlowCase{name: "manual", provider: "terraformcloud", basePath: "/api/v2", secret: tfcSecret, cred: "x.atlasv1.credential", revoke: true, method: "manual",
		state: providers.Failed, code: exit.Manual},
	secretFlowCase{name: "verify live", provider: "terraformcloud", basePath: "/api/v2", secret: tfcSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/account/details",
			header: map[string]string{"Authorization": "Bearer " + tfcSecret, "Accept": "application/vnd.api+json"}, status: 200, answer: `{"data":{"id":"user-1","type":"users"}}`}},
		state: providers.Live, code: exit.StillLive},

	secretFlowCase{name: "manual", provider: "supabase", secret: supabaseSecret, cred: "sbp_credential", params: map[string]string{"ref": "abcdefghijklmnopqrst"}, revoke: true, verify: true, method: "manual",
		state: providers.Failed, code: exit.Manual},

	// The webhook id is read from the URL and deleted with the bot token;
	// the URL's token is never sent.
	secretFlowCase{name: "webhook id from the URL", provider: "discord", basePath: "/api/v10", secret: discordSecret, cred: "bot-credential", revoke: true, verify: true, method: "id_from_secret+revoke",
		exchanges: []exchange{{method: "DELETE", uri: "/webhooks/100000000000000001", header: map[string]string{"Authorization": "Bot bot-credential"}, status: 204}},
		state:     providers.Revoked, code: exit.Unverified},
	secretFlowCase{name: "no bot token", provider: "discord", basePath: "/api/v10", secret: discordSecret, revoke: true,
		state: providers.Failed, code: exit.Config},
)

var _ = addAnswers(
	secretAnswer{"pulumi", "verify", 401, ``, providers.Dead, exit.OK, ""},
	secretAnswer{"databricks", "verify", 200, `{"id":"1"}`, providers.Live, exit.StillLive, ""},
)
