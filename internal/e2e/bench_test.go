package e2e

import (
	"net/http"
	"os"
	"os/exec"
	"testing"

	"github.com/keyctl/keyctl/internal/testutil"
)

// BenchmarkOneRevokeProcess compares the wall time of one `keyctl revoke`
// process with one `curl -X DELETE` to the same local server: start-up,
// config, one request, output. Target: keyctl within 1.5x of curl.
//
//	go test -run '^$' -bench OneRevokeProcess ./internal/e2e
func BenchmarkOneRevokeProcess(b *testing.B) {
	srv := testutil.NewServer(&testing.T{}, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `{"id":"k","deleted":true}`)
	})
	defer srv.Close()
	home := b.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "KEYCTL_LAVA_TOKEN=bench-token", "KEYCTL_LAVA_BASE_URL=" + srv.URL}

	b.Run("keyctl", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command(binary, "revoke", "lava", "k1", "-o", "json")
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
	})
	// AWS loads the AWS SDK's configuration and signs with SigV4: its cost
	// over a token provider is what this measures.
	iam := testutil.NewServer(&testing.T{}, func(w http.ResponseWriter, r *http.Request, n int) {
		testutil.Respond(w, 200, `<DeleteAccessKeyResponse><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DeleteAccessKeyResponse>`, "Content-Type", "text/xml")
	})
	defer iam.Close()
	b.Run("keyctl-aws", func(b *testing.B) {
		awsEnv := append([]string{"KEYCTL_AWS_BASE_URL=" + iam.URL, "AWS_ACCESS_KEY_ID=AKIABENCHEXAMPLE0001", "AWS_SECRET_ACCESS_KEY=bench/secret/access/key/EXAMPLE000000001",
			"AWS_CONFIG_FILE=" + home + "/aws-config", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/aws-credentials", "AWS_EC2_METADATA_DISABLED=true"}, env...)
		for b.Loop() {
			cmd := exec.Command(binary, "revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "-o", "json")
			cmd.Env = awsEnv
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
	})
	b.Run("curl", func(b *testing.B) {
		curl, err := exec.LookPath("curl")
		if err != nil {
			b.Skip("curl not installed")
		}
		for b.Loop() {
			cmd := exec.Command(curl, "-sS", "-X", "DELETE", "-H", "Authorization: Bearer bench-token", "-o", os.DevNull, srv.URL+"/secret_keys/k1")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
	})
}
