package findings

import (
	"strings"
)

// schema is what this package knows of one tool's report: which objects are
// findings, where the secret and the location are, and which fields hold
// secrets.
type schema struct {
	secretField string // named when a finding has no secret
	// units returns the objects of a record that are one finding each;
	// none when the record is not about a finding; bad when it is not
	// this tool's record at all.
	units   func(record *object) (units []*object, bad string)
	extract func(unit *object) Finding
	// redact replaces the secret-bearing fields: the secret's own by fp,
	// companion secrets by Redacted.
	redact func(unit *object, fp string)
}

var schemas = map[Format]*schema{
	Gitleaks:             gitleaksSchema(false),
	Betterleaks:          gitleaksSchema(true),
	TruffleHog:           truffleHogSchema(),
	Kingfisher:           kingfisherSchema(),
	GitHubSecretScanning: gitHubSchema(),
}

func strMap(o *object) map[string]string {
	if o == nil || len(o.keys) == 0 {
		return nil
	}
	m := make(map[string]string, len(o.keys))
	for i, k := range o.keys {
		if s, ok := o.vals[i].(string); ok && s != "" {
			m[k] = s
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// replace sets key to v where the record has a value there: an empty
// string or null stays as it was, so the report still says "none".
func replace(o *object, key string, v any) {
	cur, ok := o.get(key)
	if !ok || cur == nil || cur == "" {
		return
	}
	o.set(key, v)
}

// redactValues replaces every string value of the object at key.
func redactValues(o *object, key string) {
	m := o.obj(key)
	if m == nil {
		return
	}
	for i, v := range m.vals {
		if s, ok := v.(string); ok && s != "" {
			m.vals[i] = Redacted
		}
	}
}

// gitleaks: a JSON array of report.Finding, written by encoding/json with
// the struct's field names.
// Source: gitleaks/gitleaks:report/finding.go and report/json.go
// @b58d3f102cf3a2c84cb7f923d05c25c9b1aed84b (RuleID, StartLine, Match,
// Secret, File, Commit, Link, Fingerprint; Line is json:"-"; Fragment, with
// the scanned text in Raw and Bytes, is omitempty).
//
// Betterleaks, by gitleaks' original author, writes the same array with the
// same field names plus its own: MatchContext (the lines around the match),
// CaptureGroups, Attributes (path, git.sha, url, …; File and Commit are kept
// in sync as deprecated copies), RequiredSets (the other parts of a
// composite secret, each with Match and Secret) and Validation*. The report
// is a superset of gitleaks', so one reader serves both.
// Source: betterleaks/betterleaks:report/finding.go, report/json.go and
// testdata/expected/report/json_simple.json
// @6381fa45ae946c588e2e1334d8396a15e5171ad6.
func gitleaksSchema(betterleaks bool) *schema {
	return &schema{
		secretField: "Secret",
		units: func(o *object) ([]*object, string) {
			if _, ok := o.get("RuleID"); !ok {
				return nil, "not a gitleaks or Betterleaks finding (it has no RuleID)"
			}
			return []*object{o}, ""
		},
		extract: func(o *object) Finding {
			fd := Finding{
				Rule:   o.str("RuleID"),
				Secret: o.str("Secret"),
				Location: Location{
					File:   o.str("File"),
					Line:   o.num("StartLine"),
					Commit: o.str("Commit"),
					URL:    o.str("Link"),
				},
			}
			if attrs := o.obj("Attributes"); attrs != nil {
				if fd.Location.File == "" {
					fd.Location.File = attrs.str("path")
				}
				if fd.Location.Commit == "" {
					fd.Location.Commit = attrs.str("git.sha")
				}
				if fd.Location.URL == "" {
					fd.Location.URL = attrs.str("url")
				}
			}
			// --redact leaves "REDACTED" or a prefix ending in "...": not a
			// secret anyone can revoke.
			if fd.Secret == "REDACTED" || strings.HasSuffix(fd.Secret, "...") {
				fd.Err = "the secret is masked in the report (written with --redact); scan again without --redact to revoke it"
			}
			return fd
		},
		redact: func(o *object, fp string) {
			replace(o, "Secret", fp)
			replace(o, "Match", fp)
			replace(o, "Line", fp)
			if frag := o.obj("Fragment"); frag != nil {
				replace(frag, "Raw", fp)
				replace(frag, "Bytes", fp)
			}
			if !betterleaks {
				return
			}
			replace(o, "MatchContext", fp)
			redactValues(o, "CaptureGroups")
			if sets, ok := o.get("RequiredSets"); ok {
				list, _ := sets.([]any)
				for _, set := range list {
					so, _ := set.(*object)
					if so == nil {
						continue
					}
					comps, _ := so.get("components")
					cl, _ := comps.([]any)
					for _, c := range cl {
						co, _ := c.(*object)
						if co == nil {
							continue
						}
						replace(co, "Match", Redacted)
						replace(co, "Secret", Redacted)
						redactValues(co, "CaptureGroups")
					}
				}
			}
		},
	}
}

// TruffleHog: JSON Lines, one object per result, written by encoding/json
// from an anonymous struct: SourceMetadata, SourceID, SourceType,
// SourceName, DetectorType (the enum's number), DetectorName,
// DetectorDescription, DecoderName, Verified, VerificationError,
// VerificationFromCache, Raw, RawV2, Redacted, ExtraData, StructuredData,
// SecretParts.
// Source: trufflesecurity/trufflehog:pkg/output/json.go
// @3ab759fef4bb5935d4fe9ac68b503d05346b8364.
//
// SourceMetadata is the protobuf MetaData marshalled by encoding/json: its
// oneof becomes {"Data": {"<Source>": {...}}} with the source message's
// json tags inside, e.g. Git {commit, file, email, repository, timestamp,
// line}, Github {link, username, repository, commit, email, file,
// timestamp, line, visibility}, Filesystem {file, line}.
// Source: pkg/pb/source_metadatapb/source_metadata.pb.go, same commit.
//
// Raw is the secret (for AWS the key id); RawV2 joins the parts of a
// multi-part secret (AWS: "<key id>:<secret access key>"); SecretParts
// names them (AWS: access_key_id, secret_access_key; from
// pkg/detectors/aws/access_keys/accesskey.go, same commit).
func truffleHogSchema() *schema {
	return &schema{
		secretField: "Raw",
		units: func(o *object) ([]*object, string) {
			_, name := o.get("DetectorName")
			_, typ := o.get("DetectorType")
			if !name && !typ {
				return nil, "not a TruffleHog result (it has no DetectorName or DetectorType)"
			}
			return []*object{o}, ""
		},
		extract: func(o *object) Finding {
			fd := Finding{Rule: o.str("DetectorName"), Secret: o.str("Raw")}
			if fd.Rule == "" {
				if v, ok := o.get("DetectorType"); ok {
					fd.Rule = scalarText(v)
				}
			}
			raw2 := o.str("RawV2")
			if fd.Secret == "" {
				fd.Secret = raw2
			}
			fd.Extra = strMap(o.obj("SecretParts"))
			if raw2 != "" && raw2 != fd.Secret {
				if fd.Extra == nil {
					fd.Extra = map[string]string{}
				}
				fd.Extra["RawV2"] = raw2
			}
			if data := o.path("SourceMetadata", "Data"); data != nil && len(data.keys) > 0 {
				src := data.keys[0]
				fd.Location.Source = src
				if d, ok := data.vals[0].(*object); ok {
					fd.Location.File = firstOf(d.str("file"), d.str("path"), d.str("filename"))
					fd.Location.Line = d.num("line")
					fd.Location.Commit = d.str("commit")
					fd.Location.URL = d.str("link")
				}
			}
			return fd
		},
		redact: func(o *object, fp string) {
			replace(o, "Raw", fp)
			replace(o, "RawV2", fp)
			replace(o, "Redacted", fp)
			redactValues(o, "SecretParts")
		},
	}
}

// Kingfisher, from mongodb/kingfisher:src/reporter.rs and
// src/reporter/json_format.rs @037493b76c9be70d2a56040350829a6ae830e8d4:
// --format jsonl writes one FindingReporterRecord per line,
// {"rule": {title, name, id, description}, "finding": {dependent_captures,
// snippet, fingerprint, confidence, entropy, validation {outcome, status,
// response}, language, line, column_start, column_end, path, encoding,
// git_metadata, validate_command, revoke_command, blast_radius_command}},
// then an {"access_map": …} and an {"audit": …} line when present;
// --format json writes a ReportEnvelope {"findings": [records],
// "access_map", "metadata"} per line. The snippet is the secret;
// dependent_captures holds the values it was validated with (e.g. AKID),
// and the three commands quote them.
//
// Earlier releases wrote a JSON array of {"id": rule id, "matches":
// [record]} with git_metadata {repository_url, commit {id, url, date}, file
// {path, url, git_command}}: mongodb/kingfisher:src/reporter/json_format.rs
// and src/reporter.rs @ee7c0db3ef87575768f817820c24736249ffcdef. Both are
// read.
func kingfisherSchema() *schema {
	return &schema{
		secretField: "finding.snippet",
		units: func(o *object) ([]*object, string) {
			if o.obj("rule") != nil && o.obj("finding") != nil {
				return []*object{o}, ""
			}
			if m, ok := o.get("matches"); ok {
				list, _ := m.([]any)
				units := make([]*object, 0, len(list))
				for _, e := range list {
					u, _ := e.(*object)
					if u == nil || u.obj("finding") == nil {
						return nil, "a Kingfisher match without a finding object"
					}
					units = append(units, u)
				}
				return units, ""
			}
			for _, k := range []string{"access_map", "audit", "metadata"} {
				if _, ok := o.get(k); ok {
					return nil, "" // report metadata, not a finding
				}
			}
			return nil, "not a Kingfisher finding (it has no rule and finding objects)"
		},
		extract: func(o *object) Finding {
			f := o.obj("finding")
			fd := Finding{Secret: f.str("snippet"), Extra: strMap(f.obj("dependent_captures"))}
			if r := o.obj("rule"); r != nil {
				fd.Rule = r.str("id")
			}
			fd.Location.File = f.str("path")
			fd.Location.Line = f.num("line")
			if g := f.obj("git_metadata"); g != nil {
				if fd.Location.File == "" {
					fd.Location.File = g.path("file").str("path")
				}
				if c := g.obj("commit"); c != nil {
					fd.Location.Commit = c.str("id")
				}
				if file := g.obj("file"); file != nil {
					fd.Location.URL = file.str("url")
				}
				fd.Location.Source = g.str("repository_url")
			}
			return fd
		},
		redact: func(o *object, fp string) {
			f := o.obj("finding")
			replace(f, "snippet", fp)
			redactValues(f, "dependent_captures")
			replace(f, "validate_command", Redacted)
			replace(f, "revoke_command", Redacted)
			replace(f, "blast_radius_command", Redacted)
		},
	}
}

// GitHub secret scanning: the REST API's "List secret scanning alerts for
// a repository" (and for an organization or enterprise) answers a JSON
// array of alerts: number, created_at, url, html_url, locations_url, state,
// resolution, secret_type, secret_type_display_name, secret, repository
// (organization lists), validity, publicly_leaked, multi_repo,
// first_location_detected {path, start_line, end_line, start_column,
// end_column, blob_sha, blob_url, commit_sha, commit_url}, … Pages saved
// one after another (gh api --paginate) are read as one report.
// Source: the secret-scanning-alert schema of github/rest-api-description
// (descriptions/api.github.com/api.github.com.yaml), as mirrored field by
// field in google/go-github:github/secret_scanning.go@v88.0.0
// (SecretScanningAlert, SecretScanningAlertLocationDetails).
func gitHubSchema() *schema {
	return &schema{
		secretField: "secret",
		units: func(o *object) ([]*object, string) {
			if _, ok := o.get("secret_type"); !ok {
				return nil, "not a GitHub secret scanning alert (it has no secret_type)"
			}
			return []*object{o}, ""
		},
		extract: func(o *object) Finding {
			fd := Finding{Rule: o.str("secret_type"), Secret: o.str("secret")}
			if l := o.obj("first_location_detected"); l != nil {
				fd.Location.File = l.str("path")
				fd.Location.Line = l.num("start_line")
				fd.Location.Commit = l.str("commit_sha")
			}
			fd.Location.URL = o.str("html_url")
			if repo := o.obj("repository"); repo != nil {
				fd.Location.Source = repo.str("full_name")
			}
			return fd
		},
		redact: func(o *object, fp string) {
			replace(o, "secret", fp)
		},
	}
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func scalarText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case interface{ String() string }:
		return t.String()
	}
	return ""
}
