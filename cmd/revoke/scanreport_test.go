package revoke

import (
	"testing"

	"github.com/keyctl/keyctl/internal/findings"
)

func TestAWSFindingsBecomeKeyPairs(t *testing.T) {
	const id, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	for name, c := range map[string]struct {
		f    findings.Finding
		want string
	}{
		"TruffleHog RawV2 id:secret":  {findings.Finding{Secret: id, Extra: map[string]string{"RawV2": id + ":" + secret}}, id + ":" + secret},
		"TruffleHog RawV2 id+secret":  {findings.Finding{Secret: id, Extra: map[string]string{"RawV2": id + secret}}, id + ":" + secret},
		"TruffleHog without RawV2":    {findings.Finding{Secret: id}, id},
		"RawV2 of another secret":     {findings.Finding{Secret: id, Extra: map[string]string{"RawV2": "other"}}, id},
		"Kingfisher secret with AKID": {findings.Finding{Secret: secret, Extra: map[string]string{"AKID": id}}, id + ":" + secret},
		"gitleaks key id alone":       {findings.Finding{Secret: id}, id},
	} {
		if got := awsPair(c.f); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}
