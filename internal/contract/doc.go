// Package contract checks keyctl and its sandbox against the OpenAPI
// description beside every provider definition
// (providers/defs/<name>.openapi.yaml), written from the providers'
// documents and enforced by an independent validator, Prism (pinned in
// package.json / package-lock.json). Every request a definition sends
// (revoke by id, and the secret operations revoke_by_secret, lookup and
// verify) must be an operation of the description, by method and path
// template; every status the description documents for it must be mapped
// by the definition.
//
// The tests start one Prism mock server per provider and play every
// documented status of every operation on it, asking for the status with
// Prefer: code=NNN through a small proxy that records every violation Prism
// reports: the revocations through the built keyctl binary (by id, and by
// secret with --secrets-from), the lookups and verifications through the
// providers package, which builds and reads them for keyctl. The secrets
// are fake ones of each definition's documented formats; none may appear
// in keyctl's output. Then the tests put Prism in proxy mode, with
// --errors, in front of the sandbox and drive every documented scenario
// through it.
//
// They need Node.js; without it they skip. With Node.js but without Prism
// installed, TestMain runs `npm ci` here first.
package contract
