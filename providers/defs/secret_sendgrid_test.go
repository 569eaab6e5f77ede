package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const sendgridSecret = "SG.SandboxLeakEXAMPLE01.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

var _ = addFlows(
	// The id is not read from the key (SG.<id>.… is only the spec's example).
	secretFlowCase{name: "manual", provider: "sendgrid", secret: sendgridSecret, cred: "SG.admin.credential", revoke: true, method: "manual",
		state: providers.Failed, code: exit.Manual},
	secretFlowCase{name: "verify dead", provider: "sendgrid", secret: sendgridSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/v3/scopes", header: map[string]string{"Authorization": "Bearer " + sendgridSecret}, status: 401,
			answer: `{"errors":[{"field":null,"message":"authorization required"}]}`}},
		state: providers.Dead, code: exit.OK},
	secretFlowCase{name: "verify live", provider: "sendgrid", secret: sendgridSecret, method: "verify",
		exchanges: []exchange{{method: "GET", uri: "/v3/scopes", header: map[string]string{"Authorization": "Bearer " + sendgridSecret}, status: 200, answer: `{"scopes":["mail.send"]}`}},
		state:     providers.Live, code: exit.StillLive},
)

var _ = addAnswers(
	secretAnswer{"sendgrid", "verify", 403, `{"errors":[{"field":null,"message":"access forbidden"}]}`, providers.Failed, exit.Permission, ""},
	secretAnswer{"sendgrid", "verify", 429, `{"errors":[{"field":null,"message":"too many requests"}]}`, providers.Failed, exit.RateLimited, ""},
)
