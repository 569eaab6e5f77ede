// Package findings reads the reports of secret scanners (gitleaks,
// TruffleHog, Kingfisher, Betterleaks, GitHub secret scanning) as a stream of
// leaked secrets, and writes a report back annotated with what became of
// each one, its secrets replaced by fingerprints so that it can be attached
// to a ticket.
//
// Reports are streamed: memory stays bounded by one record (MaxRecordBytes),
// whatever the report's size. A record that cannot be read becomes a Finding
// with Err, so every finding, good or bad, gets exactly one result. Secrets
// never appear in an Err, an error or a panic.
package findings

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Format names a scanner's report format, as given to --format.
type Format string

const (
	Gitleaks             Format = "gitleaks"
	TruffleHog           Format = "trufflehog"
	Kingfisher           Format = "kingfisher"
	Betterleaks          Format = "betterleaks"
	GitHubSecretScanning Format = "github-secret-scanning"
)

// Formats lists every format, in the order help texts show them.
func Formats() []Format {
	return []Format{Gitleaks, TruffleHog, Kingfisher, Betterleaks, GitHubSecretScanning}
}

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown report format %q; use one of %s", s, formatList(Formats()))
}

func formatList(fs []Format) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// Location says where a finding was found, so a responder can tick it off.
type Location struct {
	File   string
	Line   int
	Commit string
	URL    string // a link to the finding or the alert, e.g. a GitHub alert's html_url
	Source string // the kind of source scanned, e.g. TruffleHog's "Git" or "Github", or a GitHub repository
}

// String renders the location as file:line@commit, the parts it has.
func (l Location) String() string {
	var b strings.Builder
	b.WriteString(l.File)
	if l.Line > 0 {
		fmt.Fprintf(&b, ":%d", l.Line)
	}
	if l.Commit != "" {
		c := l.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if b.Len() > 0 {
			b.WriteString("@")
		}
		b.WriteString(c)
	}
	if b.Len() == 0 {
		if l.URL != "" {
			return l.URL
		}
		return l.Source
	}
	return b.String()
}

// Finding is one leaked secret of a report.
type Finding struct {
	Index int // 0-based position among the report's findings: the key for annotation

	// Secret is the leaked value. It is a credential: never print, log or
	// put it in an error.
	Secret string
	// Extra holds companion values the scanner reported with the secret,
	// e.g. the AWS secret access key paired with a key id. Never printed either.
	Extra map[string]string

	Rule     string // the tool's rule or detector id, as written in the report
	Provider string // the keyctl provider the rule names, "" when it names none
	Location Location

	// Err says why the record could not be read as a finding; Secret is then
	// empty. The finding still needs its own result.
	Err string
}

// Read streams the findings of a report. Memory does not grow with the
// report; a malformed or oversized record becomes a Finding with Err and
// reading goes on where the format allows it (JSON Lines, or the next
// element of an array), else stops after saying so.
func Read(r io.Reader, f Format) iter.Seq[Finding] {
	return func(yield func(Finding) bool) {
		sch, ok := schemas[f]
		if !ok {
			yield(Finding{Err: fmt.Sprintf("unknown report format %q; use one of %s", f, formatList(Formats()))})
			return
		}
		s := newScanner(r, nil, f)
		index := 0
		emit := func(fd Finding) bool {
			fd.Index = index
			index++
			return yield(fd)
		}
		for {
			ev := s.next()
			switch ev.kind {
			case evEnd:
				return
			case evRecord:
				_, units, err := recordUnits(sch, ev)
				if err != "" {
					if !emit(Finding{Err: err}) {
						return
					}
					continue
				}
				for _, u := range units {
					if !emit(extract(sch, f, u)) {
						return
					}
				}
			case evOversize:
				if !emit(Finding{Err: oversizeMessage(ev)}) {
					return
				}
			case evMalformed:
				if !emit(Finding{Err: ev.msg}) {
					return
				}
			}
		}
	}
}

func oversizeMessage(ev event) string {
	return fmt.Sprintf("record %d at byte %d is %d bytes, over the %d-byte limit for one finding; it was skipped unread",
		ev.record, ev.offset, ev.size, MaxRecordBytes)
}

// recordUnits decodes a record and returns the objects in it that are one
// finding each; none for records that carry no finding (Kingfisher's
// access-map and audit lines). err describes a record that cannot be read.
func recordUnits(sch *schema, ev event) (root *object, units []*object, err string) {
	v, derr := decodeRecord(ev.raw)
	if derr != nil {
		return nil, nil, fmt.Sprintf("record %d at byte %d: %v", ev.record, ev.offset, derr)
	}
	o, ok := v.(*object)
	if !ok {
		return nil, nil, fmt.Sprintf("record %d at byte %d is not a JSON object", ev.record, ev.offset)
	}
	units, bad := sch.units(o)
	if bad != "" {
		return nil, nil, fmt.Sprintf("record %d at byte %d: %s", ev.record, ev.offset, bad)
	}
	return o, units, ""
}

