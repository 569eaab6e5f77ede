package findings

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden annotated reports in testdata/golden")

type sample struct {
	file   string
	format Format
}

var samples = []sample{
	{"gitleaks.json", Gitleaks},
	{"betterleaks.json", Betterleaks},
	{"trufflehog.jsonl", TruffleHog},
	{"kingfisher.jsonl", Kingfisher},
	{"kingfisher-envelope.json", Kingfisher},
	{"kingfisher-legacy.json", Kingfisher},
	{"github-secret-scanning.json", GitHubSecretScanning},
}

func readAll(t testing.TB, r io.Reader, f Format) []Finding {
	t.Helper()
	var out []Finding
	for fd := range Read(r, f) {
		out = append(out, fd)
	}
	return out
}

func readSample(t testing.TB, s sample) []Finding {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", s.file))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	return readAll(t, fh, s.format)
}

// want describes a finding without repeating its secret: the secret's
// start and length identify it well enough.
type want struct {
	rule, provider string
	secretPrefix   string
	secretLen      int
	loc            string // Location.String()
	source         string
	err            string // a part of Err; "" for a good finding
	extra          []string
}

func check(t *testing.T, got []Finding, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, g := range got {
			t.Logf("got %d rule=%q provider=%q loc=%q err=%q", g.Index, g.Rule, g.Provider, g.Location, g.Err)
		}
		t.Fatalf("%d findings, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		g := got[i]
		if g.Index != i {
			t.Errorf("finding %d: Index %d", i, g.Index)
		}
		if w.err != "" {
			if !strings.Contains(g.Err, w.err) || g.Secret != "" {
				t.Errorf("finding %d: Err %q (secret set: %v), want it to say %q", i, g.Err, g.Secret != "", w.err)
			}
			continue
		}
		if g.Err != "" {
			t.Errorf("finding %d: unexpected Err %q", i, g.Err)
		}
		if g.Rule != w.rule || g.Provider != w.provider {
			t.Errorf("finding %d: rule %q provider %q, want %q %q", i, g.Rule, g.Provider, w.rule, w.provider)
		}
		if !strings.HasPrefix(g.Secret, w.secretPrefix) || len(g.Secret) != w.secretLen {
			t.Errorf("finding %d: secret does not start with %q or is %d long, want %d", i, w.secretPrefix, len(g.Secret), w.secretLen)
		}
		if g.Location.String() != w.loc {
			t.Errorf("finding %d: location %q, want %q", i, g.Location, w.loc)
		}
		if g.Location.Source != w.source {
			t.Errorf("finding %d: source %q, want %q", i, g.Location.Source, w.source)
		}
		var keys []string
		for k := range g.Extra {
			keys = append(keys, k)
		}
		if fmt.Sprint(sortStrings(keys)) != fmt.Sprint(sortStrings(w.extra)) {
			t.Errorf("finding %d: extra keys %v, want %v", i, keys, w.extra)
		}
	}
}

