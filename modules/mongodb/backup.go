package mongodb

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
	"github.com/armonik-cdktf/armonik-cdktf/modules/kit"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb/internal/scripts"
)

// Backup defaults.
const (
	// DefaultBackupSchedule is every day at 02:00 (the cluster's time zone, usually UTC).
	DefaultBackupSchedule = "0 2 * * *"
	// DefaultRetentionDays is how long dumps are kept.
	DefaultRetentionDays = 7
	// DefaultBackupBucket is the bucket of the in-cluster MinIO store.
	DefaultBackupBucket = "mongodb-backups"
	// DefaultBackupStoreSize is the claim of the in-cluster MinIO store.
	DefaultBackupStoreSize = "20Gi"
	// DefaultClientImage and DefaultClientTag are the AWS CLI v2 image that uploads, lists,
	// deletes and downloads the dumps: Amazon's official image (aws/aws-cli docker/Dockerfile:
	// Amazon Linux 2, bash, GNU date, ENTRYPOINT /usr/local/bin/aws, no USER), run here as the
	// mongo image's 999:999. The dumps themselves are made and restored by mongodump and
	// mongorestore of the server image (mongo 8.2 installs mongodb-org-tools:
	// docker-library/mongo 8.2/Dockerfile), so their version always matches the server.
	DefaultClientImage = "amazon/aws-cli"
	DefaultClientTag   = "2.37.5"
)

// Backup schedules dumps of ArmoniK's database to an S3-compatible bucket (default off):
// a CronJob <name>-backup runs mongodump --archive --gzip with the connection string of the
// Secret <name>-connection (ArmoniK's user: readWrite on the database is all a dump of it and
// a restore with --drop need), uploads the archive to s3://<bucket>/<prefix><UTC
// timestamp>.archive.gz, then deletes the dumps of the prefix older than retention_days. The
// store is an in-cluster MinIO (minio, the default of the in-cluster module) or any S3 API (s3:
// Amazon S3, Google Cloud Storage with an HMAC key, an existing MinIO...; the only choice of
// modules/externalmongodb). go run . restore prints the Job that restores one
// (docs/operations.md).
type Backup struct {
	// Enabled turns the backups on (default false).
	Enabled bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// Schedule is the CronJob's schedule (default "0 2 * * *": every day at 02:00).
	Schedule string `json:"schedule,omitempty" yaml:"schedule,omitempty"`
	// RetentionDays deletes the dumps older than this many days, after each successful backup
	// (default 7; 0 keeps every dump).
	RetentionDays *int `json:"retention_days,omitempty" yaml:"retention_days,omitempty"`
	// Bucket receives the dumps (default "mongodb-backups" in the in-cluster MinIO; required
	// with s3).
	Bucket string `json:"bucket,omitempty" yaml:"bucket,omitempty"`
	// Prefix is put before each dump's name: "" or a path ending in "/" (default
	// "<namespace>/<name>/", so that several deployments can share a bucket).
	Prefix string `json:"prefix,omitempty" yaml:"prefix,omitempty"`
	// MinIO stores the dumps in a MinIO instance <name>-backups deployed next to MongoDB (the
	// default when s3 is not set; the in-cluster mongodb module only). Keep copies elsewhere
	// too: it shares the cluster's fate.
	MinIO *BackupMinIO `json:"minio,omitempty" yaml:"minio,omitempty"`
	// S3 stores the dumps in an existing bucket of an S3 API: Amazon S3, Google Cloud Storage
	// (endpoint https://storage.googleapis.com with an HMAC key), or another store.
	S3 *BackupS3 `json:"s3,omitempty" yaml:"s3,omitempty"`
	// ClientImage is the AWS CLI image that uploads the dumps (default "amazon/aws-cli").
	ClientImage string `json:"client_image,omitempty" yaml:"client_image,omitempty"`
	// ClientTag is its tag (default "2.37.5").
	ClientTag string `json:"client_tag,omitempty" yaml:"client_tag,omitempty"`
	// Resources are the backup containers' requests and limits (default none).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
	// ScratchSize bounds the scratch volume that holds the dump before its upload (default the
	// size of a member's data claim; a gzipped dump is smaller than the data).
	ScratchSize string `json:"scratch_size,omitempty" yaml:"scratch_size,omitempty"`
}