func extract(sch *schema, f Format, u *object) Finding {
	fd := sch.extract(u)
	if fd.Err == "" && fd.Secret == "" {
		fd.Err = fmt.Sprintf("the finding has no secret (%s is empty or missing)", sch.secretField)
	}
	if fd.Err != "" {
		fd.Secret, fd.Extra = "", nil
	}
	fd.Provider = ProviderFor(f, fd.Rule, fd.Secret)
	return fd
}

// Annotation is what keyctl did with one finding.
type Annotation struct {
	Outcome     string
	Fingerprint string // stands in for the secret everywhere in the annotated report
	Message     string
	ExitCode    int
}

// Redacted replaces a secret when there is no fingerprint for it, and every
// companion value (Extra).
const Redacted = "[redacted]"

// Annotate streams the report in again and writes it to out with a "keyctl"
// object added to each finding (index, outcome, fingerprint, message,
// exit_code), and every secret-bearing field of the tool's schema replaced
// by the annotation's fingerprint. lookup returns the annotation of the
// finding with that Index, as Read numbered them; a finding without one is
// still redacted. Records that cannot be read are replaced by an object
// holding only their "keyctl" annotation: their bytes may hold secrets.
//
// The returned error is about the streams (reading or writing failed, the
// format is unknown); faults in the report are annotated in place.
func Annotate(in io.Reader, f Format, out io.Writer, lookup func(index int) (Annotation, bool)) error {
	sch, ok := schemas[f]
	if !ok {
		return fmt.Errorf("unknown report format %q; use one of %s", f, formatList(Formats()))
	}
	w := bufio.NewWriterSize(out, 64<<10)
	s := newScanner(in, w, f)
	index := 0
	annotateOne := func(u *object) {
		fd := extract(sch, f, u)
		ann, found := lookup(index)
		fp := ann.Fingerprint
		if fp == "" {
			fp = Redacted
		}
		sch.redact(u, fp)
		scrub(u, fd, fp)
		u.set("keyctl", annotationObject(index, ann, found, fd.Err))
		index++
	}
	placeholder := func(reason string, member bool) {
		ann, found := lookup(index)
		a := annotationObject(index, ann, found, reason)
		if member {
			w.WriteString(`"keyctl":`)
			encodeValue(w, a)
		} else {
			encodeValue(w, &object{keys: []string{"keyctl"}, vals: []any{a}})
		}
		index++
	}
	for {
		ev := s.next()
		switch ev.kind {
		case evEnd:
			return w.Flush()
		case evRecord:
			root, units, err := recordUnits(sch, ev)
			if err != "" {
				placeholder(err, false)
				break
			}
			if len(units) == 0 {
				// No finding in it (Kingfisher's access map or audit): as is.
				w.Write(ev.raw)
				break
			}
			for _, u := range units {
				annotateOne(u)
			}
			encodeValue(w, root)
		case evOversize:
			placeholder(oversizeMessage(ev), false)
		case evMalformed:
			w.WriteString(ev.sep)
			placeholder(ev.msg, ev.member)
			w.WriteString(ev.closers)
			if ev.fatal {
				w.WriteByte('\n')
			}
		}
		// bufio keeps a failed write's error: stop reading at the first.
		if _, err := w.Write(nil); err != nil {
			return fmt.Errorf("writing the annotated report: %w", err)
		}
	}
}

func annotationObject(index int, ann Annotation, found bool, readErr string) *object {
	o := &object{}
	o.set("index", index)
	if found {
		if ann.Outcome != "" {
			o.set("outcome", ann.Outcome)
		}
		if ann.Fingerprint != "" {
			o.set("fingerprint", ann.Fingerprint)
		}
		if ann.Message != "" {
			o.set("message", ann.Message)
		}
		o.set("exit_code", ann.ExitCode)
	} else {
		o.set("message", "keyctl recorded no result for this finding")
	}
	if readErr != "" {
		o.set("error", readErr)
	}
	return o
}

// scrub is the safety net behind each schema's list of secret fields: any
// string left in the record that still contains the secret or a companion
// value gets it replaced (a tool may repeat a secret in a field the schema
// does not call secret, such as a validation response or a command line).
// Values under 8 characters are left alone: too short to be a credential
// and too likely to match innocent text.
func scrub(u *object, fd Finding, fp string) {
	var needles []string
	var repl []string
	if len(fd.Secret) >= 8 {
		needles, repl = append(needles, fd.Secret), append(repl, fp)
	}
	for _, v := range fd.Extra {
		if len(v) >= 8 {
			needles, repl = append(needles, v), append(repl, Redacted)
		}
	}
	if len(needles) == 0 {
		return
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			for i, n := range needles {
				if strings.Contains(t, n) {
					t = strings.ReplaceAll(t, n, repl[i])
				}
			}
			return t
		case *object:
			for i := range t.vals {
				t.vals[i] = walk(t.vals[i])
			}
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		}
		return v
	}
	walk(u)
}
