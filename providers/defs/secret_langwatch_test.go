package defs_test

import (
	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

const (
	lwSecret = "sk-lw-lwleak1_SandboxSecretEXAMPLE1"
	lwAdmin  = "sk-lw-admin_adminsecretEXAMPLE"
)

var lwAdminAuth = map[string]string{"Authorization": "Bearer " + lwAdmin}

var _ = addFlows(
	// The id is read from the secret; the secret itself is never sent.
	secretFlowCase{name: "id from the secret", provider: "langwatch", secret: lwSecret, cred: lwAdmin, revoke: true, method: "id_from_secret+revoke",
		exchanges: []exchange{{method: "DELETE", uri: "/api/api-keys/lwleak1", header: lwAdminAuth, status: 200, answer: `{"success":true}`}},
		state:     providers.Revoked, code: exit.OK},
	secretFlowCase{name: "already revoked, no verify", provider: "langwatch", secret: lwSecret, cred: lwAdmin, revoke: true, verify: true,
		exchanges: []exchange{{method: "DELETE", uri: "/api/api-keys/lwleak1", header: lwAdminAuth, status: 409}},
		state:     providers.AlreadyRevoked, code: exit.Unverified},
	secretFlowCase{name: "unknown id", provider: "langwatch", secret: lwSecret, cred: lwAdmin, revoke: true,
		exchanges: []exchange{{method: "DELETE", uri: "/api/api-keys/lwleak1", header: lwAdminAuth, status: 404}},
		state:     providers.NotFound, code: exit.NotFound},
	// A project key (no underscore) carries no id: the next step is named.
	secretFlowCase{name: "project key", provider: "langwatch", secret: "sk-lw-SandboxProjectKeyEXAMPLE", cred: lwAdmin, revoke: true,
		state: providers.Failed, code: exit.Manual},
)