// BackupMinIO configures the in-cluster store of the dumps.
type BackupMinIO struct {
	// Storage is its claim (default size "20Gi").
	Storage modules.Storage `json:"storage,omitempty" yaml:"storage,omitempty"`
	// Resources are its container's requests and limits (default none).
	Resources k8s.Resources `json:"resources,omitempty" yaml:"resources,omitempty"`
}

// BackupS3 locates an existing bucket of an S3 API and how to sign in to it.
type BackupS3 struct {
	// Endpoint is the S3 API's URL (default: Amazon S3 in Region); Google Cloud Storage is
	// https://storage.googleapis.com.
	Endpoint string `json:"endpoint,omitempty" yaml:"endpoint,omitempty"`
	// Region is the bucket's region (required for Amazon S3; "auto" for Google Cloud Storage;
	// default "us-east-1" with an endpoint).
	Region string `json:"region,omitempty" yaml:"region,omitempty"`
	// ForcePathStyle addresses the bucket in the URL's path rather than its host name (MinIO and
	// most self-hosted stores; default false).
	ForcePathStyle bool `json:"force_path_style,omitempty" yaml:"force_path_style,omitempty"`
	// CredentialsSecret is a Secret of the namespace holding the access key (an HMAC key with
	// Google Cloud Storage); required unless ServiceAccount gives the pods a cloud identity.
	CredentialsSecret string `json:"credentials_secret,omitempty" yaml:"credentials_secret,omitempty"`
	// AccessKeyIDKey is the key of CredentialsSecret holding the access key id (default
	// "AWS_ACCESS_KEY_ID").
	AccessKeyIDKey string `json:"access_key_id_key,omitempty" yaml:"access_key_id_key,omitempty"`
	// SecretAccessKeyKey is the key of CredentialsSecret holding the secret access key
	// (default "AWS_SECRET_ACCESS_KEY").
	SecretAccessKeyKey string `json:"secret_access_key_key,omitempty" yaml:"secret_access_key_key,omitempty"`
	// ServiceAccount runs the backup pods with this existing ServiceAccount, for a cloud
	// identity (EKS IRSA or Pod Identity, GKE Workload Identity with the bucket's S3 API)
	// instead of keys (default none).
	ServiceAccount string `json:"service_account,omitempty" yaml:"service_account,omitempty"`
}

// DefaultScratchSize bounds the dump's scratch volume of a MongoDB this stack does not run
// (modules/mongodb's own default is a member's claim size).
const DefaultScratchSize = "8Gi"

// BackupSource is the MongoDB a Backup dumps and restores, as its module describes it: the
// in-cluster replica set (this package) or a MongoDB outside the stack (modules/externalmongodb,
// which calls NewBackups and RestoreJobFor).
type BackupSource struct {
	// Name is the module instance's name: the CronJob is <Name>-backup, the scripts
	// <Name>-backup-scripts, the restore Jobs <Name>-restore-xxxxx.
	Name string
	// Namespace receives the objects.
	Namespace *k8s.Namespace
	// ClusterDomain is the cluster's DNS domain (the in-cluster store's address).
	ClusterDomain string
	// ConnectionSecret and ConnectionKey hold the connection string (ConnectionSecret may be a
	// Terraform reference in NewBackups; RestoreJobFor needs its name).
	ConnectionSecret, ConnectionKey string
	// CASecret and CAKey hold the CA of the server's certificate, when the system store does
	// not trust it ("" for none).
	CASecret, CAKey string
	// Image, Tag and PullPolicy are the image with mongodump and mongorestore (default
	// mongo:8.2.5, IfNotPresent).
	Image, Tag, PullPolicy string
	// ScratchSize is the default of Backup.ScratchSize (default "8Gi").
	ScratchSize string
	// NodeSelector and Tolerations place the backup pods.
	NodeSelector map[string]string
	Tolerations  []k8s.Toleration
}

