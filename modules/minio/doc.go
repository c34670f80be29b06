// Package minio deploys a MinIO S3 server in the cluster, in one of two roles: ArmoniK Core's
// object store, or the workers' shared storage.
//
//	store, err := minio.New(stack, "minio", minio.Config{Namespace: ns, Role: minio.RoleObjectStorage})
//	// list store in the core layer of the ArmoniK construct
//	fs, err := minio.New(stack, "shared", minio.Config{Namespace: ns, Name: "shared", Role: minio.RoleSharedStorage})
//	// list fs in the worker layer
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra;
// see armonik-reference §5.7 and §3.2):
//
// Role "object-storage" (storage/onpremise/minio/outputs.tf, secrets.tf):
//
//	env  Components__ObjectStorageAdaptorSettings__ClassName = ArmoniK.Core.Adapters.S3.ObjectBuilder
//	env  Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath = /adapters/object/s3/ArmoniK.Core.Adapters.S3.dll
//	env  S3__EndpointUrl = http://<name>.<namespace>.svc.<cluster_domain>:9000   (upstream http://<host>:9000)
//	env  S3__BucketName = <bucket>                                                (AK: minio-bucket)
//	env  S3__MustForcePathStyle = true
//	env  S3__UseChecksum = true
//	env  S3__UseChunkEncoding = true
//	env_secret  <name>-credentials {S3__Login, S3__Password}                      (upstream s3-user-credentials)
//
// Role "shared-storage" (armonik/locals.tf file_storage_endpoints, the worker-configmap keys):
//
//	env  FileStorageType = S3
//	env  S3Storage__ServiceURL = http://<name>.<namespace>.svc.<cluster_domain>:9000
//	env  S3Storage__BucketName = <bucket>
//	env  S3Storage__MustForcePathStyle = true
//	env_secret  <name>-credentials {S3Storage__AccessKeyId, S3Storage__SecretAccessKey}
//
// Upstream put S3Storage__SecretAccessKey in plain text in the worker-configmap ConfigMap; here
// both credentials come from the Secret. Upstream's ArmoniK module also adds
// target_data_path=/data for workers: that is ArmoniK's default, not this module's.
//
// # What is deployed
//
//   - Deployment <name> (1 replica, Recreate) and ClusterIP Service <name> (ports s3 9000 and
//     console 9001), as upstream's main.tf.
//   - Secret <name>-server: root-user (Config.User, default "armonik") and root-password
//     (random_password), read by the server as MINIO_ROOT_USER and MINIO_ROOT_PASSWORD
//     (secretKeyRef); upstream wrote them as literals in the pod spec. Secret
//     <name>-credentials: the same access key and secret key under the key names of the role,
//     read whole by ArmoniK, created after the Deployment (so, with Wait, once the server is
//     ready).
//   - The bucket: an init container runs mkdir -p /data/<bucket> before the server starts, which
//     is how upstream creates it (in the server's shell command) and which MinIO serves as a
//     bucket; Core does not create buckets, it only checks that the bucket exists. The server
//     keeps the image's entrypoint, so it receives signals directly.
//   - PersistentVolumeClaim <name>-data (default 10Gi) at /data; upstream's data was ephemeral.
//   - Probes: HTTP /minio/health/live (startup up to 5 minutes, liveness) and
//     /minio/health/ready (readiness) on the S3 port; upstream had none.
//   - NetworkPolicy <name> (Config.NetworkPolicy, default true): only pods labelled
//     app.kubernetes.io/part-of=armonik of the namespace may connect, on 9000. In the
//     shared-storage role these are the workers, which carry that label like every ArmoniK pod.
//     The console (9001) is reachable through kubectl port-forward only.
//
// MinIO serves plain HTTP inside the namespace: TLS is not offered for it (the S3 clients of
// Core and of the workers would need the CA in their system store, not a key of theirs).
//
// # Image and security
//
// quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z: docker.io/minio/minio is gone, and quay.io
// serves the same digest (Core's own deployment uses quay.io). The image has no USER (root);
// the pod runs it as 1000:1000 with fsGroup 1000, as MinIO's Helm chart does, and points
// --certs-dir at an emptyDir (the default, $HOME/.minio/certs, is not writable by that user and
// MinIO exits when it cannot create it). No privilege escalation, every capability dropped,
// RuntimeDefault seccomp, no service-account token.
package minio
