// Package pubsub gives ArmoniK Google Cloud Pub/Sub as its queue: endpoint-only, no workload, no
// Secret. Core creates its topics and subscriptions itself, with the Google identity of its
// pods.
//
//	q, err := pubsub.New(stack, "pubsub", pubsub.Config{ProjectID: "my-project"})
//	// list q in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/gcp/pubsub/; see armonik-reference §5.4):
//
//	env  Components__QueueAdaptorSettings__ClassName = ArmoniK.Core.Adapters.PubSub.QueueBuilder   outputs.tf
//	env  Components__QueueAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/queue/pubsub/ArmoniK.Core.Adapters.PubSub.dll                                outputs.tf
//	env  PubSub__ProjectId = Config.ProjectID                                                        outputs.tf, variables.tf project_id
//	env  PubSub__KmsKeyName = Config.KmsKeyName (default "": Google-managed keys)                    outputs.tf, variables.tf kms_key_id (upstream: required)
//	env  PubSub__Prefix = Config.Prefix (default "")                                                 outputs.tf, variables.tf prefix
//
// Upstream's ArmoniK module also set PubSub__PartitionId per partition (armonik-reference §3.2):
// Core 0.37.2 has no such option (Adaptors/PubSub/src/PubSub.cs; the partition is
// Pollster__PartitionId), so it is not emitted. Topics and subscriptions are created lazily.
//
// # Cloud identity
//
// No credential goes through Kubernetes: Core's Google client takes the identity of its pods
// through GKE Workload Identity. Give a Google service account roles/pubsub.editor on the
// project (topics and subscriptions are created at run time; with a KMS key, also
// roles/cloudkms.cryptoKeyEncrypterDecrypter for the Pub/Sub service agent), allow the
// Kubernetes ServiceAccount to impersonate it (roles/iam.workloadIdentityUser on
// <project>.svc.id.goog[<namespace>/<serviceaccount>]), then have the ArmoniK construct create
// that ServiceAccount with the annotation
//
//	iam.gke.io/gcp-service-account: <gsa>@<project>.iam.gserviceaccount.com
//
// (armonik.Config.ServiceAccounts) and run as it the components that use the queue: the
// control plane (ControlPlane.ServiceAccount), every partition's compute plane
// (Partitions[i].ServiceAccount) and the init Job (Init.ServiceAccount). The metrics exporter
// needs no identity.
package pubsub
