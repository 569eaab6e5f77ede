// Package all registers every provider adapter. Import it for its side
// effect; a new provider adds one line here.
package all

import (
	_ "github.com/keyctl/keyctl/providers/altostrat"  // Altostrat SDX API keys
	_ "github.com/keyctl/keyctl/providers/langwatch"  // LangWatch API keys
	_ "github.com/keyctl/keyctl/providers/lava"       // Lava secret keys
	_ "github.com/keyctl/keyctl/providers/liveavatar" // LiveAvatar secrets
)