func sortStrings(s []string) []string {
	c := append([]string(nil), s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return c
}

func TestReadGitleaks(t *testing.T) {
	got := readSample(t, samples[0])
	check(t, got, []want{
		{rule: "github-pat", provider: "github", secretPrefix: "ghp_", secretLen: 40, loc: ".github/workflows/deploy.yml:41@6f1c2e9a4b7d"},
		{rule: "gitlab-pat", provider: "gitlab", secretPrefix: "glpat-", secretLen: 26, loc: "ci/mirror.sh:7@6f1c2e9a4b7d"},
		{rule: "slack-bot-token", provider: "slack", secretPrefix: "xoxb-", secretLen: 56, loc: "config/.env.production:3@0b9e8d7c6a5f"},
		{rule: "openai-api-key", provider: "openaiadmin", secretPrefix: "sk-admin-", secretLen: 67, loc: "scripts/usage_report.py:18@0b9e8d7c6a5f"},
		{rule: "aws-access-token", provider: "aws", secretPrefix: "AKIA", secretLen: 20, loc: "terraform/backend.tf:22@0b9e8d7c6a5f"},
		{rule: "generic-api-key", provider: "", secretPrefix: "", secretLen: 32, loc: "services/billing/config.yaml:9@0b9e8d7c6a5f"},
		{err: "record 7 at byte "},
		{err: "written with --redact"},
	})
	if got[0].Location.URL == "" {
		t.Error("the gitleaks Link was not kept as the location's URL")
	}
	if !strings.Contains(got[6].Err, "no RuleID") {
		t.Errorf("Err %q does not say what is missing", got[6].Err)
	}
}

func TestReadBetterleaks(t *testing.T) {
	check(t, readSample(t, samples[1]), []want{
		{rule: "github-fine-grained-pat", provider: "github", secretPrefix: "github_pat_", secretLen: 93, loc: "deploy/staging.env:4@3c5e7a9b1d2f"},
		{rule: "aws-access-token", provider: "aws", secretPrefix: "AKIA", secretLen: 20, loc: "deploy/staging.env:5@3c5e7a9b1d2f"},
		{rule: "dockerhub-personal-access-token", provider: "dockerhub", secretPrefix: "dckr_pat_", secretLen: 36, loc: "ci/registry.yml:12@3c5e7a9b1d2f"},
		{rule: "huggingface-access-token", provider: "huggingface", secretPrefix: "hf_", secretLen: 37, loc: "notebooks/train.ipynb:77@3c5e7a9b1d2f"},
		{rule: "curl-auth-header", provider: "", secretPrefix: "Zm9v", secretLen: 12, loc: "docs/runbook.md:30@3c5e7a9b1d2f"},
		{err: "no secret (Secret is empty or missing)"},
	})
}

func TestReadTruffleHog(t *testing.T) {
	got := readSample(t, samples[2])
	check(t, got, []want{
		{rule: "Github", provider: "github", secretPrefix: "ghp_", secretLen: 40, loc: ".github/workflows/deploy.yml:41@6f1c2e9a4b7d", source: "Git"},
		{rule: "AWS", provider: "aws", secretPrefix: "AKIA", secretLen: 20, loc: "terraform/backend.tf:22@6f1c2e9a4b7d", source: "Github",
			extra: []string{"RawV2", "access_key_id", "secret_access_key"}},
		{rule: "Slack", provider: "slack", secretPrefix: "xoxb-", secretLen: 56, loc: "config/.env.production:3", source: "Filesystem"},
		{err: "record 4 at byte 2439 is not JSON"},
		{rule: "HuggingFace", provider: "huggingface", secretPrefix: "hf_", secretLen: 37, loc: "notebooks/train.ipynb:77@6f1c2e9a4b7d", source: "Git"},
		{rule: "SendGrid", provider: "sendgrid", secretPrefix: "SG.", secretLen: 69, loc: "mailer/settings.py:12@6f1c2e9a4b7d", source: "Git"},
		{rule: "OpenAIAdmin", provider: "openaiadmin", secretPrefix: "sk-admin-", secretLen: 67, loc: "scripts/usage_report.py:18", source: "Filesystem"},
		{rule: "OpenAI", provider: "openai", secretPrefix: "sk-proj-", secretLen: 110, loc: "app/llm.py:5@6f1c2e9a4b7d", source: "Git"},
		{err: "record 9 at byte "},
		{rule: "PrivateKey", provider: "", secretPrefix: "-----BEGIN OPENSSH", secretLen: 141, loc: "scripts/sync.sh:2@6f1c2e9a4b7d", source: "Git"},
		{rule: "NpmToken", provider: "npm", secretPrefix: "npm_", secretLen: 40, loc: "package/.npmrc:1@6f1c2e9a4b7d", source: "Git"},
	})
	aws := got[1]
	if aws.Extra["secret_access_key"] == "" || aws.Extra["RawV2"] != aws.Secret+":"+aws.Extra["secret_access_key"] {
		t.Error("the AWS secret access key was not paired with its key id")
	}
	if aws.Location.URL == "" {
		t.Error("the Github source's link was not kept")
	}
	if !strings.Contains(got[8].Err, "its line ends before the JSON value does") {
		t.Errorf("cut line: Err %q", got[8].Err)
	}
}

func TestReadKingfisher(t *testing.T) {
	gh := want{rule: "kingfisher.github.1", provider: "github", secretPrefix: "ghp_", secretLen: 40, loc: "deploy/.env:3@0b9e8d7c6a5f", source: "https://github.com/acme/infra"}
	npm := want{rule: "kingfisher.npm.1", provider: "npm", secretPrefix: "npm_", secretLen: 40, loc: "web/.npmrc:1@0b9e8d7c6a5f", source: "https://github.com/acme/infra"}
	gl := want{rule: "kingfisher.gitlab.1", provider: "gitlab", secretPrefix: "glpat-", secretLen: 26, loc: "ci/.gitlab-ci.yml:14@0b9e8d7c6a5f", source: "https://github.com/acme/infra"}
	t.Run("jsonl", func(t *testing.T) {
		got := readSample(t, samples[3])
		check(t, got, []want{
			gh,
			{rule: "kingfisher.aws.2", provider: "aws", secretPrefix: "", secretLen: 40, loc: "terraform/prod.tfvars:8@0b9e8d7c6a5f", source: "https://github.com/acme/infra", extra: []string{"AKID"}},
			{rule: "kingfisher.slack.2", provider: "slack", secretPrefix: "xoxp-", secretLen: 77, loc: "scripts/notify.py:21@0b9e8d7c6a5f", source: "https://github.com/acme/infra"},
			npm,
			{rule: "kingfisher.doppler.2", provider: "doppler", secretPrefix: "dp.pt.", secretLen: 49, loc: "ops/doppler.yaml:6@0b9e8d7c6a5f", source: "https://github.com/acme/infra"},
			{err: "not a Kingfisher finding"},
			gl,
		})
		if !strings.HasPrefix(got[1].Extra["AKID"], "AKIA") {
			t.Error("the AWS key id the secret was validated with is not in Extra")
		}
		if got[0].Location.URL == "" {
			t.Error("the finding's git URL was not kept")
		}
	})
	t.Run("envelope", func(t *testing.T) {
		check(t, readSample(t, samples[4]), []want{gh, npm})
	})
	t.Run("legacy array", func(t *testing.T) {
		old := want{rule: "kingfisher.github.1", provider: "github", secretPrefix: "ghp_", secretLen: 40, loc: "old/.env:2@0b9e8d7c6a5f", source: "https://github.com/acme/infra"}
		check(t, readSample(t, samples[5]), []want{gh, old, gl})
	})
}

func TestReadGitHubSecretScanning(t *testing.T) {
	got := readSample(t, samples[6])
	const src = ""
	check(t, got, []want{
		{rule: "github_personal_access_token", provider: "github", secretPrefix: "ghp_", secretLen: 40, loc: ".github/workflows/deploy.yml:41@6f1c2e9a4b7d"},
		{rule: "slack_incoming_webhook_url", provider: "slack", secretPrefix: "https://hooks.slack.com/services/T", secretLen: 79, loc: "alerts/notify.sh:4@6f1c2e9a4b7d"},
		{rule: "openai_api_key", provider: "openai", secretPrefix: "sk-proj-", secretLen: 110, loc: "app/llm.py:5@0b9e8d7c6a5f"},
		{rule: "anthropic_admin_api_key", provider: "anthropic", secretPrefix: "sk-ant-admin01-", secretLen: 110, loc: "scripts/usage.ts:3@0b9e8d7c6a5f"},
		{rule: "aws_access_key_id", provider: "aws", secretPrefix: "AKIA", secretLen: 20, loc: "terraform/backend.tf:22@0b9e8d7c6a5f"},
		{rule: "hf_user_access_token", provider: "huggingface", secretPrefix: "hf_", secretLen: 37, loc: "notebooks/train.ipynb:77@0b9e8d7c6a5f"},
		{rule: "npm_access_token", provider: "npm", secretPrefix: "npm_", secretLen: 40, loc: "package/.npmrc:1@0b9e8d7c6a5f"},
		{rule: "digitalocean_personal_access_token", provider: "digitalocean", secretPrefix: "dop_v1_", secretLen: 71, loc: "deploy/do.sh:2@0b9e8d7c6a5f"},
		{err: "no secret (secret is empty or missing)"},
		{rule: "azure_sql_connection_string", provider: "", secretPrefix: "Server=tcp:", secretLen: 78, loc: "db/conn.cfg:1@0b9e8d7c6a5f"},
	})
	if got[0].Location.URL != "https://github.com/acme/payments/security/secret-scanning/12" {
		t.Errorf("alert URL %q", got[0].Location.URL)
	}
	_ = src
}

// secretsOf collects every secret and companion value Read finds in a sample.
func secretsOf(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Secret != "" {
			out = append(out, f.Secret)
		}
		for _, v := range f.Extra {
			out = append(out, v)
		}
	}
	return out
}

