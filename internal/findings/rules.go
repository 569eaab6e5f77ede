package findings

import "strings"

// The rule table: which keyctl provider a scanner's rule or detector names.
//
// A rule is mapped only where it clearly is the credential that provider's
// definition revokes; a rule that covers several kinds of credential (a
// Cloudflare token may be a user's or an account's; a GitLab pipeline
// trigger token is not a personal access token) stays unmapped, and the
// secret's own format decides elsewhere. To add a rule, add one line under
// its tool; rules_test.go checks every id against the tool's published rule
// list (testdata/upstream-rule-ids/).
//
// Sources of the ids:
//   - gitleaks: gitleaks/gitleaks:config/gitleaks.toml@b58d3f102cf3a2c84cb7f923d05c25c9b1aed84b
//   - Betterleaks (a superset of gitleaks' ids, same meanings):
//     betterleaks/betterleaks:config/betterleaks.toml@6381fa45ae946c588e2e1334d8396a15e5171ad6
//   - TruffleHog: DetectorName is the DetectorType enum's name,
//     trufflesecurity/trufflehog:proto/detector_type.proto@3ab759fef4bb5935d4fe9ac68b503d05346b8364
//   - Kingfisher: the rule ids of mongodb/kingfisher:data/rules/*.yml@ee7c0db3ef87575768f817820c24736249ffcdef
//   - GitHub: secretType of github/docs:src/secret-scanning/data/public-docs.yml@0502f9b07400d115e074c7e491608d625ed20365

// gitleaksRules serves gitleaks and Betterleaks.
var gitleaksRules = map[string]string{
	"anthropic-admin-api-key":              "anthropic",
	"anthropic-api-key":                    "anthropic",
	"algolia-api-key":                      "algolia",
	"aws-access-token":                     "aws",
	"aws-secret-access-key":                "aws", // Betterleaks
	"box-api-access-token":                 "box", // Betterleaks
	"buildkite-user-access-token":          "buildkite",
	"confluent-access-token":               "confluentcloud",
	"confluent-secret-key":                 "confluentcloud",
	"databricks-api-token":                 "databricks",
	"datadog-access-token":                 "datadog",
	"datadog-api-key":                      "datadog", // Betterleaks
	"datadog-application-key":              "datadog", // Betterleaks
	"digitalocean-access-token":            "digitalocean",
	"digitalocean-pat":                     "digitalocean",
	"digitalocean-refresh-token":           "digitalocean",
	"dockerhub-organization-access-token":  "dockerhub", // Betterleaks
	"dockerhub-personal-access-token":      "dockerhub", // Betterleaks
	"doppler-api-token":                    "doppler",
	"dropbox-api-token":                    "dropbox",
	"dropbox-long-lived-api-token":         "dropbox",
	"dropbox-short-lived-api-token":        "dropbox",
	"fastly-api-token":                     "fastly",
	"gcp-api-key":                          "gcp",
	"gcp-gemini-api":                       "gcp",      // Betterleaks: Gemini keys are Google Cloud API keys
	"gcp-service-account":                  "gcpsakey", // Betterleaks
	"github-app-token":                     "github",
	"github-fine-grained-pat":              "github",
	"github-oauth":                         "github",
	"github-pat":                           "github",
	"github-refresh-token":                 "github",
	"gitlab-pat":                           "gitlab",
	"gitlab-pat-routable":                  "gitlab",
	"gitlab-pat-routable-versioned":        "gitlab", // Betterleaks
	"grafana-cloud-api-token":              "grafanacloud",
	"hashicorp-tf-api-token":               "terraformcloud",
	"huggingface-access-token":             "huggingface",
	"huggingface-organization-api-token":   "huggingface",
	"launchdarkly-access-token":            "launchdarkly",
	"mailgun-private-api-token":            "mailgun",
	"mongodb-atlas-service-account-secret": "mongodbatlas", // Betterleaks
	"new-relic-user-api-key":               "newrelic",
	"notion-api-token":                     "notion",
	"npm-access-token":                     "npm",
	"okta-access-token":                    "okta",
	"openai-api-key":                       "openai",
	"artifactory-reference-token":          "jfrog",
	"pulumi-api-token":                     "pulumi",
	"sendgrid-api-token":                   "sendgrid",
	"sentry-org-token":                     "sentry",
	"slack-app-token":                      "slack",
	"slack-bot-token":                      "slack",
	"slack-config-access-token":            "slack",
	"slack-config-refresh-token":           "slack",
	"slack-legacy-bot-token":               "slack",
	"slack-legacy-token":                   "slack",
	"slack-legacy-workspace-token":         "slack",
	"slack-user-token":                     "slack",
	"slack-webhook-url":                    "slack",
	"stripe-access-token":                  "stripe",
	"twilio-api-key":                       "twilio",
	"twitch-api-token":                     "twitch",
	"vercel-api-token":                     "vercel", // Betterleaks
	"vercel-personal-access-token":         "vercel", // Betterleaks
}

