package contract

// The tests run a keyctl binary built from source in TestMain. Importing the
// command tree makes the test binary, and so go test's cache, depend on
// every package the built binary does: a change anywhere re-runs these tests.
import _ "github.com/keyctl/keyctl/cmd"
