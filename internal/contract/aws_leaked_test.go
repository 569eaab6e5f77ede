package contract

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
)

// loadSTSModel is the STS part of the service model, read like IAM's.
func loadSTSModel(t *testing.T) iamModel {
	t.Helper()
	data, err := os.ReadFile("../../providers/aws/service-model.json")
	if err != nil {
		t.Fatal(err)
	}
	var parts map[string]json.RawMessage
	if err := json.Unmarshal(data, &parts); err != nil {
		t.Fatal(err)
	}
	renamed, _ := json.Marshal(map[string]json.RawMessage{
		"iam_metadata": parts["sts_metadata"], "iam_operations": parts["sts_operations"], "iam_shapes": parts["sts_shapes"],
	})
	var m iamModel
	if err := json.Unmarshal(renamed, &m); err != nil {
		t.Fatal(err)
	}
	if m.Metadata.EndpointPrefix != "sts" || m.Operations["GetCallerIdentity"].HTTP.Method != "POST" {
		t.Fatalf("no STS in the model: %+v", m.Metadata)
	}
	return m
}

// TestAWSLeakedPairFollowsTheModel: a leaked pair's own DeleteAccessKey
// and its sts:GetCallerIdentity are what the IAM and STS models allow,
// signed by the pair for iam and sts.
func TestAWSLeakedPairFollowsTheModel(t *testing.T) {
	if keyctlBin == "" {
		t.Skip(skipWhy)
	}
	leaked := awssdk.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "leaked/secret/access/key/EXAMPLE00000001"}
	iam := &iamStandIn{model: loadIAMModel(t), creds: leaked, status: 200}
	sts := &iamStandIn{model: loadSTSModel(t), mount: "/sts", creds: leaked, status: 403, code: "InvalidClientTokenId"}
	mux := http.NewServeMux()
	mux.Handle("/sts/", sts)
	mux.Handle("/", iam)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	file := filepath.Join(t.TempDir(), "leaked.txt")
	if err := os.WriteFile(file, []byte(leaked.AccessKeyID+":"+leaked.SecretAccessKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, rs, stderr := keyctl(t, awsContractEnv(srv.URL, contractCreds), "revoke", "--secrets-from", file, "--verify", "--verify-wait", "1s", "--retries", "0")
	for name, s := range map[string]*iamStandIn{"IAM": iam, "STS": sts} {
		violations, bodies := s.take()
		for _, v := range violations {
			t.Errorf("%s contract violation: %s", name, v)
		}
		want := map[string]string{
			"IAM": "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=" + leaked.AccessKeyID,
			"STS": "Action=GetCallerIdentity&Version=2011-06-15",
		}[name]
		if len(bodies) != 1 || bodies[0] != want {
			t.Errorf("%s bodies %q, want one %q", name, bodies, want)
		}
	}
	if code != 0 || len(rs) != 1 || rs[0].Outcome != "confirmed" {
		t.Fatalf("exit %d results %+v; stderr %s", code, rs, stderr)
	}
	if strings.Contains(stderr+rs[0].Message, leaked.SecretAccessKey) {
		t.Error("the leaked secret access key reached the output")
	}
}
