// Package iostreams carries the process's standard streams and whether each
// is a terminal, so commands decide on tables, colour, progress and prompts
// in one way and tests can swap in buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool
	// width of the terminal on stdout and stderr in columns, 0 when not a
	// terminal (no limit); colour on each stream.
	outWidth, errWidth func() int
	colorOut, colorErr bool
}

// System returns the process's streams.
func System() *IOStreams {
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	s.outWidth = func() int { return terminalWidth(os.Stdout, s.stdoutTTY) }
	s.errWidth = func() int { return terminalWidth(os.Stderr, s.stderrTTY) }
	s.colorOut = ColorWanted(os.Getenv, s.stdoutTTY)
	s.colorErr = ColorWanted(os.Getenv, s.stderrTTY)
	return s
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// terminalWidth measures the terminal on f each time it is asked, so a
// window resized during a run is honoured; COLUMNS stands in when the size
// cannot be read, 80 when neither is known.
func terminalWidth(f *os.File, tty bool) int {
	if !tty {
		return 0
	}
	if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
		return w
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}

// ColorWanted decides colour for a stream from the conventions people set
// in their environment: NO_COLOR (any value) turns it off, then
// CLICOLOR_FORCE (other than 0) turns it on even into a pipe, then
// CLICOLOR=0 or TERM=dumb turn it off; otherwise a terminal gets colour.
func ColorWanted(getenv func(string) string, tty bool) bool {
	switch {
	case getenv("NO_COLOR") != "":
		return false
	case getenv("CLICOLOR_FORCE") != "" && getenv("CLICOLOR_FORCE") != "0":
		return true
	case getenv("CLICOLOR") == "0", getenv("TERM") == "dumb":
		return false
	}
	return tty
}

// Test returns streams backed by buffers, none a terminal.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// SetTTY marks the streams as terminals or not (tests).
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// SetWidth sets the terminal widths of stdout and stderr (tests); 0 is no limit.
func (s *IOStreams) SetWidth(out, errOut int) {
	s.outWidth = func() int { return out }
	s.errWidth = func() int { return errOut }
}

// SetColor turns colour on stdout and stderr on or off (tests).
func (s *IOStreams) SetColor(out, errOut bool) { s.colorOut, s.colorErr = out, errOut }

// Width is the width of the terminal on stdout in columns, 0 when stdout is
// not a terminal: output for a file or a pipe is never cut.
func (s *IOStreams) Width() int {
	if s.outWidth == nil {
		return 0
	}
	return s.outWidth()
}

// ErrWidth is the width of the terminal on stderr, 0 when not a terminal.
func (s *IOStreams) ErrWidth() int {
	if s.errWidth == nil {
		return 0
	}
	return s.errWidth()
}

// ColorOut reports whether stdout gets colour.
func (s *IOStreams) ColorOut() bool { return s.colorOut }

// ColorErr reports whether stderr gets colour.
func (s *IOStreams) ColorErr() bool { return s.colorErr }

// IsStdinTTY reports whether input comes from a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether output goes to a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether diagnostics go to a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt reports whether a question can be asked and answered.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }
