package aws

import (
	"context"
	"fmt"
	"os"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/keyctl/keyctl/providers"
)

// LoadCredential finds AWS credentials the way the AWS CLI and SDKs do: the
// environment, then AWS_PROFILE or the default profile of the shared config
// and credentials files (static keys, SSO, assumed roles, processes), then
// web identity, container and instance roles. The SDK is loaded only here,
// when AWS is used, never at start-up.
func (a *Adapter) LoadCredential(ctx context.Context) (providers.LoadedCredential, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return providers.LoadedCredential{}, fmt.Errorf("aws: reading the AWS configuration: %v; check AWS_PROFILE, AWS_CONFIG_FILE and ~/.aws/config; nothing sent", err)
	}
	if cfg.Credentials == nil {
		return providers.LoadedCredential{}, fmt.Errorf("aws: %s; nothing sent", missingHint)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return providers.LoadedCredential{}, fmt.Errorf("aws: no AWS credentials (%v): %s; nothing sent", err, missingHint)
	}
	return loaded(creds, creds.Source), nil
}

const missingHint = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE naming a profile of ~/.aws/config (aws configure, aws sso login)"

func loaded(creds awssdk.Credentials, origin string) providers.LoadedCredential {
	return providers.LoadedCredential{
		Value:   creds,
		Secrets: []string{creds.SecretAccessKey, creds.SessionToken},
		Public:  creds.AccessKeyID,
		Origin:  origin,
	}
}

// SandboxCredentials are the sandbox's AWS credentials: fixed, public
// values that sign nothing AWS accepts.
var SandboxCredentials = awssdk.Credentials{
	AccessKeyID:     "AKIASANDBOXKEYCTL000",
	SecretAccessKey: "sandbox/keyctl/aws/secret-access-key/000",
	Source:          "keyctl sandbox",
}

// SandboxCredential is what a rehearsal signs with.
func (a *Adapter) SandboxCredential() providers.LoadedCredential {
	return loaded(SandboxCredentials, "keyctl sandbox")
}

// CredentialSource says where the chain would find credentials, reading
// only the environment and whether the shared files exist. When it finds
// none, origin says what to set.
func (a *Adapter) CredentialSource() (origin string, ok bool) {
	switch {
	case os.Getenv("AWS_ACCESS_KEY_ID") != "" && os.Getenv("AWS_SECRET_ACCESS_KEY") != "":
		return "AWS chain: env AWS_ACCESS_KEY_ID", true
	case os.Getenv("AWS_PROFILE") != "":
		return "AWS chain: profile " + os.Getenv("AWS_PROFILE") + " (AWS_PROFILE)", true
	case os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "":
		return "AWS chain: web identity (AWS_WEB_IDENTITY_TOKEN_FILE)", true
	}
	for _, f := range sharedFiles() {
		if _, err := os.Stat(f); err == nil {
			return "AWS chain: default profile of " + f, true
		}
	}
	return "no AWS credentials found yet (a container or instance role is looked for when used): " + missingHint, false
}

// sharedFiles are the shared config and credentials files the SDK reads.
func sharedFiles() []string {
	home, _ := os.UserHomeDir()
	files := []string{os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), os.Getenv("AWS_CONFIG_FILE")}
	if home != "" {
		files = append(files, home+"/.aws/credentials", home+"/.aws/config")
	}
	out := files[:0]
	for _, f := range files {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}
