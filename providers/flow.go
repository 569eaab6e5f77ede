package providers

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/keyctl/keyctl/internal/exit"
)

// Call is one request of a job and how to read its answer.
type Call struct {
	Step     string // OpRevoke, OpRevokeBySecret, OpLookup or OpVerify
	Request  *Request
	Classify func(status int, header http.Header, body []byte) Outcome
	// Delay is a wait before sending: a verification giving the
	// provider's revocation time to propagate.
	Delay time.Duration
}

// Flow is the requests one secret needs, each answer deciding the next:
// look the id up, revoke it, then verify that the secret is dead.
type Flow interface {
	// Next is the call after the answer to the previous one (prev is nil
	// at the start), or nil and the job's final outcome.
	Next(prev *Outcome) (*Call, *Outcome)
	// Method names how the secret is handled ("revoke_by_secret",
	// "lookup+revoke", "id_from_secret+revoke", "verify"), for results.
	Method() string
	// KeyID is the key id found or derived so far, "" if none.
	KeyID() string
	// Plan says in words what follows the first request, for a dry run.
	Plan() string
}

// BatchCall is one request revoking many secrets at once (GitHub takes up
// to 1,000): every secret of the batch shares its answer.
func BatchCall(p SecretHandler, t Target, secrets []string) (*Call, error) {
	b, ok := p.(interface {
		BatchRequest(Target, []string) (*Request, error)
	})
	if !ok {
		return nil, fmt.Errorf("%s has no batch revocation", p.Info().Title)
	}
	req, err := b.BatchRequest(t, secrets)
	if err != nil {
		return nil, err
	}
	return &Call{Step: OpRevokeBySecret, Request: req, Classify: func(status int, h http.Header, body []byte) Outcome {
		return p.SecretClassify(OpRevokeBySecret, status, h, body)
	}}, nil
}

// VerifyBackoff is how long verification waits between checks of a
// secret that still works, doubling up to the propagation budget.
var VerifyBackoff = time.Second

// DefaultPropagation is the verification budget of a provider that
// documents none: revocations are usually seen within seconds.
const DefaultPropagation = 10 * time.Second

// FlowOptions say what a secret's flow does.
type FlowOptions struct {
	Revoke bool // false: only verify (keyctl verify)
	Verify bool // check the secret after revoking it
	// VerifyWait bounds how long a secret that still works after its
	// revocation is checked again; 0 is the provider's documented
	// propagation time, or DefaultPropagation.
	VerifyWait time.Duration
}

// SecretFlow plans the requests for one secret.
func SecretFlow(p SecretHandler, t Target, secret string, o FlowOptions) Flow {
	f := &secretFlow{p: p, t: t, secret: secret, plan: p.SecretPlan(), revoke: o.Revoke, verify: o.Verify, wait: o.VerifyWait}
	switch {
	case !o.Revoke:
		f.method = OpVerify
	case f.plan.BySecret:
		f.method = OpRevokeBySecret
	case f.plan.Lookup:
		f.method = "lookup+revoke"
	case f.plan.Derive:
		f.method = "id_from_secret+revoke"
		f.id, _ = p.DeriveID(secret)
	default:
		f.method = "manual"
	}
	return f
}

type secretFlow struct {
	p      SecretHandler
	t      Target
	secret string
	plan   SecretPlan
	revoke bool
	verify bool
	method string
	id     string
	wait   time.Duration

	step     string   // the step whose answer comes next
	revoked  *Outcome // the revocation's outcome, once known
	waited   time.Duration
	attempts int // verifications sent
}

func (f *secretFlow) Method() string { return f.method }
func (f *secretFlow) KeyID() string  { return f.id }

func (f *secretFlow) Plan() string {
	var steps []string
	switch f.method {
	case "lookup+revoke":
		steps = append(steps, "revoke the id it returns with "+f.p.Info().Endpoint+" and the "+f.p.Info().Title+" credential")
	case "id_from_secret+revoke":
		steps = []string{"(the key id " + f.id + " is read from the secret)"}
	}
	if f.revoke && f.verify {
		if f.plan.Verify {
			steps = append(steps, "verify that the provider refuses the secret")
		} else {
			steps = append(steps, "no verification: the provider documents none for this secret")
		}
	}
	return strings.Join(steps, ", then ")
}

