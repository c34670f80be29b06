package stacks

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/yamlconf"
)

// StateConfig selects where Terraform keeps the state of the stacks: one backend for every
// stack, each stack under its own key derived from its name, so two stacks never share a
// state. In YAML, a mapping with one key, the backend, and its settings:
//
//	state:
//	  s3: {bucket: corp-tfstate, key_prefix: armonik/prod, region: eu-west-3}
//
// Credentials never come from the file: each backend reads them from its standard environment
// variables (AWS_ACCESS_KEY_ID..., GOOGLE_BACKEND_CREDENTIALS..., KUBE_CONFIG_PATH...); a
// credential key in the file is an error saying which variable to set.
type StateConfig struct {
	// Key is the backend chosen ("" keeps each stack's state_file, or CDKTF's default local
	// file terraform.<stack>.tfstate in the project directory).
	Key string
	// Local, S3, GCS, Kubernetes hold the settings of the backend chosen.
	Local      *LocalState
	S3         *S3State
	GCS        *GCSState
	Kubernetes *KubernetesState
}

// Alternatives implements yamlconf.Choice.
func (c *StateConfig) Alternatives() []yamlconf.Alternative {
	return []yamlconf.Alternative{
		{Key: "local", Doc: "Files on the machine that runs Terraform: <dir>/<stack>.tfstate (no sharing, no locking across machines).", New: func() any { return &LocalState{} }},
		{Key: "s3", Doc: "Amazon S3 or an S3-compatible store (MinIO...): <key_prefix>/<stack>.tfstate in the bucket, locked by a lock object (use_lockfile). Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN), or AWS_PROFILE, or the machine's role.", New: func() any { return &S3State{} }},
		{Key: "gcs", Doc: "Google Cloud Storage: <prefix>/<stack>/default.tfstate in the bucket, locked by a lock object. Credentials: GOOGLE_BACKEND_CREDENTIALS or GOOGLE_CREDENTIALS (a key file's path or content), GOOGLE_OAUTH_ACCESS_TOKEN, or application default credentials.", New: func() any { return &GCSState{} }},
		{Key: "kubernetes", Doc: "A Secret tfstate-default-<secret_suffix> in a namespace of a cluster, locked by a Lease beside it. Cluster access: kubeconfig (KUBE_CONFIG_PATH, KUBE_CTX), in-cluster service account, or KUBE_HOST with KUBE_TOKEN.", New: func() any { return &KubernetesState{} }},
	}
}

// Choose implements yamlconf.Choice.
func (c *StateConfig) Choose(key string, value any) {
	c.Key = key
	switch v := value.(type) {
	case *LocalState:
		c.Local = v
	case *S3State:
		c.S3 = v
	case *GCSState:
		c.GCS = v
	case *KubernetesState:
		c.Kubernetes = v
	}
}

// ChoiceRequired implements yamlconf.Choice: no backend keeps the local default.
func (*StateConfig) ChoiceRequired() bool { return false }

// LocalState keeps the states in files of the machine that runs Terraform.
type LocalState struct {
	// Dir is the absolute directory of the state files, <dir>/<stack>.tfstate (required).
	Dir string `yaml:"dir"`
}

