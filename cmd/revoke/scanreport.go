package revoke

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/findings"
	"github.com/keyctl/keyctl/internal/input"
	engine "github.com/keyctl/keyctl/internal/revoke"
	"github.com/keyctl/keyctl/providers"
)

// detectReport decides whether --from is a scanner report: --format says
// so, or, without it, a JSON file whose first finding has a scanner's
// fields. A --from of key ids is left alone.
func detectReport(opts *RevokeOptions) error {
	if opts.ReportFormat != "" {
		f, err := findings.ParseFormat(opts.ReportFormat)
		if err != nil {
			return cmdutil.FlagErrorf("--format: %v", err)
		}
		opts.ReportFormat = string(f)
		if opts.From == "" {
			return cmdutil.FlagErrorf("--format names the format of a scanner report: give the report with --from REPORT")
		}
		return nil
	}
	if opts.From == "" || opts.From == "-" {
		return nil
	}
	file, err := os.Open(opts.From)
	if err != nil {
		return nil // openFrom says what is wrong with it
	}
	defer file.Close()
	br := bufio.NewReaderSize(file, 64<<10)
	head, _ := br.Peek(1)
	for len(head) == 1 && (head[0] == ' ' || head[0] == '\n' || head[0] == '\r' || head[0] == '\t' || head[0] == 0xEF) {
		if _, err := br.ReadByte(); err != nil {
			return nil
		}
		head, _ = br.Peek(1)
	}
	if len(head) == 0 || (head[0] != '[' && head[0] != '{') {
		return nil
	}
	f, err := findings.Detect(br)
	var amb *findings.AmbiguousError
	switch {
	case errors.As(err, &amb):
		return cmdutil.FlagErrorf("--from %s: %v", opts.From, err)
	case err != nil:
		return nil // JSON lines of ids, read as before
	}
	opts.ReportFormat = string(f)
	return nil
}

// reportEntries streams a scanner report's findings as secrets to act on.
func (b *batch) reportEntries(from io.Reader) iter.Seq[secretEntry] {
	provider := ""
	if b.provider != nil {
		provider = b.provider.Info().Name
	}
	return func(yield func(secretEntry) bool) {
		for f := range findings.Read(from, findings.Format(b.opts.ReportFormat)) {
			e := secretEntry{Index: f.Index + 1}
			e.Secret = input.Secret{Secret: f.Secret, Err: f.Err, Provider: provider}
			if e.Provider == "" && f.Provider != "" {
				if _, err := providers.Lookup(f.Provider); err == nil {
					e.Provider = f.Provider // the scanner's rule names it
				}
			}
			if f.Provider == "aws" {
				e.Secret.Secret = awsPair(f)
			}
			loc := f.Location
			e.Location = &engine.Location{File: loc.File, Line: loc.Line, Commit: loc.Commit, URL: loc.URL, Rule: f.Rule}
			if !yield(e) {
				return
			}
		}
	}
}

// annotations keeps what happened to each finding of a report, compactly,
// to write the report back annotated (--report-out) once the run ends.
type annotations struct {
	byIndex  []annotation
	messages map[string]uint32
	texts    []string
}

type annotation struct {
	set         bool
	outcome     providers.State
	code        uint8
	fingerprint string
	message     uint32 // index into texts: bulk runs repeat messages
}

func (a *annotations) add(batch []engine.Result) {
	for _, r := range batch {
		if r.Finding <= 0 {
			continue
		}
		i := r.Finding - 1
		for len(a.byIndex) <= i {
			a.byIndex = append(a.byIndex, annotation{})
		}
		if a.messages == nil {
			a.messages = map[string]uint32{}
		}
		id, ok := a.messages[r.Message]
		if !ok {
			id = uint32(len(a.texts))
			a.texts = append(a.texts, r.Message)
			a.messages[r.Message] = id
		}
		fp := r.ID
		if fp == "-" {
			fp = ""
		}
		a.byIndex[i] = annotation{set: true, outcome: r.Outcome, code: uint8(r.ExitCode), fingerprint: fp, message: id}
	}
}

func (a *annotations) lookup(index int) (findings.Annotation, bool) {
	if index < 0 || index >= len(a.byIndex) || !a.byIndex[index].set {
		return findings.Annotation{}, false
	}
	x := a.byIndex[index]
	return findings.Annotation{Outcome: string(x.outcome), Fingerprint: x.fingerprint, Message: a.texts[x.message], ExitCode: int(x.code)}, true
}

// writeAnnotated reads the report again and writes it to path with each
// finding's outcome and its secrets replaced by fingerprints; the file
// appears whole or not at all.
func writeAnnotated(opts *RevokeOptions, a *annotations) error {
	in, err := os.Open(opts.From)
	if err != nil {
		return fmt.Errorf("--report-out: reading the report again: %v", err)
	}
	defer in.Close()
	dir := filepath.Dir(opts.ReportOut)
	tmp, err := os.CreateTemp(dir, ".keyctl-report-*")
	if err != nil {
		return fmt.Errorf("--report-out: %v", err)
	}
	defer os.Remove(tmp.Name())
	if err := findings.Annotate(in, findings.Format(opts.ReportFormat), tmp, a.lookup); err != nil {
		tmp.Close()
		return fmt.Errorf("--report-out: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--report-out: %v", err)
	}
	if err := os.Rename(tmp.Name(), opts.ReportOut); err != nil {
		return fmt.Errorf("--report-out: %v", err)
	}
	return nil
}

// awsPair is an AWS finding as keyctl takes it: the key pair "AKID:SECRET"
// when the scanner reported the secret access key with the id
// (TruffleHog's RawV2 joins them, with ":" since its access_keys detector,
// without in older versions; Kingfisher names the id a secret was
// validated with), else what the scanner found.
func awsPair(f findings.Finding) string {
	switch {
	case f.Extra["RawV2"] != "" && f.Secret != "" && strings.HasPrefix(f.Extra["RawV2"], f.Secret):
		if rest := strings.TrimPrefix(f.Extra["RawV2"][len(f.Secret):], ":"); rest != "" {
			return f.Secret + ":" + rest
		}
	case f.Extra["AKID"] != "" && f.Secret != "" && !strings.HasPrefix(f.Secret, f.Extra["AKID"]):
		return f.Extra["AKID"] + ":" + f.Secret
	}
	return f.Secret
}
