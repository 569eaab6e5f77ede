package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const (
	openaiSecret    = "sk-proj-SandboxLeakEXAMPLE0001"
	anthropicSecret = "sk-ant-api03-SandboxLeakEXAMPLE0001"
)

var _ = addFlows(
	// No request revokes an OpenAI or Anthropic key by its value: nothing
	// is sent, and the next step is named.
	secretFlowCase{name: "manual", provider: "openai", basePath: "/v1", secret: openaiSecret, cred: "sk-admin-credential", params: map[string]string{"project_id": "proj_abc"}, revoke: true, verify: true, method: "manual",
		state: providers.Failed, code: exit.Manual},
	secretFlowCase{name: "manual", provider: "openaiadmin", basePath: "/v1", secret: "sk-admin-SandboxLeakEXAMPLE0001", cred: "sk-admin-credential", revoke: true, method: "manual",
		state: providers.Failed, code: exit.Manual},
	secretFlowCase{name: "verify live", provider: "openai", basePath: "/v1", secret: openaiSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/models", header: map[string]string{"Authorization": "Bearer " + openaiSecret}, status: 200, answer: `{"object":"list","data":[]}`}},
		state:     providers.Live, code: exit.StillLive},
	secretFlowCase{name: "verify dead", provider: "openai", basePath: "/v1", secret: openaiSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/models", header: map[string]string{"Authorization": "Bearer " + openaiSecret}, status: 401,
			answer: `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`}},
		state: providers.Dead, code: exit.OK},
	secretFlowCase{name: "manual", provider: "anthropic", secret: anthropicSecret, cred: "sk-ant-admin01-credential", revoke: true, method: "manual",
		state: providers.Failed, code: exit.Manual},
	secretFlowCase{name: "verify dead", provider: "anthropic", secret: anthropicSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/v1/models",
			header: map[string]string{"X-Api-Key": anthropicSecret, "Anthropic-Version": "2023-06-01", "Authorization": ""}, status: 401,
			answer: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`}},
		state: providers.Dead, code: exit.OK},
	secretFlowCase{name: "verify live", provider: "anthropic", secret: anthropicSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/v1/models",
			header: map[string]string{"X-Api-Key": anthropicSecret, "Anthropic-Version": "2023-06-01"}, status: 200, answer: `{"data":[],"has_more":false}`}},
		state: providers.Live, code: exit.StillLive},
)

var _ = addAnswers(
	secretAnswer{"anthropic", "verify", 403, `{"type":"error","error":{"type":"permission_error","message":"no"}}`, providers.Failed, exit.Permission, ""},
	secretAnswer{"anthropic", "verify", 429, `{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}`, providers.Failed, exit.RateLimited, ""},
	secretAnswer{"anthropic", "verify", 529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, providers.Failed, exit.Server, ""},
)
