package contract

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/keyctl/keyctl/internal/sigv4verify"
	awsprov "github.com/keyctl/keyctl/providers/aws"
)

// AWS publishes no OpenAPI description of IAM: its contract is the IAM
// service model (providers/aws/service-model.json, trimmed from botocore)
// and the Query protocol. An IAM stand-in checks every request keyctl sends
// against that model and its SigV4 signature with the SDK's own signer,
// then answers each documented error shape.

// iamModel is the part of the service model the contract rests on.
type iamModel struct {
	Metadata struct {
		APIVersion     string `json:"apiVersion"`
		EndpointPrefix string `json:"endpointPrefix"`
		Protocol       string `json:"protocol"`
	} `json:"iam_metadata"`
	Operations map[string]struct {
		HTTP struct {
			Method     string `json:"method"`
			RequestURI string `json:"requestUri"`
		} `json:"http"`
		Input  struct{ Shape string }   `json:"input"`
		Errors []struct{ Shape string } `json:"errors"`
	} `json:"iam_operations"`
	Shapes map[string]struct {
		Type     string   `json:"type"`
		Required []string `json:"required"`
		Members  map[string]struct {
			Shape string `json:"shape"`
		} `json:"members"`
		Min     int    `json:"min"`
		Max     int    `json:"max"`
		Pattern string `json:"pattern"`
		Error   struct {
			Code           string `json:"code"`
			HTTPStatusCode int    `json:"httpStatusCode"`
		} `json:"error"`
	} `json:"iam_shapes"`
}