func (s BackupSource) withDefaults() BackupSource {
	s.Image = kit.Or(s.Image, DefaultImage)
	s.Tag = kit.Or(s.Tag, DefaultTag)
	s.PullPolicy = kit.Or(s.PullPolicy, DefaultPullPolicy)
	s.ClusterDomain = kit.Or(s.ClusterDomain, kit.DefaultClusterDomain)
	s.ScratchSize = kit.Or(s.ScratchSize, DefaultScratchSize)
	return s
}

// source is the MongoDB of c (defaults applied) as its backups see it; names holds the
// connection Secret's name or reference.
func (c Config) source(connection string) BackupSource {
	s := BackupSource{
		Name: c.Name, Namespace: c.Namespace, ClusterDomain: c.ClusterDomain,
		ConnectionSecret: connection, ConnectionKey: "uri",
		Image: c.Image, Tag: c.Tag, PullPolicy: c.PullPolicy, ScratchSize: c.Storage.Size,
		NodeSelector: c.NodeSelector, Tolerations: c.Tolerations,
	}
	if c.TLS.Enabled {
		s.CASecret, s.CAKey = c.TLS.Secret, c.TLS.CAKey
	}
	return s.withDefaults()
}

// WithDefaults returns b with its defaults for the MongoDB src (nothing when b is off). The
// in-cluster MinIO store is the default destination only where the caller allows it
// (inCluster): elsewhere an S3 bucket is required.
func (b Backup) WithDefaults(src BackupSource, inCluster bool) Backup {
	src = src.withDefaults()
	if !b.Enabled {
		return b
	}
	b.Schedule = kit.Or(b.Schedule, DefaultBackupSchedule)
	if b.RetentionDays == nil {
		days := DefaultRetentionDays
		b.RetentionDays = &days
	}
	if b.S3 == nil && b.MinIO == nil && inCluster {
		b.MinIO = &BackupMinIO{}
	}
	if b.MinIO != nil {
		m := *b.MinIO
		m.Storage.Size = kit.Or(m.Storage.Size, DefaultBackupStoreSize)
		b.MinIO = &m
		b.Bucket = kit.Or(b.Bucket, DefaultBackupBucket)
	}
	if b.S3 != nil {
		s := *b.S3
		s.AccessKeyIDKey = kit.Or(s.AccessKeyIDKey, "AWS_ACCESS_KEY_ID")
		s.SecretAccessKeyKey = kit.Or(s.SecretAccessKeyKey, "AWS_SECRET_ACCESS_KEY")
		if s.Endpoint != "" {
			s.Region = kit.Or(s.Region, "us-east-1")
		}
		b.S3 = &s
	}
	if b.Prefix == "" && src.Namespace != nil {
		b.Prefix = src.Namespace.Name + "/" + src.Name + "/"
	}
	b.ClientImage = kit.Or(b.ClientImage, DefaultClientImage)
	b.ClientTag = kit.Or(b.ClientTag, DefaultClientTag)
	b.ScratchSize = kit.Or(b.ScratchSize, src.ScratchSize)
	return b
}

