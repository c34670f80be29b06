package mongodb

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

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
// store is an in-cluster MinIO (minio, the default) or any S3 API (s3: Amazon S3, Google Cloud
// Storage with an HMAC key, an existing MinIO...). go run . restore prints the Job that
// restores one (docs/operations.md).
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
	// default when s3 is not set; armonik-localhost). Keep copies elsewhere too: it shares
	// the cluster's fate.
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

func (b Backup) withDefaults(c Config) Backup {
	if !b.Enabled {
		return b
	}
	b.Schedule = kit.Or(b.Schedule, DefaultBackupSchedule)
	if b.RetentionDays == nil {
		days := DefaultRetentionDays
		b.RetentionDays = &days
	}
	if b.S3 == nil && b.MinIO == nil {
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
	if b.Prefix == "" && c.Namespace != nil {
		b.Prefix = c.Namespace.Name + "/" + c.Name + "/"
	}
	b.ClientImage = kit.Or(b.ClientImage, DefaultClientImage)
	b.ClientTag = kit.Or(b.ClientTag, DefaultClientTag)
	b.ScratchSize = kit.Or(b.ScratchSize, c.Storage.Size)
	return b
}

var (
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	prefixRE = regexp.MustCompile(`^([A-Za-z0-9._-]+/)*$`)
	dumpRE   = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z(\.archive\.gz)?$`)
)

func (b Backup) validate(e *kit.Errors, c Config) {
	if !b.Enabled {
		return
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
		e.Add("backup.bucket", "required with s3: an existing bucket")
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
	if m := b.MinIO; m != nil {
		if n := c.Name + "-backups"; len(n) > kit.MaxNameLength {
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

// backupSelector selects the backup and restore pods of the instance (the NetworkPolicies of
// MongoDB and of the MinIO store admit them).
func backupSelector(c Config) map[string]string {
	return map[string]string{"app.kubernetes.io/name": Kind + "-backup", "app.kubernetes.io/instance": c.Name}
}

func backupLabels(c Config) map[string]string {
	l := backupSelector(c)
	l["app.kubernetes.io/component"] = "table-storage-backup"
	l["app.kubernetes.io/part-of"] = kit.PartOf
	return l
}

// backupNames are the names a backup or restore pod refers to: Terraform references in the
// stack, plain names in a restore manifest.
type backupNames struct {
	connection, scripts, credentials string
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
func backupPod(c Config, endpoint string, names backupNames, restore bool, dump string) k8s.PodTemplate {
	b := c.Backup
	sec := kit.ContainerSecurity
	uri := k8s.EnvVar{Name: "MONGODB_URI", SecretKey: &k8s.KeyRef{Name: names.connection, Key: "uri"}}
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
	if c.TLS.Enabled {
		mongoEnv = append(mongoEnv, k8s.EnvVar{Name: "MONGODB_CA_FILE", Value: backupCADir + "/ca.crt"})
		mongoMounts = append(append([]k8s.Mount(nil), mounts...), k8s.Mount{Volume: "mongodb-ca", Path: backupCADir, ReadOnly: true})
		volumes = append(volumes, k8s.Volume{Name: "mongodb-ca", Secret: &k8s.SecretVolume{
			Name: c.TLS.Secret, Items: []k8s.KeyToPath{{Key: c.TLS.CAKey, Path: "ca.crt", Mode: kit.CAMode}},
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
		Image: k8s.ImageRef(c.Image, c.Tag), ImagePullPolicy: c.PullPolicy,
		Env: mongoEnv, Mounts: mongoMounts, Resources: b.Resources, Security: sec(),
	}
	client := k8s.Container{
		Image: k8s.ImageRef(b.ClientImage, b.ClientTag), ImagePullPolicy: c.PullPolicy,
		Env: s3Env, Mounts: s3Mounts, Resources: b.Resources, Security: sec(),
	}
	script := backupScriptsDir + "/backup.sh"
	spec := k8s.PodSpec{
		AutomountServiceAccountToken: new(bool),
		Security:                     kit.PodSecurity(uid, gid, gid),
		NodeSelector:                 c.NodeSelector,
		Tolerations:                  c.Tolerations,
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
	return k8s.PodTemplate{Labels: backupLabels(c), Spec: spec}
}

// backupEndpoint is the S3 endpoint of the dumps: the in-cluster store's, or the configured one.
func backupEndpoint(c Config) string {
	if c.Backup.MinIO != nil {
		return "http://" + backupStoreName(c) + "." + c.Namespace.Name + ".svc." + c.ClusterDomain + ":" + strconv.Itoa(minio.Port)
	}
	return c.Backup.S3.Endpoint
}

func backupStoreName(c Config) string { return c.Name + "-backups" }

// backups creates, when the backups are on, the in-cluster store (with minio), the ConfigMap
// <name>-backup-scripts and the CronJob <name>-backup.
func (b *build) backups() error {
	cfg := b.cfg
	if !cfg.Backup.Enabled {
		return nil
	}
	bk := &Backups{Bucket: cfg.Backup.Bucket, Prefix: cfg.Backup.Prefix}
	b.m.Backup = bk
	names := backupNames{}
	if m := cfg.Backup.MinIO; m != nil {
		var err error
		bk.Store, err = minio.New(b.scope, b.id+"-backups", minio.Config{
			Name: backupStoreName(cfg), Namespace: cfg.Namespace, Role: minio.RoleBackup, ClusterDomain: cfg.ClusterDomain,
			Bucket: cfg.Backup.Bucket, Storage: m.Storage, Resources: m.Resources, Wait: cfg.Wait,
			NodeSelector: cfg.NodeSelector, Tolerations: cfg.Tolerations, NetworkPolicy: cfg.NetworkPolicy,
			Clients: backupSelector(cfg),
		})
		if err != nil {
			return err
		}
		names.credentials = bk.Store.Credentials.NameRef
	} else if cfg.Backup.S3.CredentialsSecret != "" {
		names.credentials = cfg.Backup.S3.CredentialsSecret
	}
	var err error
	if bk.Scripts, err = k8s.NewConfigMap(b.scope, b.id+"-backup-scripts", k8s.ConfigMapSpec{
		Meta: b.cm.Meta(cfg.Name + "-backup-scripts"),
		Data: map[string]string{"backup.sh": k8s.Literal(scripts.BackupSh)},
	}); err != nil {
		return err
	}
	names.connection, names.scripts = b.m.Connection.NameRef, bk.Scripts.NameRef
	history, retries := 3, 2
	bk.CronJob, err = k8s.NewCronJob(b.scope, b.id+"-backup", k8s.CronJobSpec{
		Meta:                    k8s.Meta{Name: cfg.Name + "-backup", Namespace: cfg.Namespace.NameRef, Labels: backupLabels(cfg)},
		Schedule:                cfg.Backup.Schedule,
		ConcurrencyPolicy:       "Forbid",
		SuccessfulJobsHistory:   &history,
		FailedJobsHistory:       &history,
		StartingDeadlineSeconds: 3600,
		BackoffLimit:            &retries,
		Template:                backupPod(cfg, backupEndpoint(cfg), names, false, ""),
	})
	return err
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
	e := kit.NewErrors(Kind, cfg.Name)
	if !cfg.Backup.Enabled {
		e.Add("backup", "off: there is no backup to restore (backup.enabled)")
	}
	if dump != "latest" && !dumpRE.MatchString(dump) {
		e.Add("restore", "dump %q must be latest or a dump's UTC timestamp such as 20260405T020000Z (its name without .archive.gz)", dump)
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	names := backupNames{connection: cfg.Name + "-connection", scripts: cfg.Name + "-backup-scripts"}
	if cfg.Backup.MinIO != nil {
		names.credentials = backupStoreName(cfg) + "-credentials"
	} else {
		names.credentials = cfg.Backup.S3.CredentialsSecret
	}
	none, day := 0, 86400
	job, err := k8s.JobManifest{
		Meta:                    k8s.Meta{Name: cfg.Name + "-restore", Namespace: cfg.Namespace.Name, Labels: backupLabels(cfg)},
		GenerateName:            true,
		Template:                backupPod(cfg, backupEndpoint(cfg), names, true, dump),
		BackoffLimit:            &none,
		TTLSecondsAfterFinished: &day,
	}.Manifest()
	if err != nil {
		return nil, fmt.Errorf("%s %q: restore job: %w", Kind, cfg.Name, err)
	}
	return job, nil
}
