package aws

import (
	"sort"

	"github.com/keyctl/keyctl/internal/exit"
	"github.com/keyctl/keyctl/providers"
)

var _ providers.Documented = (*Adapter)(nil)

// Doc describes AWS for 'keyctl providers aws' and the generated docs.
func (a *Adapter) Doc() providers.Doc {
	d := providers.Doc{
		Docs:      Docs,
		Sources:   Sources,
		IDExample: idExample,
		RateLimit: "none documented for these operations; throttling is the Throttling error (400), with no Retry-After: keyctl retries it with backoff and slows down, as for a 429",
		CredentialFrom: "from the AWS credential chain, not KEYCTL_AWS_TOKEN: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (+`AWS_SESSION_TOKEN`), " +
			"`AWS_PROFILE` or the default profile of `~/.aws/config` and `~/.aws/credentials` (SSO, assumed roles, credential_process), web identity, container or instance role",
		Notes: []string{
			"DeleteAccessKey, not UpdateAccessKey Status=Inactive: AWS's quarantine policies for exposed keys (AWSCompromisedKeyQuarantine, …V3) deny iam:UpdateAccessKey but not iam:DeleteAccessKey; a deleted key cannot be restored",
			"ASIA… (temporary STS) keys are refused with nothing sent: AWS documents that temporary credentials cannot be revoked, only denied by an aws:TokenIssueTime policy on the role or user",
			"signed for region us-east-1; the China (iam.cn-north-1.amazonaws.com.cn), GovCloud (iam.us-gov.amazonaws.com) and isolated partitions' hosts of IAM's endpoint rule set, set as the base URL, are signed for their own region (cn-north-1, us-gov-west-1, …); a key works only in its own partition",
			"sent without Accept: application/json; IAM answers XML, and a message is AWS's Error/Message with its Code",
			"the secret access key and session token are never shown: the trace masks Authorization and X-Amz-Security-Token, and the scrubber removes both from every message",
			"leaked keys: a key id alone is deleted by id with the credential chain's credentials; a pair AKID:SECRET deletes itself (DeleteAccessKey without UserName, signed by the pair) and, denied, is deleted by id with the chain's credentials; sts:GetCallerIdentity signed by the pair verifies it (200 live, 403 InvalidClientTokenId dead)",
		},
		Answers: []providers.AnswerDoc{{Status: 200, Outcome: providers.Revoked, Code: exit.OK,
			Notes: []string{"confirmed only by a DeleteAccessKeyResponse body (the Query protocol's answer to the operation)"}}},
	}
	errs := append([]answer(nil), documented...)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].status < errs[j].status })
	for _, e := range errs {
		d.Answers = append(d.Answers, providers.AnswerDoc{Status: e.status, Outcome: e.state, Code: e.exit, Notes: []string{"`" + e.code + "`", e.hint}})
	}
	return d
}
