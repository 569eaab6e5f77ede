// Command keyctl revokes API keys across providers with one command.
package main

import (
	"os"

	"github.com/keyctl/keyctl/cmd"
)

func main() { os.Exit(cmd.Main()) }