var (
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	prefixRE = regexp.MustCompile(`^([A-Za-z0-9._-]+/)*$`)
	dumpRE   = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z(\.archive\.gz)?$`)
)

// Validate records every problem of b (defaults applied) under the key "backup"; inCluster
// says whether the in-cluster MinIO store may be used.
func (b Backup) Validate(e *kit.Errors, src BackupSource, inCluster bool) {
	if !b.Enabled {
		return
	}
	src = src.withDefaults()
	if b.MinIO != nil && !inCluster {
		e.Add("backup.minio", "only the in-cluster mongodb module deploys a store: set backup.s3 (an S3 or GCS bucket)")
	}
	if b.MinIO == nil && b.S3 == nil {
		e.Add("backup.s3", "required: the bucket the dumps go to (an S3 or GCS bucket)")
	}
	if err := k8s.ValidateImage(k8s.ImageRef(src.Image, src.Tag)); err != nil && !inCluster {
		e.Add("backup", "the dump image: %v", err)
	}
	if !k8s.ValidSchedule(b.Schedule) {
		e.Add("backup.schedule", "%q must have five fields (minute hour day month weekday) or be a macro such as @daily", b.Schedule)
	}
	if b.RetentionDays != nil && *b.RetentionDays < 0 {
		e.Add("backup.retention_days", "%d must be 0 (keep every dump) or more", *b.RetentionDays)
	}
	if b.MinIO != nil && b.S3 != nil {
		e.Add("backup", "set minio or s3, not both")
	}
	if b.Bucket == "" {
		if b.S3 != nil {
			e.Add("backup.bucket", "required with s3: an existing bucket")
		}
	} else if !bucketRE.MatchString(b.Bucket) || strings.Contains(b.Bucket, "..") {
		e.Add("backup.bucket", "%q is not a bucket name (3 to 63 lowercase letters, digits, '.' and '-')", b.Bucket)
	}
	if !prefixRE.MatchString(b.Prefix) {
		e.Add("backup.prefix", "%q must be empty or folders ending in '/' (letters, digits, '.', '_', '-'), such as armonik/mongodb/", b.Prefix)
	}
	if err := k8s.ValidateImage(k8s.ImageRef(b.ClientImage, b.ClientTag)); err != nil {
		e.Add("backup.client_image", "%v (client_image and client_tag)", err)
	}
	kit.ValidateResources(e, "backup.resources", b.Resources)
	if q, err := resource.ParseQuantity(b.ScratchSize); err != nil || q.Sign() <= 0 {
		e.Add("backup.scratch_size", "%q is not a positive Kubernetes quantity such as \"8Gi\"", b.ScratchSize)
	}
	if m := b.MinIO; m != nil && inCluster {
		if n := src.Name + "-backups"; len(n) > kit.MaxNameLength {
			e.Add("backup.minio", "the store's name %q is longer than %d characters: shorten name", n, kit.MaxNameLength)
		}
		if q, err := resource.ParseQuantity(m.Storage.Size); err != nil || q.Sign() <= 0 {
			e.Add("backup.minio.storage.size", "%q is not a positive Kubernetes quantity such as \"20Gi\"", m.Storage.Size)
		}
		kit.ValidateResources(e, "backup.minio.resources", m.Resources)
	}
	if s := b.S3; s != nil {
		if s.Endpoint != "" {
			if u, err := url.Parse(s.Endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				e.Add("backup.s3.endpoint", "%q must be an http(s) URL such as https://storage.googleapis.com", s.Endpoint)
			}
		} else if s.Region == "" {
			e.Add("backup.s3.region", "required with Amazon S3 (no endpoint), such as eu-west-3")
		}
		switch {
		case s.CredentialsSecret == "" && s.ServiceAccount == "":
			e.Add("backup.s3", "set credentials_secret (a Secret with the access key) or service_account (a cloud identity)")
		case s.CredentialsSecret != "":
			if msgs := validation.IsDNS1123Subdomain(s.CredentialsSecret); len(msgs) > 0 {
				e.Add("backup.s3.credentials_secret", "%q: %s", s.CredentialsSecret, msgs[0])
			}
			for k, v := range map[string]string{"backup.s3.access_key_id_key": s.AccessKeyIDKey, "backup.s3.secret_access_key_key": s.SecretAccessKeyKey} {
				if msgs := validation.IsConfigMapKey(v); len(msgs) > 0 {
					e.Add(k, "%q: %s", v, msgs[0])
				}
			}
		}
		if s.ServiceAccount != "" {
			if msgs := validation.IsDNS1123Subdomain(s.ServiceAccount); len(msgs) > 0 {
				e.Add("backup.s3.service_account", "%q: %s", s.ServiceAccount, msgs[0])
			}
		}
	}
}

// BackupSelector selects the backup and restore pods of the instance name (the NetworkPolicies
// of MongoDB and of the MinIO store admit them).
func BackupSelector(name string) map[string]string {
	return map[string]string{"app.kubernetes.io/name": Kind + "-backup", "app.kubernetes.io/instance": name}
}

func backupLabels(src BackupSource) map[string]string {
	l := BackupSelector(src.Name)
	l["app.kubernetes.io/component"] = "table-storage-backup"
	l["app.kubernetes.io/part-of"] = kit.PartOf
	return l
}

// backupNames are the names a backup or restore pod refers to: Terraform references in the
// stack, plain names in a restore manifest.
type backupNames struct {
	scripts, credentials string
}

// Where the backup pods put things.
const (
	backupDir        = "/backup"
	backupConfDir    = "/backup-conf"
	backupScriptsDir = "/backup-scripts"
	backupCADir      = "/mongodb/certs"
)

// backupPod is the pod of a backup (restore false: dump, then upload) or of a restore (fetch,
// then restore): the mongo image runs mongodump or mongorestore, the AWS CLI image talks to the
// bucket, the dump passes through a scratch volume.
func backupPod(src BackupSource, b Backup, endpoint string, names backupNames, restore bool, dump string) k8s.PodTemplate {
	sec := kit.ContainerSecurity
	uri := k8s.EnvVar{Name: "MONGODB_URI", SecretKey: &k8s.KeyRef{Name: src.ConnectionSecret, Key: src.ConnectionKey}}
	common := []k8s.EnvVar{{Name: "BACKUP_DIR", Value: backupDir}, {Name: "CONF_DIR", Value: backupConfDir}}
	mounts := []k8s.Mount{
		{Volume: "backup", Path: backupDir},
		{Volume: "conf", Path: backupConfDir},
		{Volume: "scripts", Path: backupScriptsDir, ReadOnly: true},
	}
	volumes := []k8s.Volume{
		{Name: "backup", EmptyDir: &k8s.EmptyDirVolume{SizeLimit: b.ScratchSize}},
		{Name: "conf", EmptyDir: &k8s.EmptyDirVolume{Medium: "Memory", SizeLimit: "1Mi"}},
		{Name: "tmp", EmptyDir: &k8s.EmptyDirVolume{SizeLimit: "64Mi"}},
		{Name: "scripts", ConfigMap: &k8s.ConfigMapVolume{Name: names.scripts, Items: []k8s.KeyToPath{{Key: "backup.sh", Path: "backup.sh"}}}},
	}
	mongoEnv := append([]k8s.EnvVar{uri}, common...)
	mongoMounts := mounts
	if src.CASecret != "" {
		mongoEnv = append(mongoEnv, k8s.EnvVar{Name: "MONGODB_CA_FILE", Value: backupCADir + "/ca.crt"})
		mongoMounts = append(append([]k8s.Mount(nil), mounts...), k8s.Mount{Volume: "mongodb-ca", Path: backupCADir, ReadOnly: true})
		volumes = append(volumes, k8s.Volume{Name: "mongodb-ca", Secret: &k8s.SecretVolume{
			Name: src.CASecret, Items: []k8s.KeyToPath{{Key: src.CAKey, Path: "ca.crt", Mode: kit.CAMode}},
		}})
	}
	region, pathStyle := "us-east-1", "true"
	if s := b.S3; s != nil {
		region, pathStyle = s.Region, strconv.FormatBool(s.ForcePathStyle)
	}
	s3Env := append([]k8s.EnvVar{
		{Name: "S3_BUCKET", Value: b.Bucket},
		{Name: "S3_PREFIX", Value: b.Prefix},
		{Name: "S3_ENDPOINT", Value: endpoint},
		{Name: "S3_FORCE_PATH_STYLE", Value: pathStyle},
		{Name: "AWS_DEFAULT_REGION", Value: region},
		// Since AWS CLI 2.23, default CRC checksums break several S3-compatible stores.
		{Name: "AWS_REQUEST_CHECKSUM_CALCULATION", Value: "when_required"},
		{Name: "AWS_RESPONSE_CHECKSUM_VALIDATION", Value: "when_required"},
		{Name: "HOME", Value: "/tmp"},
	}, common...)
	if names.credentials != "" {
		idKey, secretKey := "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"
		if s := b.S3; s != nil {
			idKey, secretKey = s.AccessKeyIDKey, s.SecretAccessKeyKey
		}
		s3Env = append(s3Env,
			k8s.EnvVar{Name: "AWS_ACCESS_KEY_ID", SecretKey: &k8s.KeyRef{Name: names.credentials, Key: idKey}},
			k8s.EnvVar{Name: "AWS_SECRET_ACCESS_KEY", SecretKey: &k8s.KeyRef{Name: names.credentials, Key: secretKey}})
	}
	s3Mounts := append(append([]k8s.Mount(nil), mounts...), k8s.Mount{Volume: "tmp", Path: "/tmp"})
	mongo := k8s.Container{
		Image: k8s.ImageRef(src.Image, src.Tag), ImagePullPolicy: src.PullPolicy,
		Env: mongoEnv, Mounts: mongoMounts, Resources: b.Resources, Security: sec(),
	}
	client := k8s.Container{
		Image: k8s.ImageRef(b.ClientImage, b.ClientTag), ImagePullPolicy: src.PullPolicy,
		Env: s3Env, Mounts: s3Mounts, Resources: b.Resources, Security: sec(),
	}
	script := backupScriptsDir + "/backup.sh"
	spec := k8s.PodSpec{
		AutomountServiceAccountToken: new(bool),
		Security:                     kit.PodSecurity(uid, gid, gid),
		NodeSelector:                 src.NodeSelector,
		Tolerations:                  src.Tolerations,
		Volumes:                      volumes,
	}
	if s := b.S3; s != nil && s.ServiceAccount != "" {
		spec.ServiceAccountName = s.ServiceAccount
	}
	if restore {
		client.Name, client.Command = "fetch", []string{"bash", script, "fetch"}
		client.Env = append(client.Env, k8s.EnvVar{Name: "DUMP", Value: dump})
		mongo.Name, mongo.Command = "restore", []string{"bash", script, "restore"}
		spec.InitContainers, spec.Containers, spec.RestartPolicy = []k8s.Container{client}, []k8s.Container{mongo}, "Never"
	} else {
		mongo.Name, mongo.Command = "dump", []string{"bash", script, "dump"}
		client.Name, client.Command = "upload", []string{"bash", script, "upload"}
		client.Env = append(client.Env, k8s.EnvVar{Name: "RETENTION_DAYS", Value: strconv.Itoa(*b.RetentionDays)})
		// A failed upload restarts in place: the dump stays in the scratch volume.
		spec.InitContainers, spec.Containers, spec.RestartPolicy = []k8s.Container{mongo}, []k8s.Container{client}, "OnFailure"
	}
	return k8s.PodTemplate{Labels: backupLabels(src), Spec: spec}
}

// backupEndpoint is the S3 endpoint of the dumps: the in-cluster store's, or the configured one.
func backupEndpoint(src BackupSource, b Backup) string {
	if b.MinIO != nil {
		return "http://" + backupStoreName(src.Name) + "." + src.Namespace.Name + ".svc." + src.ClusterDomain + ":" + strconv.Itoa(minio.Port)
	}
	return b.S3.Endpoint
}

func backupStoreName(name string) string { return name + "-backups" }

// backups creates, when the backups are on, the in-cluster store (with minio), the ConfigMap
// <name>-backup-scripts and the CronJob <name>-backup.
func (b *build) backups() error {
	cfg := b.cfg
	if !cfg.Backup.Enabled {
		return nil
	}
	var store *minio.Module
	if m := cfg.Backup.MinIO; m != nil {
		var err error
		store, err = minio.New(b.scope, b.id+"-backups", minio.Config{
			Name: backupStoreName(cfg.Name), Namespace: cfg.Namespace, Role: minio.RoleBackup, ClusterDomain: cfg.ClusterDomain,
			Bucket: cfg.Backup.Bucket, Storage: m.Storage, Resources: m.Resources, Wait: cfg.Wait,
			NodeSelector: cfg.NodeSelector, Tolerations: cfg.Tolerations, NetworkPolicy: cfg.NetworkPolicy,
			Clients: BackupSelector(cfg.Name),
		})
		if err != nil {
			return err
		}
	}
	var err error
	b.m.Backup, err = newBackups(b.scope, b.id, cfg.source(b.m.Connection.NameRef), cfg.Backup, store)
	return err
}

// NewBackups creates the backups of the MongoDB src to the S3 bucket of b (defaults applied
// with WithDefaults, validated with Validate; nothing when b is off): the ConfigMap
// <name>-backup-scripts and the CronJob <name>-backup. modules/externalmongodb uses it; the
// in-cluster module also deploys its store.
func NewBackups(scope constructs.Construct, id string, src BackupSource, b Backup) (*Backups, error) {
	if !b.Enabled {
		return nil, nil
	}
	if b.S3 == nil {
		return nil, fmt.Errorf("%s %q: backup.s3: required", Kind, src.Name)
	}
	return newBackups(scope, id, src.withDefaults(), b, nil)
}

func newBackups(scope constructs.Construct, id string, src BackupSource, b Backup, store *minio.Module) (*Backups, error) {
	bk := &Backups{Bucket: b.Bucket, Prefix: b.Prefix, Store: store}
	names := backupNames{}
	if store != nil {
		names.credentials = store.Credentials.NameRef
	} else if b.S3.CredentialsSecret != "" {
		names.credentials = b.S3.CredentialsSecret
	}
	meta := func(name string) k8s.Meta {
		return k8s.Meta{Name: name, Namespace: src.Namespace.NameRef, Labels: backupLabels(src)}
	}
	var err error
	if bk.Scripts, err = k8s.NewConfigMap(scope, id+"-backup-scripts", k8s.ConfigMapSpec{
		Meta: meta(src.Name + "-backup-scripts"),
		Data: map[string]string{"backup.sh": k8s.Literal(scripts.BackupSh)},
	}); err != nil {
		return nil, err
	}
	names.scripts = bk.Scripts.NameRef
	history, retries := 3, 2
	bk.CronJob, err = k8s.NewCronJob(scope, id+"-backup", k8s.CronJobSpec{
		Meta:                    meta(src.Name + "-backup"),
		Schedule:                b.Schedule,
		ConcurrencyPolicy:       "Forbid",
		SuccessfulJobsHistory:   &history,
		FailedJobsHistory:       &history,
		StartingDeadlineSeconds: 3600,
		BackoffLimit:            &retries,
		Template:                backupPod(src, b, backupEndpoint(src, b), names, false, ""),
	})
	return bk, err
}

// RestoreJob returns the Job that restores the dump named dump ("latest", or the UTC timestamp
// of a dump, with or without its .archive.gz suffix) of the instance cfg (defaults applied
// here) into its database, as a Kubernetes manifest for kubectl create: an init container
// downloads it (AWS CLI), then mongorestore --archive --gzip --drop replaces each collection it
// holds. Its pod is the backup's (same images, Secrets, bucket and prefix, admitted by the same
// NetworkPolicies); the Job's name is generated (<name>-restore-xxxxx), it does not retry, and
// it is deleted a day after it ends. Stop ArmoniK's writers first (docs/operations.md).
func RestoreJob(cfg Config, dump string) (map[string]any, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return RestoreJobFor(cfg.source(cfg.Name+"-connection"), cfg.Backup, dump)
}

// RestoreJobFor is RestoreJob for the MongoDB src and its backups b (defaults applied and
// validated by the caller); src.ConnectionSecret must be the Secret's name.
func RestoreJobFor(src BackupSource, b Backup, dump string) (map[string]any, error) {
	src = src.withDefaults()
	e := kit.NewErrors(Kind, src.Name)
	if !b.Enabled {
		e.Add("backup", "off: there is no backup to restore (backup.enabled)")
	} else if b.MinIO == nil && b.S3 == nil {
		e.Add("backup.s3", "required")
	}
	if dump != "latest" && !dumpRE.MatchString(dump) {
		e.Add("restore", "dump %q must be latest or a dump's UTC timestamp such as 20260405T020000Z (its name without .archive.gz)", dump)
	}
	if src.Namespace == nil {
		e.Add("namespace", "required")
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	names := backupNames{scripts: src.Name + "-backup-scripts"}
	if b.MinIO != nil {
		names.credentials = backupStoreName(src.Name) + "-credentials"
	} else {
		names.credentials = b.S3.CredentialsSecret
	}
	none, day := 0, 86400
	job, err := k8s.JobManifest{
		Meta:                    k8s.Meta{Name: src.Name + "-restore", Namespace: src.Namespace.Name, Labels: backupLabels(src)},
		GenerateName:            true,
		Template:                backupPod(src, b, backupEndpoint(src, b), names, true, dump),
		BackoffLimit:            &none,
		TTLSecondsAfterFinished: &day,
	}.Manifest()
	if err != nil {
		return nil, fmt.Errorf("%s %q: restore job: %w", Kind, src.Name, err)
	}
	return job, nil
}