// testLookup stands in for keyctl's results: a fingerprint made from the
// secret, an outcome per index.
func testLookup(fs []Finding) func(int) (Annotation, bool) {
	return func(i int) (Annotation, bool) {
		if i >= len(fs) {
			return Annotation{}, false
		}
		f := fs[i]
		if f.Err != "" {
			return Annotation{Outcome: "failed", Message: "the finding could not be read", ExitCode: 2}, true
		}
		if i%5 == 4 {
			return Annotation{}, false // no result recorded for this one
		}
		sum := sha256.Sum256([]byte(f.Secret))
		return Annotation{Outcome: "revoked", Fingerprint: fmt.Sprintf("%s…%s sha256:%x", f.Provider, f.Secret[len(f.Secret)-2:], sum[:4]), ExitCode: 0}, true
	}
}

// jsonValues decodes a stream of JSON values, failing on anything else.
func jsonValues(t *testing.T, b []byte) []any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	var vals []any
	for {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			return vals
		}
		if err != nil {
			t.Fatalf("the annotated report is not valid JSON: %v", err)
		}
		vals = append(vals, v)
	}
}

func assertNoSecrets(t *testing.T, what string, out []byte, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) >= 8 && bytes.Contains(out, []byte(s)) {
			t.Errorf("%s contains a secret of the report (one starting %.6q…)", what, s)
		}
	}
}

