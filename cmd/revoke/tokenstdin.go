package revoke

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/keyctl/keyctl/config"
	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/providers"
)

// readTokenStdin reads --token-stdin's credential, for the provider
// argument: on a terminal, typed at a prompt naming the provider with echo
// off; otherwise the first line of standard input, at most
// config.MaxCredential bytes of it. Either way the first Ctrl-C or SIGTERM
// (ctx) ends the wait at once.
func readTokenStdin(ctx context.Context, opts *RevokeOptions, b *batch) (string, error) {
	if !opts.TokenStdin {
		return "", nil
	}
	switch {
	case b.provider == nil:
		return "", cmdutil.FlagErrorf("--token-stdin needs a provider argument: it is the credential of that one provider")
	case opts.From == "-":
		return "", cmdutil.FlagErrorf("--token-stdin and --from - both read standard input; put the keys in a file")
	}
	if _, own := b.provider.(providers.CredentialLoader); own {
		return "", cmdutil.FlagErrorf("--token-stdin: %s finds its credential itself, not in a token: see 'keyctl providers %s'", b.provider.Info().Name, b.provider.Info().Name)
	}
	var (
		line string
		err  error
	)
	if f, ok := opts.IO.In.(*os.File); ok && opts.IO.IsStdinTTY() && term.IsTerminal(int(f.Fd())) {
		info := b.provider.Info()
		prompt := fmt.Sprintf("%s credential (%s), input hidden: ", info.Title, info.Credential)
		line, err = readHidden(ctx, int(f.Fd()), opts.IO.ErrOut, prompt)
	} else {
		line, err = interruptible(ctx, func() (string, error) {
			return bufio.NewReader(io.LimitReader(opts.IO.In, config.MaxCredential+2)).ReadString('\n')
		})
	}
	token := strings.TrimSpace(line)
	switch {
	case ctx.Err() != nil:
		return "", &config.Error{Msg: "--token-stdin: interrupted while waiting for the credential on standard input; nothing sent"}
	case token != "":
		if err := config.CheckCredential(token, "--token-stdin"); err != nil {
			return "", err
		}
		return token, nil
	case err == nil || err == io.EOF:
		return "", &config.Error{Msg: "--token-stdin: standard input held no credential; nothing sent"}
	}
	return "", &config.Error{Msg: fmt.Sprintf("--token-stdin: %v; nothing sent", err)}
}

// readHidden reads one line from the terminal fd with echo off, after
// prompting on w. If ctx ends first, the terminal's state is restored (echo
// back on) before returning.
func readHidden(ctx context.Context, fd int, w io.Writer, prompt string) (string, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	fmt.Fprint(w, prompt)
	defer fmt.Fprintln(w) // the typed newline was not echoed either
	line, err := interruptible(ctx, func() (string, error) {
		b, err := term.ReadPassword(fd)
		return string(b), err
	})
	if ctx.Err() != nil {
		_ = term.Restore(fd, state)
	}
	return line, err
}

// interruptible runs a blocking read and returns its result, or ctx's error
// as soon as ctx is done: a read from a pipe or terminal cannot be
// cancelled, so it is abandoned (the process is about to exit).
func interruptible(ctx context.Context, read func() (string, error)) (string, error) {
	type result struct {
		s   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := read()
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// maxWarning bounds each line of a warning, which may name a file or a
// config key taken from input.
const maxWarning = 4096
