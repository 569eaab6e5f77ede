// Package contract checks keyctl and its sandbox against the OpenAPI
// description beside every provider definition
// (providers/defs/<name>.openapi.yaml), written from the providers'
// documents and enforced by an independent validator, Prism (pinned in
// package.json / package-lock.json). Every status a description documents
// must be mapped by its definition.
//
// The tests start Prism as a mock server per provider and run the built
// keyctl binary against it through a small proxy that picks the documented
// status to answer (Prefer: code=NNN) and records every violation Prism
// reports; then they put Prism in proxy mode, with --errors, in front of the
// sandbox and drive every documented scenario through it.
//
// They need Node.js; without it they skip. With Node.js but without Prism
// installed, TestMain runs `npm ci` here first.
package contract
