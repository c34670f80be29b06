// Package s3 gives ArmoniK an existing Amazon S3 bucket as its object store: endpoint-only, no
// workload, no Secret. Core reaches it with the AWS identity of its pods.
//
//	o, err := s3.New(stack, "s3", s3.Config{Region: "eu-west-3", Bucket: "my-armonik-objects"})
//	// list o in the core layer of the ArmoniK construct, instead of Redis or MinIO
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/aws/s3/; see armonik-reference §5.7):
//
//	env  Components__ObjectStorageAdaptorSettings__ClassName = ArmoniK.Core.Adapters.S3.ObjectBuilder  outputs.tf, variables.tf
//	env  Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/object/s3/ArmoniK.Core.Adapters.S3.dll                                       outputs.tf, variables.tf
//	env  S3__BucketName = Config.Bucket                                                              outputs.tf
//	env  S3__UseChecksum = true                                                                      outputs.tf
//	env  S3__MustForcePathStyle = true                                                               outputs.tf
//	env  S3__UseChunkEncoding = true                                                                 outputs.tf
//	env  S3__EndpointUrl = https://s3.<region>.amazonaws.com                                         outputs.tf (Config.EndpointURL overrides it)
//
// No S3__Login or S3__Password: upstream's module had none either (IRSA). Core does not create
// the bucket (it only checks that it exists): create it with your AWS tooling.
//
// # Cloud identity
//
// Core's AWS SDK takes the IAM role of its pods' ServiceAccount (IRSA). The role needs
// s3:GetObject, PutObject, DeleteObject and ListBucket on the bucket (and kms:Decrypt,
// GenerateDataKey when the bucket is encrypted with a customer key). Have the ArmoniK construct
// create the ServiceAccount with the annotation
//
//	eks.amazonaws.com/role-arn: arn:aws:iam::<account>:role/<role>
//
// (armonik.Config.ServiceAccounts) and run as it the components that use the object store: the
// control plane (ControlPlane.ServiceAccount), every partition's compute plane
// (Partitions[i].ServiceAccount, the polling agents) and the init Job (Init.ServiceAccount,
// InitServices__InitObjectStorage). The metrics exporter needs no role.
package s3