// S3State keeps the states in an S3 bucket.
type S3State struct {
	// Bucket is the bucket's name (required; it must exist, versioning on is advised).
	Bucket string `yaml:"bucket"`
	// KeyPrefix is the path in the bucket under which each stack's state is
	// <key_prefix>/<stack>.tfstate (required: one per deployment, e.g. armonik/prod).
	KeyPrefix string `yaml:"key_prefix"`
	// Region of the bucket (default: AWS_REGION or AWS_DEFAULT_REGION).
	Region string `yaml:"region,omitempty"`
	// Endpoint is the URL of an S3-compatible store (https://minio.corp:9000). With it,
	// use_path_style, skip_credentials_validation, skip_region_validation and
	// skip_requesting_account_id default to true (such stores have no AWS STS or IAM).
	Endpoint string `yaml:"endpoint,omitempty"`
	// UsePathStyle addresses the bucket as <endpoint>/<bucket> (default true with endpoint,
	// else false).
	UsePathStyle *bool `yaml:"use_path_style,omitempty"`
	// UseLockfile locks each state with a lock object beside it (default true; needs
	// conditional writes, which AWS S3 and recent MinIO support). False with no dynamodb_table
	// leaves the state unlocked.
	UseLockfile *bool `yaml:"use_lockfile,omitempty"`
	// DynamoDBTable locks the states in this DynamoDB table instead (partition key LockID);
	// Terraform 1.11 deprecates it for use_lockfile.
	DynamoDBTable string `yaml:"dynamodb_table,omitempty"`
	// Encrypt requests server-side encryption of the state objects (AWS S3 encrypts new
	// objects anyway).
	Encrypt *bool `yaml:"encrypt,omitempty"`
	// KMSKeyID is the KMS key (ID, alias/<name> or ARN) encrypting the state objects.
	KMSKeyID string `yaml:"kms_key_id,omitempty"`
	// Profile is the AWS profile of the shared configuration files (or AWS_PROFILE).
	Profile string `yaml:"profile,omitempty"`
	// RoleARN is an IAM role the backend assumes (assume_role.role_arn).
	RoleARN string `yaml:"role_arn,omitempty"`
	// SkipCredentialsValidation skips the STS check of the credentials.
	SkipCredentialsValidation *bool `yaml:"skip_credentials_validation,omitempty"`
	// SkipRegionValidation accepts a region name AWS does not know.
	SkipRegionValidation *bool `yaml:"skip_region_validation,omitempty"`
	// SkipRequestingAccountID skips the IAM/STS lookup of the account ID.
	SkipRequestingAccountID *bool `yaml:"skip_requesting_account_id,omitempty"`
	// SkipMetadataAPICheck skips the EC2 metadata service (credentials of the machine's role).
	SkipMetadataAPICheck *bool `yaml:"skip_metadata_api_check,omitempty"`
	// SkipS3Checksum sends no checksum with uploads (for stores that reject them).
	SkipS3Checksum *bool `yaml:"skip_s3_checksum,omitempty"`
}

// GCSState keeps the states in a Google Cloud Storage bucket.
type GCSState struct {
	// Bucket is the bucket's name (required; it must exist, versioning on is advised).
	Bucket string `yaml:"bucket"`
	// Prefix is the path in the bucket under which each stack's state is
	// <prefix>/<stack>/default.tfstate (required: one per deployment, e.g. armonik/prod).
	Prefix string `yaml:"prefix"`
	// ImpersonateServiceAccount is a service account the backend acts as.
	ImpersonateServiceAccount string `yaml:"impersonate_service_account,omitempty"`
	// KMSEncryptionKey is the resource name of the Cloud KMS key encrypting the state
	// (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>).
	KMSEncryptionKey string `yaml:"kms_encryption_key,omitempty"`
	// StorageCustomEndpoint is the URL of the Cloud Storage API (a private endpoint).
	StorageCustomEndpoint string `yaml:"storage_custom_endpoint,omitempty"`
}

// KubernetesState keeps the states in Secrets of a cluster.
type KubernetesState struct {
	// Namespace holds the state Secrets and lock Leases (default "default"). Never a namespace
	// the stacks create: destroying them would delete the state.
	Namespace string `yaml:"namespace,omitempty"`
	// SecretSuffix prefixes each stack's name in the suffix of its Secret:
	// tfstate-default-<secret_suffix>-<stack> (default: none, tfstate-default-<stack>).
	SecretSuffix string `yaml:"secret_suffix,omitempty"`
	// Labels are added to the state Secrets.
	Labels map[string]string `yaml:"labels,omitempty"`
	// ConfigPath is the kubeconfig of the cluster holding the state (default: KUBE_CONFIG_PATH).
	ConfigPath string `yaml:"config_path,omitempty"`
	// ConfigContext is the kubeconfig context (default: KUBE_CTX, else the current one).
	ConfigContext string `yaml:"config_context,omitempty"`
	// InClusterConfig uses the service account of the pod Terraform runs in.
	InClusterConfig bool `yaml:"in_cluster_config,omitempty"`
	// Host is the API server's URL (default: KUBE_HOST, else the kubeconfig's).
	Host string `yaml:"host,omitempty"`
}

