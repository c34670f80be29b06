// Package gcs gives ArmoniK an existing Google Cloud Storage bucket as its object store,
// endpoint-only, no workload, in one of two ways (Config.API):
//
//   - api s3 (the default): Cloud Storage's S3-compatible XML API with an HMAC key, through
//     Core's S3 adapter. Every supported Core version; also the workers' shared storage.
//   - api native: Core's own Cloud Storage adapter (Google.Cloud.Storage.V1), first shipped in
//     Core 0.39.0, so armonik.version core-0.40.1 (Config.Core). Object store only. It
//     authenticates as a Google service account: Application Default Credentials (GKE workload
//     identity: annotate the ServiceAccount of the control plane and the polling agents with
//     iam.gke.io/gcp-service-account), or a JSON key from a Secret (credentials_secret).
//
// One module with a setting rather than two: the same bucket, reached two ways, and the stacks
// list it once under object_storage. With a Core version whose images ship no Gcs adapter,
// api native fails and names the versions that have it.
//
//	o, err := gcs.New(stack, "gcs", gcs.Config{Namespace: ns, Bucket: "my-armonik-objects"})
//	// terraform apply -var gcs_access_id=... -var gcs_secret=...  (or TF_VAR_gcs_access_id...)
//	// list o in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/gcp/gcs/; see armonik-reference §5.7):
//
//	env  Components__ObjectStorageAdaptorSettings__ClassName = ArmoniK.Core.Adapters.S3.ObjectBuilder  outputs.tf, variables.tf
//	env  Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/object/s3/ArmoniK.Core.Adapters.S3.dll                                       outputs.tf, variables.tf
//	env  S3__BucketName = Config.Bucket                                                              outputs.tf
//	env  S3__UseChecksum = false                                                                     outputs.tf
//	env  S3__MustForcePathStyle = false                                                              outputs.tf
//	env  S3__UseChunkEncoding = false                                                                outputs.tf
//	env  S3__EndpointUrl = https://storage.googleapis.com                                            outputs.tf
//	env_from_secret  S3__Login    <- <secret>/<access_id_key> (default <name>-credentials/access-id)  secrets.tf (<name>-s3-user-credentials)
//	env_from_secret  S3__Password <- <secret>/<secret_key>    (default <name>-credentials/secret)     secrets.tf
//
// Upstream's Secret took username and password variables with an empty default, so a missing
// key deployed silently; here they have no default.
//
// With api native (Core 0.40.1 Adaptors/Gcs/src: Options/Gcs.cs, ObjectBuilder.cs,
// ObjectStorage.cs; Core's own terraform/modules/storage/object/gcs/outputs.tf):
//
//	env  Components__ObjectStorageAdaptorSettings__ClassName = ArmoniK.Core.Adapters.Gcs.ObjectBuilder
//	env  Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath = /adapters/object/gcs/ArmoniK.Core.Adapters.Gcs.dll
//	env  Gcs__BucketName = Config.Bucket            (Init fetches the bucket: it must exist)
//	env  Gcs__ProjectId = Config.ProjectID          (only when set; Core only logs it)
//	env  Gcs__EmulatorEndpoint = Config.EmulatorEndpoint (only when set: an emulator, unauthenticated)
//	env  Gcs__CredentialsFilePath = /gcs/credentials.json, and
//	mount_secret  <name>-key: the key credentials_key of credentials_secret at /gcs/credentials.json (0444)
//	                                                (only with credentials_secret; otherwise
//	                                                Application Default Credentials)
//
// DegreeOfParallelism, ChunkDownloadSize, MaxRetry and MsAfterRetry keep Core's defaults.
//
// # Credentials
//
// The HMAC key (an access id and its secret, made for a Google service account with
// roles/storage.objectUser on the bucket) comes either from Config.ExistingSecret, a Secret of
// the namespace with the keys Config.AccessIDKey and Config.SecretKey, or from two sensitive
// Terraform variables the module declares, <name>_access_id and <name>_secret ('-' becomes
// '_'), without default, put into the Secret <name>-credentials it creates. The values live only
// in the Terraform state and the Secret. No ServiceAccount annotation is needed: the HMAC key is
// the identity (GKE workload identity does not apply to the XML API's HMAC authentication).
package gcs
