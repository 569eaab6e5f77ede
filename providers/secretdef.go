package providers

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// secretVars are the placeholders of a secret operation's templates.
func (d *Definition) secretVars() map[string]bool {
	v := map[string]bool{"secret": true}
	for _, p := range d.Params {
		v["param."+p.Name] = true
	}
	return v
}

// secretOps are a definition's secret operations by field name.
func (d *Definition) secretOps() map[string]*SecretOperation {
	ops := map[string]*SecretOperation{}
	if d.RevokeBySecret != nil {
		ops["revoke_by_secret"] = d.RevokeBySecret
	}
	if d.Lookup != nil {
		ops["lookup"] = d.Lookup
	}
	if d.Verify != nil {
		ops["verify"] = d.Verify
	}
	return ops
}

func (d *Definition) checkSecret(c *checker) {
	if s := d.Secret; s != nil {
		for i, f := range s.Formats {
			field := fmt.Sprintf("secret.formats.%d", i)
			if f.Pattern == "" {
				c.fail(field+".pattern", "missing: the documented shape of the whole secret")
				continue
			}
			if !strings.HasPrefix(f.Pattern, "^") || !strings.HasSuffix(f.Pattern, "$") {
				c.fail(field+".pattern", "%q must match the whole secret: start with ^ and end with $", f.Pattern)
			}
			checkRegexp(c, field+".pattern", f.Pattern)
			if f.Prefix != "" && !strings.HasPrefix(strings.TrimPrefix(f.Pattern, "^"), regexp.QuoteMeta(f.Prefix)) {
				c.fail(field+".prefix", "%q: the prefix must be the literal start of the pattern", f.Prefix)
			}
			if len(f.Prefix) > 16 {
				c.fail(field+".prefix", "%q: a prefix is the short public part of the format (at most 16 characters)", f.Prefix)
			}
		}
		if s.ID != nil {
			re := checkRegexp(c, "secret.id.pattern", s.ID.Pattern)
			if re != nil && re.NumSubexp() < 1 {
				c.fail("secret.id.pattern", "%q: the id is the first capture group; the pattern has none", s.ID.Pattern)
			}
		}
	}
	ops := d.secretOps()
	if len(ops) > 0 && (d.Secret == nil || len(d.Secret.Formats) == 0) {
		c.fail("secret.formats", "an operation on a secret needs the secret's documented formats")
	}
	for field, op := range ops {
		switch op.Auth {
		case "secret", "none", "credential":
		default:
			c.fail(field+".auth", "%q: use secret (the leaked secret authenticates), credential or none", op.Auth)
		}
		op.Operation.check(c, field, d.secretVars())
		uses := op.Auth == "secret"
		eachTemplate(op.Request, func(t string) {
			if strings.Contains(t, "{secret}") {
				uses = true
			}
		})
		if !uses {
			c.fail(field+".request", "the secret must be sent: auth: secret, or {secret} in the path, query or body")
		}
		if field == "lookup" && op.ID == "" {
			c.fail(field+".id", "missing: the JSON path of the key id in the found answer")
		} else if op.ID != "" {
			if field != "lookup" {
				c.fail(field+".id", "only a lookup reads an id")
			}
			checkJSONPath(c, field+".id", op.ID)
		}
		if op.Batch != 0 {
			switch {
			case field != "revoke_by_secret":
				c.fail(field+".batch", "only revoke_by_secret sends secrets in batches")
			case op.Batch < 1 || op.Batch > 10000:
				c.fail(field+".batch", "%d: the documented number of secrets per request, 1 to 10000", op.Batch)
			case op.Auth == "secret" || op.Request.Body == nil || !arrayHolds(op.Request.Body.JSON, "{secret}"):
				c.fail(field+".batch", "a batch puts its secrets in a JSON body array holding \"{secret}\", in a request the secret does not authenticate")
			}
		}
		if op.Propagation != "" {
			if dur, err := time.ParseDuration(op.Propagation); err != nil || dur <= 0 || dur > 5*time.Minute {
				c.fail(field+".propagation", "%q: a Go duration up to 5m (30s)", op.Propagation)
			}
			if field != "verify" {
				c.fail(field+".propagation", "only verify waits for propagation")
			}
		}
	}
	if d.Lookup != nil && d.Secret != nil && d.Secret.ID != nil {
		c.fail("lookup", "give lookup or secret.id, not both: the id is either looked up or read from the secret")
	}
}

// arrayHolds reports whether a JSON template has an array whose one
// element is the string leaf.
func arrayHolds(v any, leaf string) bool {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if arrayHolds(e, leaf) {
				return true
			}
		}
	case []any:
		if len(x) == 1 && x[0] == leaf {
			return true
		}
		for _, e := range x {
			if arrayHolds(e, leaf) {
				return true
			}
		}
	}
	return false
}

// eachTemplate calls fn with every template of a request.
func eachTemplate(r RequestDef, fn func(string)) {
	fn(r.Path)
	for _, v := range r.Headers {
		fn(v)
	}
	for _, v := range r.Query {
		fn(v)
	}
	if r.Body != nil {
		for _, v := range r.Body.Form {
			fn(v)
		}
		walkStrings(r.Body.JSON, fn)
		if g := r.Body.GraphQL; g != nil {
			walkStrings(g.Variables, fn)
		}
	}
}

// matchesAnyFormat reports whether secret has one of d's documented formats.
func matchesAnyFormat(d *Definition, secret string) bool {
	if d == nil || d.Secret == nil {
		return false
	}
	for _, f := range d.Secret.Formats {
		if re, err := regexp.Compile(f.Pattern); err == nil && re.MatchString(secret) {
			return true
		}
	}
	return false
}