// credentialKeys are the credential arguments of each backend, with the environment variable
// that gives them instead of the file.
var credentialKeys = map[string]map[string]string{
	"s3": {
		"access_key": "AWS_ACCESS_KEY_ID", "secret_key": "AWS_SECRET_ACCESS_KEY", "token": "AWS_SESSION_TOKEN",
		"sse_customer_key": "AWS_SSE_CUSTOMER_KEY", "secret_access_key": "AWS_SECRET_ACCESS_KEY", "access_key_id": "AWS_ACCESS_KEY_ID",
		"session_token": "AWS_SESSION_TOKEN", "web_identity_token": "AWS_WEB_IDENTITY_TOKEN_FILE (a file holding the token)",
	},
	"gcs": {
		"credentials": "GOOGLE_BACKEND_CREDENTIALS (or GOOGLE_CREDENTIALS: a key file's path or content)", "access_token": "GOOGLE_OAUTH_ACCESS_TOKEN",
		"encryption_key": "GOOGLE_ENCRYPTION_KEY",
	},
	"kubernetes": {
		"token": "KUBE_TOKEN", "password": "KUBE_PASSWORD", "username": "KUBE_USER", "client_key": "KUBE_CLIENT_KEY_DATA",
		"client_certificate": "KUBE_CLIENT_CERT_DATA", "cluster_ca_certificate": "KUBE_CLUSTER_CA_CERT_DATA", "exec": "a kubeconfig (config_path) whose user runs the plugin",
	},
}

// credentialLike matches key names that hold secrets whatever the backend.
var credentialLike = regexp.MustCompile(`(?i)secret|password|passwd|token|credential|private|passphrase|access_?key|api_?key|auth`)

func credentialHint(backend, key string) string {
	if env, ok := credentialKeys[backend][key]; ok {
		return fmt.Sprintf("a credential never goes in the configuration file: set %s in the environment of Terraform (the %s backend reads it)", env, backend)
	}
	if credentialLike.MatchString(key) {
		return fmt.Sprintf("looks like a credential, which never goes in the configuration file: the %s backend reads its credentials from the environment (see docs/configuration.md, state.%s)", backend, backend)
	}
	return ""
}

// KeyHint implements yamlconf.KeyHinter: credentials are refused with the variable to set.
func (S3State) KeyHint(key string) string { return credentialHint("s3", key) }

// KeyHint implements yamlconf.KeyHinter.
func (GCSState) KeyHint(key string) string { return credentialHint("gcs", key) }

// KeyHint implements yamlconf.KeyHinter.
func (KubernetesState) KeyHint(key string) string { return credentialHint("kubernetes", key) }

// KeyHint implements yamlconf.KeyHinter.
func (LocalState) KeyHint(key string) string { return credentialHint("local", key) }

var (
	s3Bucket   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	gcsBucket  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$`)
	kmsKeyID   = regexp.MustCompile(`^([a-f0-9]{8}-[a-f0-9]{4}-[1-5][a-f0-9]{3}-[ab89][a-f0-9]{3}-[a-f0-9]{12}|mrk-[a-f0-9]{32}|alias/[a-zA-Z0-9/_-]+)$`)
	kmsKeyARN  = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/([a-f0-9]{8}-[a-f0-9]{4}-[1-5][a-f0-9]{3}-[ab89][a-f0-9]{3}-[a-f0-9]{12}|mrk-[a-f0-9]{32})|alias/[a-zA-Z0-9/_-]+)$`)
	iamRoleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)
	gcpKMSKey  = regexp.MustCompile(`^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$`)
	// statePrefix is a key prefix: path segments of letters, digits and -_.=, no leading,
	// trailing or double slash.
	statePrefix = regexp.MustCompile(`^[A-Za-z0-9._=-]+(/[A-Za-z0-9._=-]+)*$`)
)