// truffleHogRules: DetectorName values.
var truffleHogRules = map[string]string{
	"AWS":                            "aws",
	"AlgoliaAdminKey":                "algolia",
	"Anthropic":                      "anthropic",
	"ArtifactoryAccessToken":         "jfrog",
	"ArtifactoryReferenceToken":      "jfrog",
	"AzureDevopsPersonalAccessToken": "azuredevops",
	"Box":                            "box",
	"Buildkite":                      "buildkite",
	"Confluent":                      "confluentcloud",
	"ContentfulPersonalAccessToken":  "contentful",
	"DatabricksToken":                "databricks",
	"DatadogApikey":                  "datadog",
	"DatadogToken":                   "datadog",
	"DigitalOceanToken":              "digitalocean",
	"DigitalOceanV2":                 "digitalocean",
	"DiscordWebhook":                 "discord",
	"Dockerhub":                      "dockerhub",
	"Doppler":                        "doppler",
	"Dropbox":                        "dropbox",
	"FastlyPersonalToken":            "fastly",
	"GCP":                            "gcpsakey", // service account key files
	"Github":                         "github",
	"GitHubOld":                      "github",
	"Gitlab":                         "gitlab",
	"GoogleGeminiAPIKey":             "gcp",
	"Grafana":                        "grafanacloud", // glc_ Cloud Access Policy tokens
	"HuggingFace":                    "huggingface",
	"LaunchDarkly":                   "launchdarkly",
	"Mailgun":                        "mailgun",
	"NewRelicPersonalApiKey":         "newrelic",
	"NewRelicUserKey":                "newrelic",
	"Notion":                         "notion",
	"NpmToken":                       "npm",
	"Okta":                           "okta",
	"OpenAI":                         "openai",
	"OpenAIAdmin":                    "openaiadmin",
	"Pulumi":                         "pulumi",
	"SendGrid":                       "sendgrid",
	"SentryOrgToken":                 "sentry",
	"Slack":                          "slack",
	"SlackWebhook":                   "slack",
	"Stripe":                         "stripe",
	"TerraformCloudPersonalToken":    "terraformcloud",
	"TwilioApiKey":                   "twilio",
	"TwitchAccessToken":              "twitch",
	"Vercel":                         "vercel",
}

// kingfisherRules: rule ids (rule.id).
var kingfisherRules = map[string]string{
	"kingfisher.algolia.1":      "algolia", // Algolia Admin API Key
	"kingfisher.anthropic.1":    "anthropic",
	"kingfisher.artifactory.1":  "jfrog", // Artifactory Access Token
	"kingfisher.aws.1":          "aws",   // AWS Access Key ID
	"kingfisher.aws.2":          "aws",   // AWS Secret Access Key
	"kingfisher.azure.devops.1": "azuredevops",
	"kingfisher.box.1":          "box",
	"kingfisher.buildkite.1":    "buildkite",
	"kingfisher.confluent.2":    "confluentcloud", // Confluent API Secret
	"kingfisher.contentful.1":   "contentful",     // Contentful Personal Access Token
	"kingfisher.databricks.1":   "databricks",
	"kingfisher.databricks.2":   "databricks",
	"kingfisher.datadog.1":      "datadog",
	"kingfisher.datadog.2":      "datadog",
	"kingfisher.digitalocean.1": "digitalocean",
	"kingfisher.digitalocean.2": "digitalocean",
	"kingfisher.digitalocean.3": "digitalocean",
	"kingfisher.discord.1":      "discord", // Discord Webhook URL
	"kingfisher.dockerhub.1":    "dockerhub",
	"kingfisher.doppler.1":      "doppler",
	"kingfisher.doppler.2":      "doppler",
	"kingfisher.doppler.3":      "doppler",
	"kingfisher.doppler.4":      "doppler",
	"kingfisher.doppler.5":      "doppler",
	"kingfisher.doppler.6":      "doppler",
	"kingfisher.fastly.1":       "fastly",
	"kingfisher.github.1":       "github", // Personal Access Token
	"kingfisher.github.2":       "github", // OAuth Access Token
	"kingfisher.github.3":       "github", // App Token
	"kingfisher.github.4":       "github", // Refresh Token
	"kingfisher.github.7":       "github", // fine-grained PAT
	"kingfisher.gitlab.1":       "gitlab", // Private Token
	"kingfisher.google.4":       "google", // Google OAuth Access Token
	"kingfisher.grafana.2":      "grafanacloud",
	"kingfisher.huggingface.1":  "huggingface",
	"kingfisher.launchdarkly.1": "launchdarkly",
	"kingfisher.mailgun.1":      "mailgun",
	"kingfisher.mailgun.2":      "mailgun",
	"kingfisher.mongodb.1":      "mongodbatlas", // MongoDB API Private Key
	"kingfisher.mongodb.4":      "mongodbatlas", // Atlas Service Account Token
	"kingfisher.newrelic.1":     "newrelic",     // Personal API Key
	"kingfisher.notion.1":       "notion",
	"kingfisher.npm.1":          "npm",
	"kingfisher.npm.2":          "npm",
	"kingfisher.okta.1":         "okta",
	"kingfisher.openai.1":       "openai",
	"kingfisher.pulumi.1":       "pulumi",
	"kingfisher.sendgrid.1":     "sendgrid",
	"kingfisher.slack.1":        "slack",
	"kingfisher.slack.2":        "slack",
	"kingfisher.slack.4":        "slack", // Slack Webhook
	"kingfisher.stripe.2":       "stripe",
	"kingfisher.terraform.1":    "terraformcloud",
	"kingfisher.twilio.2":       "twilio", // Twilio API Key
	"kingfisher.twitch.1":       "twitch", // Twitch Access Token
	"kingfisher.vercel.1":       "vercel",
}

