// Package gcs gives ArmoniK an existing Google Cloud Storage bucket as its object store, through
// Cloud Storage's S3-compatible XML API with an HMAC key: Core's S3 adapter, endpoint-only, no
// workload.
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