// validate returns every problem of the chosen backend, each naming its key relative to the
// backend ("s3.bucket: required").
func (c *StateConfig) validate() []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s", c.Key, fmt.Sprintf(format, args...)))
	}
	prefix := func(key, v string) {
		switch {
		case v == "":
			add("%s: required: the path under which each stack's state is kept, one per deployment (armonik/prod)", key)
		case !statePrefix.MatchString(v):
			add("%s: %q must be path segments of letters, digits and -_.= separated by single slashes, without a leading or trailing slash", key, v)
		}
	}
	url := func(key, v string) {
		if v != "" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			add("%s: %q must be an http:// or https:// URL", key, v)
		}
	}
	switch c.Key {
	case "local":
		switch d := c.Local.Dir; {
		case d == "":
			add("dir: required: the absolute directory of the state files")
		case !filepath.IsAbs(d):
			add("dir: %q must be absolute (a relative path would be relative to each stack's directory under cdktf.out)", d)
		}
	case "s3":
		s := c.S3
		if !s3Bucket.MatchString(s.Bucket) {
			add("bucket: %q must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and dashes)", s.Bucket)
		}
		prefix("key_prefix", s.KeyPrefix)
		url("endpoint", s.Endpoint)
		if strings.ContainsAny(s.Region, " /") {
			add("region: %q is not a region name (eu-west-3)", s.Region)
		}
		if s.KMSKeyID != "" && !kmsKeyID.MatchString(s.KMSKeyID) && !kmsKeyARN.MatchString(s.KMSKeyID) {
			add("kms_key_id: %q must be a KMS key ID, alias/<name>, or a key or alias ARN", s.KMSKeyID)
		}
		if s.RoleARN != "" && !iamRoleARN.MatchString(s.RoleARN) {
			add("role_arn: %q must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)", s.RoleARN)
		}
		if s.DynamoDBTable != "" && s.UseLockfile != nil && *s.UseLockfile {
			add("dynamodb_table: set either use_lockfile or dynamodb_table, the lock of every run must be the same")
		}
	case "gcs":
		g := c.GCS
		if !gcsBucket.MatchString(g.Bucket) {
			add("bucket: %q must be a Cloud Storage bucket name (lower-case letters, digits, dots, dashes and underscores)", g.Bucket)
		}
		prefix("prefix", g.Prefix)
		url("storage_custom_endpoint", g.StorageCustomEndpoint)
		if g.KMSEncryptionKey != "" && !gcpKMSKey.MatchString(g.KMSEncryptionKey) {
			add("kms_encryption_key: %q must be projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>", g.KMSEncryptionKey)
		}
		if g.ImpersonateServiceAccount != "" && !strings.Contains(g.ImpersonateServiceAccount, "@") {
			add("impersonate_service_account: %q must be a service account's e-mail", g.ImpersonateServiceAccount)
		}
	case "kubernetes":
		k := c.Kubernetes
		if k.Namespace != "" {
			if msgs := validation.IsDNS1123Label(k.Namespace); len(msgs) > 0 {
				add("namespace: %q %s", k.Namespace, msgs[0])
			}
		}
		if k.SecretSuffix != "" {
			// The backend names the Secret tfstate-<workspace>-<suffix> and labels it with the
			// suffix: both must be valid (with the longest stack name).
			suffix := k.SecretSuffix + "-" + ExternalName
			msgs := append(validation.IsDNS1123Subdomain("tfstate-default-"+suffix), validation.IsValidLabelValue(suffix)...)
			if len(msgs) > 0 {
				add("secret_suffix: %q: %s (the Secret is tfstate-default-<secret_suffix>-<stack>)", k.SecretSuffix, msgs[0])
			}
		}
		for key, v := range k.Labels {
			for _, msg := range append(validation.IsQualifiedName(key), validation.IsValidLabelValue(v)...) {
				add("labels.%s: %s", key, msg)
			}
		}
		url("host", k.Host)
		if k.InClusterConfig && (k.ConfigPath != "" || k.ConfigContext != "") {
			add("in_cluster_config: set it or config_path/config_context, not both")
		}
	}
	return errs
}

