// Package build holds the version information injected at release time.
package build

import (
	"runtime"
	"runtime/debug"
)

// Set by the release build with -ldflags "-X github.com/keyctl/keyctl/internal/build.Version=…".
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

func init() {
	// `go install …@v1.2.3` builds carry the module version and VCS data in
	// the binary's build info rather than in ldflags.
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if Commit == "" {
				Commit = s.Value
			}
		case "vcs.time":
			if Date == "" {
				Date = s.Value
			}
		}
	}
	if Version == "" {
		Version = "dev"
	}
}

// GoVersion is the Go toolchain that built the binary.
func GoVersion() string { return runtime.Version() }

// UserAgent is sent with every request.
func UserAgent() string { return "keyctl/" + Version }
