package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// report lays secrets out in one scanner format, each at deploy/<i>.env
// line i+1, with the fields the format's documented schema gives them.
func report(format string, secrets []string) string {
	var parts []string
	for i, s := range secrets {
		q, _ := json.Marshal(s)
		file := fmt.Sprintf("deploy/%d.env", i)
		switch format {
		case "gitleaks", "betterleaks":
			parts = append(parts, fmt.Sprintf(`{"Description":"d","StartLine":%d,"EndLine":%d,"StartColumn":1,"EndColumn":9,"Match":%s,"Secret":%s,"File":%q,"SymlinkFile":"","Commit":"c0ffee%02d","Entropy":4.1,"Author":"a","Email":"e","Date":"2026-01-01T00:00:00Z","Message":"m","Tags":[],"RuleID":"generic-api-key","Fingerprint":"f%d"}`, i+1, i+1, q, q, file, i, i))
		case "trufflehog":
			parts = append(parts, fmt.Sprintf(`{"SourceMetadata":{"Data":{"Git":{"commit":"c0ffee%02d","file":%q,"line":%d}}},"SourceID":1,"SourceType":16,"SourceName":"trufflehog - git","DetectorType":0,"DetectorName":"Generic","DecoderName":"PLAIN","Verified":false,"Raw":%s,"RawV2":"","Redacted":""}`, i, file, i+1, q))
		case "kingfisher":
			parts = append(parts, fmt.Sprintf(`{"rule":{"name":"generic","id":"kingfisher.generic.1"},"finding":{"snippet":%s,"fingerprint":"%d","confidence":"medium","entropy":"4.1","line":%d,"column_start":1,"column_end":9,"path":%q}}`, q, i, i+1, file))
		case "github-secret-scanning":
			parts = append(parts, fmt.Sprintf(`{"number":%d,"created_at":"2026-10-01T08:12:00Z","html_url":"https://github.example/alerts/%d","state":"open","secret_type":"custom","secret_type_display_name":"Custom","secret":%s,"first_location_detected":{"path":%q,"start_line":%d,"end_line":%d,"start_column":1,"end_column":9,"blob_sha":"b","blob_url":"u","commit_sha":"c0ffee%02d","commit_url":"u"}}`, i+1, i+1, q, file, i+1, i+1, i))
		}
	}
	if format == "trufflehog" || format == "kingfisher" {
		return strings.Join(parts, "\n") + "\n"
	}
	return "[" + strings.Join(parts, ",\n") + "]\n"
}

// locatedResult is a result's place in a scanner report.
type locatedResult struct {
	Finding  int `json:"finding"`
	Location struct {
		File string `json:"file"`
		Line int    `json:"line"`
	} `json:"location"`
	Outcome string `json:"outcome"`
}

func TestBinaryTakesEachScannerReport(t *testing.T) {
	// The secrets whose provider their format names: a generic rule
	// leaves the provider to detection.
	var secrets []string
	for _, s := range sandboxSecrets(t) {
		if !strings.Contains(s[1], "Sticky") && detectable(s[1]) && expectedMethod(t, s[0]) != "manual" {
			secrets = append(secrets, s[1])
		}
	}
	if len(secrets) < 8 {
		t.Fatalf("%d detectable seeded secrets", len(secrets))
	}
	for _, format := range []string{"gitleaks", "trufflehog", "kingfisher", "betterleaks", "github-secret-scanning"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "report")
			if err := os.WriteFile(in, []byte(report(format, secrets)), 0o600); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "annotated")
			r := keyctl(t, nil, "revoke", "--sandbox", "--from", in, "--format", format, "--report-out", out, "-o", "json", "--no-audit", "--verify", "--verify-wait", "1s")
			results := parseResults(t, r.stdout)
			if len(results) != len(secrets) {
				t.Fatalf("%d results for %d findings (exit %d):\n%s\n%s", len(results), len(secrets), r.code, r.stdout, r.stderr)
			}
			var located []locatedResult
			for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
				var x locatedResult
				_ = json.Unmarshal([]byte(line), &x)
				located = append(located, x)
			}
			for _, x := range located {
				if x.Finding < 1 || x.Location.File != fmt.Sprintf("deploy/%d.env", x.Finding-1) || x.Location.Line != x.Finding {
					t.Errorf("finding %d at %+v", x.Finding, x.Location)
				}
				if x.Outcome != "confirmed" && x.Outcome != "submitted" && x.Outcome != "revoked" {
					t.Errorf("finding %d: %s", x.Finding, x.Outcome)
				}
			}
			annotated, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(annotated), `"keyctl"`); n != len(secrets) {
				t.Errorf("%d annotations for %d findings", n, len(secrets))
			}
			assertNoSecret(t, secrets, map[string]string{"stdout": r.stdout, "stderr": r.stderr, "the annotated report": string(annotated)})
		})
	}
}