// stateLocation is where a stack's state lives, as a string that is the same for two stacks
// exactly when they would share one state.
type stateLocation struct {
	where string
	apply func(cdk.Stack) error
}

// location returns where stack's state lives under c, given the stack's own state_file ("" for
// none): the backend's key for the stack, and how to configure it.
func (c *StateConfig) location(stack, stateFile string) stateLocation {
	switch c.Key {
	case "local":
		p := filepath.Join(c.Local.Dir, stack+".tfstate")
		return stateLocation{"local " + p, func(st cdk.Stack) error { return cdk.LocalBackend(st, p) }}
	case "s3":
		s := c.S3
		key := s.KeyPrefix + "/" + stack + ".tfstate"
		endpoint := s.Endpoint != ""
		b := cdk.S3Backend{
			Bucket: s.Bucket, Key: key, Region: s.Region, Endpoint: s.Endpoint,
			UseLockfile:   s.UseLockfile == nil && s.DynamoDBTable == "" || s.UseLockfile != nil && *s.UseLockfile,
			DynamoDBTable: s.DynamoDBTable, Encrypt: s.Encrypt, KMSKeyID: s.KMSKeyID, Profile: s.Profile, RoleARN: s.RoleARN,
			UsePathStyle:              defaultTrue(s.UsePathStyle, endpoint),
			SkipCredentialsValidation: defaultTrue(s.SkipCredentialsValidation, endpoint),
			SkipRegionValidation:      defaultTrue(s.SkipRegionValidation, endpoint),
			SkipRequestingAccountID:   defaultTrue(s.SkipRequestingAccountID, endpoint),
			SkipMetadataAPICheck:      s.SkipMetadataAPICheck,
			SkipS3Checksum:            s.SkipS3Checksum,
		}
		return stateLocation{"s3 " + s.Endpoint + " " + s.Bucket + "/" + key, func(st cdk.Stack) error { return cdk.NewS3Backend(st, b) }}
	case "gcs":
		g := c.GCS
		b := cdk.GCSBackend{
			Bucket: g.Bucket, Prefix: g.Prefix + "/" + stack, ImpersonateServiceAccount: g.ImpersonateServiceAccount,
			KMSEncryptionKey: g.KMSEncryptionKey, StorageCustomEndpoint: g.StorageCustomEndpoint,
		}
		return stateLocation{"gcs " + g.StorageCustomEndpoint + " " + g.Bucket + "/" + b.Prefix, func(st cdk.Stack) error { return cdk.NewGCSBackend(st, b) }}
	case "kubernetes":
		k := c.Kubernetes
		suffix := stack
		if k.SecretSuffix != "" {
			suffix = k.SecretSuffix + "-" + stack
		}
		b := cdk.KubernetesBackend{
			SecretSuffix: suffix, Namespace: or(k.Namespace, "default"), Labels: k.Labels,
			ConfigPath: k.ConfigPath, ConfigContext: k.ConfigContext, InClusterConfig: k.InClusterConfig, Host: k.Host,
		}
		cluster := k.Host + " " + k.ConfigPath + " " + k.ConfigContext
		return stateLocation{"kubernetes " + cluster + " " + b.Namespace + "/tfstate-default-" + suffix, func(st cdk.Stack) error { return cdk.NewKubernetesBackend(st, b) }}
	}
	if stateFile != "" {
		// Relative to the directory Terraform runs in: cdktf.out/stacks/<stack>.
		p := stateFile
		if !filepath.IsAbs(p) {
			p = path.Join("cdktf.out/stacks", stack, filepath.ToSlash(p))
		}
		return stateLocation{"local " + filepath.Clean(p), func(st cdk.Stack) error { return cdk.LocalBackend(st, stateFile) }}
	}
	return stateLocation{"local terraform." + stack + ".tfstate", func(cdk.Stack) error { return nil }}
}

