// Package exit is the one place that knows keyctl's exit codes. Everything
// else speaks in named codes; the numbers are a public contract documented in
// the README and in `keyctl help exit-codes`.
package exit

import (
	"fmt"
	"strings"
)

// Code is a process exit code with a documented meaning.
type Code int

// The exit codes, in the order the documentation lists them.
const (
	OK           Code = 0
	Unexpected   Code = 1
	Usage        Code = 2
	Config       Code = 3
	Auth         Code = 4
	Permission   Code = 5
	NotFound     Code = 6
	Conflict     Code = 7
	Invalid      Code = 8
	RateLimited  Code = 9
	Server       Code = 10
	Network      Code = 11
	Mixed        Code = 12
	OutputClosed Code = 13
	StillLive    Code = 14
	Unverified   Code = 15
	Manual       Code = 16
	Interrupted  Code = 130
)

// Entry documents one exit code.
type Entry struct {
	Code    Code
	Name    string
	Meaning string
}

// Table lists every exit code with its meaning. It feeds the README and
// `keyctl help exit-codes`, so the two never disagree.
var Table = []Entry{
	{OK, "ok", "every key revoked, already revoked or submitted (and not-found ones, with --ignore-missing)"},
	{Unexpected, "unexpected", "unexpected error or response (including any 3xx redirect)"},
	{Usage, "usage", "bad flags or arguments, unknown provider, malformed id; nothing sent"},
	{Config, "config", "missing or unreadable credential or config; nothing sent"},
	{Auth, "auth", "authentication rejected (401)"},
	{Permission, "permission", "permission denied (403)"},
	{NotFound, "not_found", "key not found (404)"},
	{Conflict, "conflict", "refused in the key's current state (400 such as Lava's last key; 409 other than already revoked)"},
	{Invalid, "invalid", "request rejected as invalid (422, other 4xx)"},
	{RateLimited, "rate_limited", "still rate limited (429) when retries or the wait budget ran out"},
	{Server, "server", "provider server error (5xx) after retries"},
	{Network, "network", "network: connection, DNS, TLS, timeout"},
	{Mixed, "mixed", "batch whose failed keys do not all share one code"},
	{OutputClosed, "output_closed", "standard output was closed (a reader such as head exited): keys not yet sent were skipped; every result is in the audit log"},
	{StillLive, "still_live", "the provider still accepts the secret: keyctl verify found it live, or revoke --verify revoked it but it kept working past the provider's propagation time"},
	{Unverified, "unverified", "keyctl verify or revoke --verify could not tell whether the secret still works: the provider has no check for it, or its answer did not say"},
	{Manual, "manual", "no API revokes this secret with what keyctl was given: the message names the next step (usually the dashboard page that shows the key id)"},
	{Interrupted, "interrupted", "interrupted (Ctrl-C, SIGTERM, SIGHUP) or a confirmation declined"},
}

// String names the code, e.g. "not_found".
func (c Code) String() string {
	for _, e := range Table {
		if e.Code == c {
			return e.Name
		}
	}
	return fmt.Sprintf("exit(%d)", int(c))
}

// Combine folds the codes of a batch into the code of the whole run: OK when
// every key ended well, the shared code when all failures agree, Mixed when
// they do not. An interruption wins over everything: the run did not finish.
type Combine struct {
	code        Code
	mixed       bool
	interrupted bool
}

// Add records one key's code.
func (c *Combine) Add(code Code) {
	switch {
	case code == OK:
	case code == Interrupted:
		c.interrupted = true
	case c.code == OK:
		c.code = code
	case c.code != code:
		c.mixed = true
	}
}

// Code is the exit code of everything added so far.
func (c *Combine) Code() Code {
	switch {
	case c.interrupted:
		return Interrupted
	case c.mixed:
		return Mixed
	default:
		return c.code
	}
}

// Help renders the table for `keyctl help exit-codes`.
func Help() string {
	var b strings.Builder
	b.WriteString("keyctl exits with one of these codes; scripts can branch on them.\n")
	b.WriteString("In a batch, the run exits 0 when every key ended well, otherwise with the code\n")
	b.WriteString("the failed keys share, or 12 when they differ.\n\n")
	// Meanings wrap under their column so the table fits 80 columns at a
	// terminal and in the man page, which indents it by 7.
	const indent, width = 21, 72
	for _, e := range Table {
		line := fmt.Sprintf("  %3d  %-13s", int(e.Code), e.Name)
		for _, word := range strings.Fields(e.Meaning) {
			if len(line) > indent && len(line)+1+len(word) > width {
				b.WriteString(line + "\n")
				line = strings.Repeat(" ", indent-1)
			}
			line += " " + word
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