// gitHubRules: secret_type values.
var gitHubRules = map[string]string{
	"anthropic_admin_api_key":                  "anthropic",
	"anthropic_api_key":                        "anthropic",
	"aws_access_key_id":                        "aws",
	"aws_secret_access_key":                    "aws",
	"azure_devops_personal_access_token":       "azuredevops",
	"buildkite_user_access_token":              "buildkite",
	"contentful_personal_access_token":         "contentful",
	"databricks_access_token":                  "databricks",
	"datadog_api_key":                          "datadog",
	"datadog_app_key":                          "datadog",
	"digitalocean_oauth_token":                 "digitalocean",
	"digitalocean_personal_access_token":       "digitalocean",
	"digitalocean_refresh_token":               "digitalocean",
	"docker_organization_access_token":         "dockerhub",
	"docker_personal_access_token":             "dockerhub",
	"doppler_audit_token":                      "doppler",
	"doppler_cli_token":                        "doppler",
	"doppler_personal_token":                   "doppler",
	"doppler_scim_token":                       "doppler",
	"doppler_service_account_token":            "doppler",
	"doppler_service_token":                    "doppler",
	"dropbox_access_token":                     "dropbox",
	"dropbox_short_lived_access_token":         "dropbox",
	"fastly_api_token":                         "fastly",
	"github_app_installation_access_token":     "github",
	"github_oauth_access_token":                "github",
	"github_personal_access_token":             "github",
	"github_refresh_token":                     "github",
	"gitlab_access_token":                      "gitlab",
	"google_api_key":                           "gcp",
	"google_cloud_service_account_credentials": "gcpsakey",
	"google_gcp_api_key_bound_service_account": "gcp",
	"google_gemini_api_key":                    "gcp",
	"google_oauth_access_token":                "google",
	"google_oauth_refresh_token":               "google",
	"grafana_cloud_api_token":                  "grafanacloud",
	"hf_org_api_key":                           "huggingface",
	"hf_user_access_token":                     "huggingface",
	"jfrog_platform_access_token":              "jfrog",
	"jfrog_platform_reference_token":           "jfrog",
	"launchdarkly_access_token":                "launchdarkly",
	"mailgun_api_key":                          "mailgun",
	"mongodb_atlas_service_account_secret":     "mongodbatlas",
	"new_relic_personal_api_key":               "newrelic",
	"notion_api_token":                         "notion",
	"notion_integration_token":                 "notion",
	"npm_access_token":                         "npm",
	"openai_api_key":                           "openai",
	"pulumi_access_token":                      "pulumi",
	"sendgrid_api_key":                         "sendgrid",
	"sentry_org_auth_token":                    "sentry",
	"slack_api_token":                          "slack",
	"slack_incoming_webhook_url":               "slack",
	"slack_workflow_webhook_url":               "slack",
	"stripe_api_key":                           "stripe",
	"stripe_live_restricted_key":               "stripe",
	"stripe_test_restricted_key":               "stripe",
	"stripe_test_secret_key":                   "stripe",
	"terraform_api_token":                      "terraformcloud",
	"twilio_api_key":                           "twilio",
}

func rulesFor(f Format) map[string]string {
	switch f {
	case Gitleaks, Betterleaks:
		return gitleaksRules
	case TruffleHog:
		return truffleHogRules
	case Kingfisher:
		return kingfisherRules
	case GitHubSecretScanning:
		return gitHubRules
	}
	return nil
}

// ProviderFor names the keyctl provider of a finding: the rule's, refined
// by the secret where one rule spans two providers. "" when the rule names
// none.
func ProviderFor(f Format, rule, secret string) string {
	p := rulesFor(f)[rule]
	// One OpenAI rule matches project, service-account and admin keys
	// alike; admin keys (sk-admin-…) are the provider openaiadmin.
	if p == "openai" && strings.HasPrefix(secret, "sk-admin-") {
		return "openaiadmin"
	}
	return p
}
