// Package all registers every built-in provider. Import it for its side
// effect. Built-ins are definitions in providers/defs; a Go adapter (for
// what a definition cannot say) adds one blank import here.
package all

import (
	_ "github.com/keyctl/keyctl/providers/aws"  // AWS IAM: SigV4-signed Query API
	_ "github.com/keyctl/keyctl/providers/defs" // every definition in providers/defs
)
