// Package sqs gives ArmoniK Amazon SQS as its queue: endpoint-only, no workload, no Secret.
// Core creates and deletes its queues itself (names starting with the prefix), with the AWS
// identity of its pods.
//
//	q, err := sqs.New(stack, "sqs", sqs.Config{Region: "eu-west-3", Prefix: "armonik"})
//	// list q in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/aws/sqs/; see armonik-reference §5.4):
//
//	env  Components__QueueAdaptorSettings__ClassName = ArmoniK.Core.Adapters.SQS.QueueBuilder     outputs.tf
//	env  Components__QueueAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/queue/sqs/ArmoniK.Core.Adapters.SQS.dll                                      outputs.tf
//	env  SQS__ServiceURL = https://sqs.<region>.amazonaws.com                                        outputs.tf (Config.ServiceURL overrides it)
//	env  SQS__Prefix = Config.Prefix (default "armonik")                                             outputs.tf, main.tf (upstream: required)
//
// Upstream's ArmoniK module also set SQS__PartitionId per partition (armonik-reference §3.2):
// Core 0.37.2 has no such option (the partition is Pollster__PartitionId, Adaptors/SQS/src/SQS.cs),
// so it is not emitted.
//
// # Cloud identity
//
// No credential goes through Kubernetes: Core's AWS SDK takes the IAM role of its pods'
// ServiceAccount (IRSA, IAM Roles for Service Accounts on EKS). Upstream attached a policy to
// that role (main.tf): sqs:CreateQueue, DeleteQueue, ListQueues, GetQueueAttributes,
// PurgeQueue, GetQueueUrl, ReceiveMessage, SendMessage, DeleteMessage and
// ChangeMessageVisibility on arn:aws:sqs:<region>:<account>:<prefix>*. Create the role and its
// policy with your AWS tooling, then have the ArmoniK construct create the ServiceAccount with
// the annotation
//
//	eks.amazonaws.com/role-arn: arn:aws:iam::<account>:role/<role>
//
// (armonik.Config.ServiceAccounts) and run as it the components that use the queue: the
// control plane (ControlPlane.ServiceAccount), every partition's compute plane
// (Partitions[i].ServiceAccount: the polling agents, and the workers of the same pods) and the
// init Job (Init.ServiceAccount). Core creates the queues lazily, when a component first pushes
// to or pulls from a partition (Adaptors/SQS/src/PushQueueStorage.cs, PullQueueStorage.cs):
// InitServices__InitQueue is bound but never read by Core 0.37.2. The metrics exporter reads
// only the table store and needs no role.
package sqs