func (f *secretFlow) Next(prev *Outcome) (*Call, *Outcome) {
	title := f.p.Info().Title
	if prev == nil {
		switch f.method {
		case OpVerify:
			return f.verifyCall(0)
		case OpRevokeBySecret:
			return f.call(OpRevokeBySecret)
		case "lookup+revoke":
			return f.call(OpLookup)
		case "id_from_secret+revoke":
			if f.id == "" {
				return nil, &Outcome{State: Failed, Code: exit.Manual, Message: "the secret does not carry its key id in the documented format; " + f.plan.Manual}
			}
			return f.call(OpRevoke)
		}
		return nil, &Outcome{State: Failed, Code: exit.Manual, Message: fmt.Sprintf("%s offers no request that revokes a secret by its value or finds its id; %s", title, f.plan.Manual)}
	}
	switch f.step {
	case OpLookup:
		switch prev.State {
		case Found:
			f.id = prev.ID
			return f.call(OpRevoke)
		case Dead:
			return nil, &Outcome{State: Dead, Code: exit.OK, Message: prev.Message + "; nothing to revoke"}
		}
		return nil, prev
	case OpVerify:
		return f.afterVerify(prev)
	}
	// A revocation's answer.
	if !f.verify || (prev.State != Revoked && prev.State != Submitted && prev.State != AlreadyRevoked) {
		return nil, prev
	}
	f.revoked = prev
	if !f.plan.Verify {
		o := *prev
		o.Code = exit.Unverified
		o.Message = prev.Message + fmt.Sprintf("; not verified: %s documents no request that tells whether this secret still works", title)
		return nil, &o
	}
	return f.verifyCall(0)
}

func (f *secretFlow) call(op string) (*Call, *Outcome) {
	f.step = op
	if op == OpRevoke && f.t.Token == "" {
		name := f.p.Info().Name
		return nil, &Outcome{State: Failed, Code: exit.Config, Message: fmt.Sprintf("the key id is %s, but revoking it by id needs a %s credential (%s): set KEYCTL_%s_TOKEN or providers.%s.token_command, then run: keyctl revoke %s %s; nothing revoked",
			f.id, f.p.Info().Title, f.p.Info().Credential, strings.ToUpper(name), name, name, f.id)}
	}
	req, err := f.p.SecretRequest(op, f.t, f.secret, f.id)
	if err != nil {
		code := exit.Usage
		if _, ok := err.(*MissingParamError); ok {
			code = exit.Config
		}
		return nil, &Outcome{State: Failed, Code: code, Message: err.Error() + "; nothing sent"}
	}
	return &Call{Step: op, Request: req, Classify: func(status int, h http.Header, body []byte) Outcome {
		if op == OpRevoke { // an answer listing what it revoked must name this id
			return ClassifyAnswer(f.p, f.id, status, h, body)
		}
		return f.p.SecretClassify(op, status, h, body)
	}}, nil
}

func (f *secretFlow) verifyCall(delay time.Duration) (*Call, *Outcome) {
	if !f.plan.Verify {
		return nil, &Outcome{State: Unverified, Code: exit.Unverified, Message: fmt.Sprintf("%s documents no request that tells whether this secret still works; check it in %s's dashboard", f.p.Info().Title, f.p.Info().Title)}
	}
	c, o := f.call(OpVerify)
	if c != nil {
		c.Delay = delay
		f.attempts++
	}
	return c, o
}

// afterVerify reads a verification: a dead secret confirms the
// revocation; a live one is checked again until the provider's propagation
// time has passed.
func (f *secretFlow) afterVerify(v *Outcome) (*Call, *Outcome) {
	title := f.p.Info().Title
	if f.revoked == nil { // keyctl verify
		switch v.State {
		case Live, Dead:
			return nil, v
		}
		o := *v
		if o.State != Failed || o.Code == exit.Unexpected {
			o.Code = exit.Unverified
		}
		o.State = Unverified
		return nil, &o
	}
	switch v.State {
	case Dead:
		return nil, &Outcome{State: Confirmed, Code: exit.OK, Message: f.revoked.Message + "; confirmed: " + v.Message}
	case Live:
		budget := f.wait
		if budget == 0 {
			budget = f.plan.Propagation
		}
		if budget == 0 {
			budget = DefaultPropagation
		}
		d := VerifyBackoff << min(f.attempts-1, 6)
		if f.waited+d <= budget {
			f.waited += d
			return f.verifyCall(d)
		}
		o := *f.revoked
		o.Code = exit.StillLive
		o.Message = fmt.Sprintf("%s; but %s still accepts the secret %s after the revocation (checked %d times): it may still work, check it in %s's dashboard",
			f.revoked.Message, title, f.waited.Round(time.Second), f.attempts, title)
		return nil, &o
	}
	o := *f.revoked
	o.Code = exit.Unverified
	o.Message = f.revoked.Message + "; not verified: " + v.Message
	return nil, &o
}

// FlowMaker is a SecretHandler whose secrets do not fit SecretFlow (AWS:
// a key id alone is revoked by id, a key pair deletes itself and falls
// back to the configured credential when its own policy forbids it). It
// plans each secret itself.
type FlowMaker interface {
	SecretHandler
	// SecretCredential says whether acting on this secret needs the
	// configured credential (CredentialRequired), may use it
	// (CredentialOptional: a fallback) or never does (CredentialNone).
	SecretCredential(secret string, o FlowOptions) CredentialNeed
	// SecretFingerprint names the secret in results and the audit log.
	SecretFingerprint(secret string) string
	// SecretFlow plans the requests for one secret; t carries the
	// credential when it was needed or could be loaded.
	SecretFlow(t Target, secret string, o FlowOptions) Flow
}

// CredentialNeed is how much a secret's flow needs the configured
// credential.
type CredentialNeed int

const (
	CredentialNone CredentialNeed = iota
	CredentialOptional
	CredentialRequired
)