func defaultTrue(v *bool, def bool) *bool {
	if v != nil {
		return v
	}
	if def {
		return ptr(true)
	}
	return nil
}

// stateProblems checks the state settings of the selected stacks: the backend's own settings,
// a stack's state_file beside a shared backend, a kubernetes backend in a namespace the stacks
// delete, and two stacks sharing a state.
func (c *Config) stateProblems() []error {
	var errs []error
	for _, e := range c.State.validate() {
		errs = append(errs, fmt.Errorf("state.%w", e))
	}
	files := map[string]string{
		LocalhostName: c.Localhost.StateFile, ExternalName: c.External.StateFile, PlatformName: c.Platform.StateFile,
	}
	sections := map[string]string{LocalhostName: "localhost", ExternalName: "external", PlatformName: "platform"}
	seen := map[string]string{}
	for _, name := range c.SelectedStacks() {
		if !slices.Contains(StackNames, name) {
			continue
		}
		if c.State.Key != "" && files[name] != "" {
			errs = append(errs, fmt.Errorf("%s.state_file: the state of every stack is set by state.%s: drop state_file", sections[name], c.State.Key))
			continue
		}
		where := c.State.location(name, files[name]).where
		if other, dup := seen[where]; dup {
			errs = append(errs, fmt.Errorf("%s.state_file: %s would share its state with %s (%s): give each stack its own file", sections[name], name, other, strings.TrimPrefix(where, "local ")))
		}
		seen[where] = name
	}
	if c.State.Key == "kubernetes" {
		ns := or(c.State.Kubernetes.Namespace, "default")
		for _, created := range c.createdNamespaces() {
			if ns == created.name {
				errs = append(errs, fmt.Errorf("state.kubernetes.namespace: %q is created by %s, whose destroy would delete the state: keep the state in another namespace (default \"default\")", ns, created.by))
			}
		}
	}
	return errs
}

// createdNamespaces lists the namespaces the selected stacks create, and which key makes them.
func (c *Config) createdNamespaces() []struct{ name, by string } {
	var out []struct{ name, by string }
	for _, name := range c.SelectedStacks() {
		switch name {
		case LocalhostName:
			ns := or(c.Localhost.Namespace, "armonik")
			out = append(out, struct{ name, by string }{ns, "armonik-localhost (localhost.namespace)"},
				struct{ name, by string }{or(c.Localhost.Monitoring.NodeAgentsNamespace, ns+"-node-agents"), "armonik-localhost (localhost.monitoring.node_agents_namespace)"},
				struct{ name, by string }{or(c.Localhost.Monitoring.LogsNamespace, ns+"-logs"), "armonik-localhost (localhost.monitoring.logs_namespace)"})
		case ExternalName:
			ns := or(c.External.Namespace, "armonik")
			if !c.External.ExistingNamespace {
				out = append(out, struct{ name, by string }{ns, "armonik-external (external.namespace)"})
			}
			out = append(out, struct{ name, by string }{or(c.External.Monitoring.NodeAgentsNamespace, ns+"-node-agents"), "armonik-external (external.monitoring.node_agents_namespace)"},
				struct{ name, by string }{or(c.External.Monitoring.LogsNamespace, ns+"-logs"), "armonik-external (external.monitoring.logs_namespace)"})
		case PlatformName:
			out = append(out, struct{ name, by string }{c.Platform.namespace(), "armonik-platform (platform.keda.namespace)"})
		}
	}
	return out
}