func TestAnnotateGolden(t *testing.T) {
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			fs := readSample(t, s)
			in, err := os.ReadFile(filepath.Join("testdata", s.file))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := Annotate(bytes.NewReader(in), s.format, &out, testLookup(fs)); err != nil {
				t.Fatal(err)
			}
			assertNoSecrets(t, "the annotated report", out.Bytes(), secretsOf(fs))
			for _, f := range fs {
				assertNoSecrets(t, "an Err", []byte(f.Err), secretsOf(fs))
			}

			// Every finding carries exactly one keyctl annotation, in order.
			n := bytes.Count(out.Bytes(), []byte(`"keyctl":{"index":`))
			if n != len(fs) {
				t.Errorf("%d keyctl annotations, want one per finding (%d)", n, len(fs))
			}
			for i := range fs {
				if !bytes.Contains(out.Bytes(), fmt.Appendf(nil, `"keyctl":{"index":%d,`, i)) {
					t.Errorf("no annotation for finding %d", i)
				}
			}
			jsonValues(t, out.Bytes())

			golden := filepath.Join("testdata", "golden", s.file+".annotated")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("annotated report differs from %s (go test -update rewrites it):\n%s", golden, out.String())
			}
		})
	}
}

// The golden files are what gets attached to tickets: they must hold
// fingerprints, never a secret of any sample.
func TestGoldenFilesHoldNoSecrets(t *testing.T) {
	var all []string
	for _, s := range samples {
		all = append(all, secretsOf(readSample(t, s))...)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if len(files) != len(samples) {
		t.Fatalf("%d golden files, want %d", len(files), len(samples))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecrets(t, f, b, all)
		if !bytes.Contains(b, []byte("sha256:")) {
			t.Errorf("%s shows no fingerprint", f)
		}
	}
}

func TestAnnotateKeepsLayoutAndOtherRecords(t *testing.T) {
	in, _ := os.ReadFile(filepath.Join("testdata", "kingfisher.jsonl"))
	var out bytes.Buffer
	if err := Annotate(bytes.NewReader(in), Kingfisher, &out, func(int) (Annotation, bool) { return Annotation{}, false }); err != nil {
		t.Fatal(err)
	}
	inLines := strings.Split(strings.TrimSpace(string(in)), "\n")
	outLines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(inLines) != len(outLines) {
		t.Fatalf("%d lines in, %d out: JSON Lines must stay one record a line", len(inLines), len(outLines))
	}
	// The access-map and audit lines carry no finding: unchanged.
	for _, i := range []int{len(inLines) - 2, len(inLines) - 1} {
		if inLines[i] != outLines[i] {
			t.Errorf("line %d changed:\n%s\n%s", i+1, inLines[i], outLines[i])
		}
	}
	// Without a result, the secret is still replaced.
	assertNoSecrets(t, "the annotated report", out.Bytes(), secretsOf(readAll(t, bytes.NewReader(in), Kingfisher)))
	if !strings.Contains(outLines[0], `"snippet":"[redacted]"`) || !strings.Contains(outLines[0], "keyctl recorded no result") {
		t.Errorf("first record: %s", outLines[0])
	}
}

// A malformed record in the middle of a gitleaks array: the findings
// before it are kept, the fault is one finding saying where, and the
// annotated report is still valid JSON.
func TestMalformedMidArray(t *testing.T) {
	secret := "ghp_" + strings.Repeat("Zq9", 12)
	good := `{"RuleID":"github-pat","Secret":"` + secret + `","File":"a.env","StartLine":1}`
	report := "[\n " + good + ",\n " + good + ",\n {\"RuleID\":\"github-pat\",\"Secret\":\"" + secret + "\"} \"oops\",\n " + good + "\n]\n"
	got := readAll(t, strings.NewReader(report), Gitleaks)
	if len(got) != 4 {
		t.Fatalf("%d findings, want the 3 before the fault and 1 for it: %+v", len(got), got)
	}
	for _, f := range got[:3] {
		if f.Err != "" || f.Secret != secret {
			t.Fatalf("findings before the fault lost: %+v", got[:3])
		}
	}
	e := got[3].Err
	if !strings.Contains(e, "malformed JSON at byte ") || !strings.Contains(e, "after record 3") || !strings.Contains(e, "rest of the report was not read") {
		t.Errorf("Err %q does not say where and what follows", e)
	}
	if strings.Contains(e, secret) || strings.Contains(e, "oops") {
		t.Errorf("Err %q quotes the report", e)
	}

	var out bytes.Buffer
	if err := Annotate(strings.NewReader(report), Gitleaks, &out, func(int) (Annotation, bool) { return Annotation{Fingerprint: "fp"}, true }); err != nil {
		t.Fatal(err)
	}
	vals := jsonValues(t, out.Bytes())
	if len(vals) != 1 || len(vals[0].([]any)) != 4 {
		t.Fatalf("annotated report: %s", out.String())
	}
	assertNoSecrets(t, "the annotated report", out.Bytes(), []string{secret})
}

// A JSON Lines report goes on after a malformed or cut line.
func TestMalformedLinesResume(t *testing.T) {
	raw := "ghp_" + strings.Repeat("Tk4", 12)
	line := `{"DetectorName":"Github","Raw":"` + raw + `"}`
	report := line + "\n{\"DetectorName\":\"Github\",\"Raw\":\"" + raw[:10] + "\n" + line + "\n{\"DetectorName\":\"Github\" \"Raw\":1}\n" + line + "\n"
	got := readAll(t, strings.NewReader(report), TruffleHog)
	if len(got) != 5 {
		t.Fatalf("%d findings, want 5", len(got))
	}
	for _, i := range []int{0, 2, 4} {
		if got[i].Err != "" || got[i].Secret != raw {
			t.Errorf("finding %d: %+v", i, got[i].Err)
		}
	}
	if !strings.Contains(got[1].Err, "record 2 at byte 75 is cut short") {
		t.Errorf("cut line: %q", got[1].Err)
	}
	if !strings.Contains(got[3].Err, "record 4 at byte ") || !strings.Contains(got[3].Err, "malformed JSON at offset 25") {
		t.Errorf("bad line: %q", got[3].Err)
	}
	var out bytes.Buffer
	if err := Annotate(strings.NewReader(report), TruffleHog, &out, func(int) (Annotation, bool) { return Annotation{}, false }); err != nil {
		t.Fatal(err)
	}
	if n := len(jsonValues(t, out.Bytes())); n != 5 {
		t.Errorf("%d annotated records, want 5:\n%s", n, out.String())
	}
	assertNoSecrets(t, "the annotated report", out.Bytes(), []string{raw})
}

func TestCutShortReport(t *testing.T) {
	secret := "glpat-" + strings.Repeat("x7", 10)
	report := `[{"RuleID":"gitlab-pat","Secret":"` + secret + `"},{"RuleID":"gitlab-pat","Secret":"` + secret[:9]
	got := readAll(t, strings.NewReader(report), Gitleaks)
	if len(got) != 2 || got[0].Secret != secret || !strings.Contains(got[1].Err, "record 2 at byte 63: the report ends inside it") {
		t.Fatalf("%+v", got)
	}
	var out bytes.Buffer
	Annotate(strings.NewReader(report), Gitleaks, &out, func(int) (Annotation, bool) { return Annotation{}, false })
	if v := jsonValues(t, out.Bytes()); len(v) != 1 || len(v[0].([]any)) != 2 {
		t.Errorf("annotated: %s", out.String())
	}
	if strings.Contains(out.String(), secret[:9]) {
		t.Error("the cut record's bytes reached the annotated report")
	}
}

// heapGrowth runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 16 MiB record is skipped without being held: reading allocates a small
// fraction of it, reports it as one finding and goes on.
func TestOversizedRecordIsSkippedNotHeld(t *testing.T) {
	const huge = 16 << 20
	secret := "hf_" + strings.Repeat("Qw", 17)
	good := `{"DetectorName":"HuggingFace","Raw":"` + secret + `"}` + "\n"
	for _, tc := range []struct {
		format Format
		report func(io.Writer)
	}{
		{TruffleHog, func(w io.Writer) {
			io.WriteString(w, good)
			io.WriteString(w, `{"DetectorName":"HuggingFace","Raw":"`+secret+`","ExtraData":{"blob":"`)
			chunk := bytes.Repeat([]byte(secret), 1024)
			for n := 0; n < huge; n += len(chunk) {
				w.Write(chunk)
			}
			io.WriteString(w, "\"}}\n")
			io.WriteString(w, good)
		}},
		{Gitleaks, func(w io.Writer) {
			g := `{"RuleID":"huggingface-access-token","Secret":"` + secret + `"}`
			io.WriteString(w, "["+g+",\n")
			io.WriteString(w, `{"RuleID":"huggingface-access-token","Secret":"`+secret+`","Match":[`)
			chunk := bytes.Repeat([]byte(`"`+secret+`",`), 512)
			for n := 0; n < huge; n += len(chunk) {
				w.Write(chunk)
			}
			io.WriteString(w, "0]},\n"+g+"]\n")
		}},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			var got []Finding
			alloc := allocated(func() {
				pr, pw := io.Pipe()
				go func() { tc.report(pw); pw.Close() }()
				got = readAll(t, pr, tc.format)
			})
			if len(got) != 3 || got[0].Secret != secret || got[2].Secret != secret {
				t.Fatalf("%d findings: %+v", len(got), got)
			}
			if !strings.Contains(got[1].Err, "record 2 at byte ") || !strings.Contains(got[1].Err, "over the 1048576-byte limit") {
				t.Errorf("Err %q", got[1].Err)
			}
			if alloc > 6<<20 {
				t.Errorf("reading a %d MiB record allocated %d MiB: it was held", huge>>20, alloc>>20)
			}

			pr, pw := io.Pipe()
			go func() { tc.report(pw); pw.Close() }()
			var out bytes.Buffer
			if err := Annotate(pr, tc.format, &out, func(int) (Annotation, bool) { return Annotation{Fingerprint: "hf…Qw sha256:00"}, true }); err != nil {
				t.Fatal(err)
			}
			if out.Len() > 4096 || strings.Contains(out.String(), secret) {
				t.Errorf("annotated report (%d bytes) kept the oversized record or a secret", out.Len())
			}
			jsonValues(t, out.Bytes())
		})
	}
}