func loadIAMModel(t *testing.T) iamModel {
	t.Helper()
	data, err := os.ReadFile("../../providers/aws/service-model.json")
	if err != nil {
		t.Fatal(err)
	}
	var m iamModel
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// iamStandIn is IAM as the model and the Query protocol describe it.
type iamStandIn struct {
	model      iamModel
	mount      string // the path it is served under ("" for the root), before the model's requestUri
	creds      awssdk.Credentials
	mu         sync.Mutex
	violations []string
	bodies     []string
	status     int
	code       string
}

func (s *iamStandIn) violate(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

func (s *iamStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(body))
	status, code := s.status, s.code
	s.mu.Unlock()

	sig, err := sigv4verify.Verify(r, body, s.creds)
	if err != nil {
		s.violate("signature: %v", err)
	} else if sig.Service != s.model.Metadata.EndpointPrefix || sig.Region != "us-east-1" {
		s.violate("signed for %s/%s, want %s/us-east-1", sig.Region, sig.Service, s.model.Metadata.EndpointPrefix)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		s.violate("Content-Type %q is not a form", ct)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		s.violate("body %q is not a form: %v", body, err)
	}
	action := form.Get("Action")
	op, ok := s.model.Operations[action]
	switch {
	case !ok:
		s.violate("Action %q is not an operation of the model", action)
	case r.Method != op.HTTP.Method || r.URL.Path != s.mount+op.HTTP.RequestURI || r.URL.RawQuery != "":
		s.violate("%s %s, the model says %s %s", r.Method, r.URL, op.HTTP.Method, op.HTTP.RequestURI)
	}
	if v := form.Get("Version"); v != s.model.Metadata.APIVersion {
		s.violate("Version %q, the model's is %q", v, s.model.Metadata.APIVersion)
	}
	input := s.model.Shapes[op.Input.Shape]
	for _, name := range input.Required {
		if form.Get(name) == "" {
			s.violate("required member %s missing", name)
		}
	}
	for name, values := range form {
		if name == "Action" || name == "Version" {
			continue
		}
		member, ok := input.Members[name]
		if !ok {
			s.violate("%s is not a member of %s", name, op.Input.Shape)
			continue
		}
		shape := s.model.Shapes[member.Shape]
		for _, v := range values {
			if n := len([]rune(v)); n < shape.Min || (shape.Max > 0 && n > shape.Max) {
				s.violate("%s %q: length %d outside %d..%d", name, v, n, shape.Min, shape.Max)
			}
			if shape.Pattern != "" && !regexp.MustCompile("^(?:"+shape.Pattern+")$").MatchString(v) {
				s.violate("%s %q does not match %s", name, v, shape.Pattern)
			}
		}
	}

	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", "c0ffee00-0000-4000-8000-000000000001")
	w.WriteHeader(status)
	if code == "" {
		fmt.Fprintf(w, `<%sResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>c0ffee00</RequestId></ResponseMetadata></%sResponse>`, action, action)
		return
	}
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code><Message>documented %s answer</Message></Error><RequestId>c0ffee00</RequestId></ErrorResponse>`, code, code)
}

func (s *iamStandIn) take() (violations, bodies []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	violations, bodies = s.violations, s.bodies
	s.violations, s.bodies = nil, nil
	return
}

// awsContractEnv is a clean AWS chain holding creds only.
func awsContractEnv(base string, creds awssdk.Credentials) []string {
	return []string{
		"KEYCTL_AWS_BASE_URL=" + base,
		"AWS_ACCESS_KEY_ID=" + creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey, "AWS_SESSION_TOKEN=" + creds.SessionToken,
		"AWS_CONFIG_FILE=/nonexistent/aws-config", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-credentials", "AWS_EC2_METADATA_DISABLED=true",
	}
}

var contractCreds = awssdk.Credentials{
	AccessKeyID:     "AKIACONTRACTEXAMPLE1",
	SecretAccessKey: "contract/secret/access/key/EXAMPLE000001",
	SessionToken:    "contract-session-token-EXAMPLE-000001",
}

func TestAWSEveryDocumentedAnswer(t *testing.T) {
	if keyctlBin == "" {
		t.Skip(skipWhy)
	}
	model := loadIAMModel(t)
	if model.Metadata.Protocol != "query" || model.Metadata.APIVersion != awsprov.APIVersion || model.Metadata.EndpointPrefix != "iam" {
		t.Fatalf("the adapter and the model disagree: %+v", model.Metadata)
	}
	iam := &iamStandIn{model: model, creds: contractCreds}
	srv := httptest.NewServer(iam)
	defer srv.Close()

	type answer struct {
		status  int
		code    string
		outcome string
		exit    int
	}
	answers := []answer{{200, "", "revoked", 0}}
	// The operation's own errors, from the model.
	want := map[string]answer{
		"NoSuchEntity":   {outcome: "not_found", exit: 6},
		"LimitExceeded":  {outcome: "failed", exit: 7},
		"ServiceFailure": {outcome: "failed", exit: 10},
	}
	op := model.Operations[awsprov.Action]
	for _, e := range op.Errors {
		shape := model.Shapes[e.Shape]
		w, ok := want[shape.Error.Code]
		if !ok {
			t.Errorf("the model documents %s (%d) for %s and keyctl's contract does not", shape.Error.Code, shape.Error.HTTPStatusCode, awsprov.Action)
			continue
		}
		answers = append(answers, answer{shape.Error.HTTPStatusCode, shape.Error.Code, w.outcome, w.exit})
	}
	// AWS's common errors (CommonErrors pages; AccessDenied as the CLI
	// shows it; Throttling as the SDK's retry table names it).
	answers = append(answers,
		answer{403, "AccessDenied", "failed", 5}, answer{403, "AccessDeniedException", "failed", 5},
		answer{403, "InvalidClientTokenId", "failed", 4}, answer{403, "SignatureDoesNotMatch", "failed", 4},
		answer{403, "ExpiredToken", "failed", 4}, answer{403, "ExpiredTokenException", "failed", 4},
		answer{400, "IncompleteSignature", "failed", 4}, answer{500, "InternalFailure", "failed", 10},
		answer{400, "Throttling", "failed", 9}, answer{400, "ThrottlingException", "failed", 9},
	)
	for _, a := range answers {
		for _, user := range []string{"", "Bob.Smith+ops@example"} {
			name := fmt.Sprintf("%d %s user=%q", a.status, a.code, user)
			t.Run(name, func(t *testing.T) {
				iam.mu.Lock()
				iam.status, iam.code = a.status, a.code
				iam.mu.Unlock()
				args := []string{"revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "--retries", "0"}
				if user != "" {
					args = append(args, "--param", "user_name="+user)
				}
				code, rs, stderr := keyctl(t, awsContractEnv(srv.URL, contractCreds), args...)
				violations, bodies := iam.take()
				for _, v := range violations {
					t.Errorf("contract violation: %s", v)
				}
				wantBody := "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=AKIAIOSFODNN7EXAMPLE"
				if user != "" {
					wantBody += "&UserName=" + url.QueryEscape(user)
				}
				if len(bodies) != 1 || bodies[0] != wantBody {
					t.Errorf("bodies %q, want one %q", bodies, wantBody)
				}
				if code != a.exit || len(rs) != 1 || rs[0].Outcome != a.outcome || rs[0].HTTPStatus != a.status {
					t.Fatalf("exit %d results %+v, want exit %d %s %d; stderr %s", code, rs, a.exit, a.outcome, a.status, stderr)
				}
				if a.code != "" && !strings.Contains(rs[0].Message, "documented "+a.code+" answer ("+a.code+")") {
					t.Errorf("message %q lacks AWS's message and code", rs[0].Message)
				}
				for _, secret := range []string{contractCreds.SecretAccessKey, contractCreds.SessionToken} {
					if strings.Contains(stderr+rs[0].Message, secret) {
						t.Error("an AWS secret reached the output")
					}
				}
			})
		}
	}
}

// TestAWSTheStandInCatchesViolations: a request the model or the signature
// does not allow is reported, so the contract test can fail.
func TestAWSTheStandInCatchesViolations(t *testing.T) {
	if keyctlBin == "" {
		t.Skip(skipWhy)
	}
	iam := &iamStandIn{model: loadIAMModel(t), creds: contractCreds, status: 200}
	srv := httptest.NewServer(iam)
	defer srv.Close()

	wrong := contractCreds
	wrong.SecretAccessKey = "not/the/secret/the/stand/in/knows/000001"
	keyctl(t, awsContractEnv(srv.URL, wrong), "revoke", "aws", "AKIAIOSFODNN7EXAMPLE", "--retries", "0")
	if v, _ := iam.take(); len(v) != 1 || !strings.Contains(v[0], "signature") {
		t.Errorf("a wrong secret: violations %q", v)
	}
	// An id off the model's pattern, sent with --skip-id-check.
	keyctl(t, awsContractEnv(srv.URL, contractCreds), "revoke", "aws", "AKIA-SHORT", "--skip-id-check", "--retries", "0")
	if v, _ := iam.take(); len(v) != 2 {
		t.Errorf("an id off the model: violations %q, want its length and its pattern", v)
	}
}
