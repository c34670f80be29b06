package cdk

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// The Terraform backends a stack's state can live in. Each function adds the backend block
// (terraform.backend.<kind>) to stack; a stack has at most one. Argument names are those of
// Terraform 1.11 and OpenTofu 1.10 (the engines the project pins), which accept the same ones
// for these backends. Credentials are never arguments here: each backend reads its own
// environment variables (AWS_*, GOOGLE_*, KUBE_*).

// S3Backend describes the s3 backend (Amazon S3 or an S3-compatible store).
type S3Backend struct {
	Bucket, Key, Region string
	// Endpoint is the S3 API's URL (endpoints.s3), for an S3-compatible store.
	Endpoint string
	// UseLockfile locks the state with a lock object beside it (S3 conditional writes).
	UseLockfile bool
	// DynamoDBTable locks the state in that DynamoDB table instead (deprecated by Terraform).
	DynamoDBTable string
	// Encrypt, KMSKeyID: server-side encryption of the state object.
	Encrypt  *bool
	KMSKeyID string
	// Profile is the AWS profile; RoleARN a role to assume (assume_role.role_arn).
	Profile, RoleARN string
	// UsePathStyle: https://<host>/<bucket> URLs (S3-compatible stores).
	UsePathStyle *bool
	// Skip* turn off calls an S3-compatible store does not answer.
	SkipCredentialsValidation, SkipRegionValidation, SkipRequestingAccountID, SkipMetadataAPICheck, SkipS3Checksum *bool
}

// NewS3Backend adds an s3 backend to stack.
func NewS3Backend(stack Stack, b S3Backend) error {
	return Guard("s3 backend", func() error {
		cfg := &cdktf.S3BackendConfig{
			Bucket:                    jsii.String(b.Bucket),
			Key:                       jsii.String(b.Key),
			Region:                    optString(b.Region),
			DynamodbTable:             optString(b.DynamoDBTable),
			Encrypt:                   b.Encrypt,
			KmsKeyId:                  optString(b.KMSKeyID),
			Profile:                   optString(b.Profile),
			UsePathStyle:              b.UsePathStyle,
			SkipCredentialsValidation: b.SkipCredentialsValidation,
			SkipRegionValidation:      b.SkipRegionValidation,
			SkipRequestingAccountId:   b.SkipRequestingAccountID,
			SkipMetadataApiCheck:      b.SkipMetadataAPICheck,
			SkipS3Checksum:            b.SkipS3Checksum,
		}
		if b.Endpoint != "" {
			cfg.Endpoints = &cdktf.S3BackendEndpointConfig{S3: jsii.String(b.Endpoint)}
		}
		if b.RoleARN != "" {
			cfg.AssumeRole = &cdktf.S3BackendAssumeRoleConfig{RoleArn: jsii.String(b.RoleARN)}
		}
		backend := cdktf.NewS3Backend(stack, cfg)
		if b.UseLockfile {
			// CDKTF 0.21 predates use_lockfile (Terraform 1.10+, OpenTofu 1.10+).
			backend.AddOverride(jsii.String("use_lockfile"), true)
		}
		return nil
	})
}

// GCSBackend describes the gcs backend (Google Cloud Storage; locking is built in).
type GCSBackend struct {
	Bucket, Prefix string
	// ImpersonateServiceAccount is the service account the backend acts as.
	ImpersonateServiceAccount string
	// KMSEncryptionKey is the Cloud KMS key (its resource name) encrypting the state.
	KMSEncryptionKey string
	// StorageCustomEndpoint is the Cloud Storage API's URL (a private endpoint).
	StorageCustomEndpoint string
}

// NewGCSBackend adds a gcs backend to stack.
func NewGCSBackend(stack Stack, b GCSBackend) error {
	return Guard("gcs backend", func() error {
		backend := cdktf.NewGcsBackend(stack, &cdktf.GcsBackendConfig{
			Bucket:                    jsii.String(b.Bucket),
			Prefix:                    optString(b.Prefix),
			ImpersonateServiceAccount: optString(b.ImpersonateServiceAccount),
			KmsEncryptionKey:          optString(b.KMSEncryptionKey),
		})
		if b.StorageCustomEndpoint != "" {
			// CDKTF 0.21 misspells it (storeage_custom_endpoint), which Terraform rejects.
			backend.AddOverride(jsii.String("storage_custom_endpoint"), b.StorageCustomEndpoint)
		}
		return nil
	})
}

// KubernetesBackend describes the kubernetes backend: the state in the Secret
// tfstate-<workspace>-<SecretSuffix> of Namespace, locked with a Lease beside it.
type KubernetesBackend struct {
	SecretSuffix, Namespace string
	Labels                  map[string]string
	// ConfigPath, ConfigContext select the cluster from a kubeconfig (default: KUBE_CONFIG_PATH,
	// KUBE_CTX); InClusterConfig uses the pod's service account; Host the API server's URL.
	ConfigPath, ConfigContext string
	InClusterConfig           bool
	Host                      string
}

// kubernetesBackend is the kubernetes backend, which CDKTF 0.21 lacks: a TerraformBackend
// named "kubernetes" whose arguments are overrides. It never serves cross-stack references
// (getRemoteStateDataSource), which the project does not use.
type kubernetesBackend struct {
	cdktf.TerraformBackend
}

// GetRemoteStateDataSource implements the abstract method: the project makes no cross-stack
// references, so CDKTF never calls it; nil would make such a reference fail at synth.
func (*kubernetesBackend) GetRemoteStateDataSource(constructs.Construct, *string, *string) cdktf.TerraformRemoteState {
	return nil
}

// NewKubernetesBackend adds a kubernetes backend to stack.
func NewKubernetesBackend(stack Stack, b KubernetesBackend) error {
	return Guard("kubernetes backend", func() error {
		backend := &kubernetesBackend{}
		cdktf.NewTerraformBackend_Override(backend, stack, jsii.String("backend"), jsii.String("kubernetes"))
		set := func(key string, v any) { backend.AddOverride(jsii.String(key), v) }
		set("secret_suffix", b.SecretSuffix)
		set("namespace", b.Namespace)
		if len(b.Labels) > 0 {
			set("labels", b.Labels)
		}
		if b.ConfigPath != "" {
			set("config_path", b.ConfigPath)
		}
		if b.ConfigContext != "" {
			set("config_context", b.ConfigContext)
		}
		if b.InClusterConfig {
			set("in_cluster_config", true)
		}
		if b.Host != "" {
			set("host", b.Host)
		}
		return nil
	})
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}