func TestDetect(t *testing.T) {
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			fh, err := os.Open(filepath.Join("testdata", s.file))
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			br := bufio.NewReader(fh)
			f, err := Detect(br)
			if err != nil || f != s.format {
				t.Fatalf("Detect = %q, %v; want %q", f, err, s.format)
			}
			// Detect consumed nothing: the whole report is still there.
			if n, want := len(readAll(t, br, f)), len(readSample(t, s)); n != want {
				t.Errorf("after Detect, %d findings, want %d", n, want)
			}
		})
	}
	var amb *AmbiguousError
	_, err := Detect(bufio.NewReader(strings.NewReader(" [ ]\n")))
	if !errors.As(err, &amb) || len(amb.Candidates) != 4 || !strings.Contains(err.Error(), "--format") ||
		!strings.Contains(err.Error(), "gitleaks, betterleaks, kingfisher or github-secret-scanning") {
		t.Errorf("empty array: %v", err)
	}
	for in, msg := range map[string]string{
		"":                       "the report is empty",
		"ghp_abcdefghijklmnop\n": "not JSON",
		`[{"foo": 1}]`:           "matches none of the known formats",
	} {
		if _, err := Detect(bufio.NewReader(strings.NewReader(in))); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Detect(%q) = %v, want it to say %q", in, err, msg)
		}
		if _, err := Detect(bufio.NewReader(strings.NewReader(in))); err != nil && strings.Contains(err.Error(), "ghp_") {
			t.Errorf("Detect quotes the report: %v", err)
		}
	}
	// A first finding cut by the peek window still names its format.
	long := `[{"RuleID":"github-pat","Match":"` + strings.Repeat("x", 10000) + `"}]`
	if f, err := Detect(bufio.NewReader(strings.NewReader(long))); err != nil || f != Gitleaks {
		t.Errorf("long first record: %q %v", f, err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		if g, err := ParseFormat(strings.ToUpper(string(f))); err != nil || g != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, g, err)
		}
	}
	if _, err := ParseFormat("sarif"); err == nil || !strings.Contains(err.Error(), "gitleaks, trufflehog, kingfisher, betterleaks, github-secret-scanning") {
		t.Errorf("ParseFormat(sarif) = %v", err)
	}
	got := readAll(t, strings.NewReader("[]"), Format("sarif"))
	if len(got) != 1 || !strings.Contains(got[0].Err, "unknown report format") {
		t.Errorf("Read with an unknown format: %+v", got)
	}
	if err := Annotate(strings.NewReader("[]"), Format("sarif"), io.Discard, nil); err == nil {
		t.Error("Annotate accepted an unknown format")
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestAnnotateReportsWriteErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 5000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"RuleID":"github-pat","Secret":"ghp_` + strings.Repeat("a", 36) + `"}`)
	}
	b.WriteString("]")
	err := Annotate(strings.NewReader(b.String()), Gitleaks, &failingWriter{n: 100 << 10}, func(int) (Annotation, bool) { return Annotation{}, false })
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Annotate = %v, want the write error", err)
	}
}
