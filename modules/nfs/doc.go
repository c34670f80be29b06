// Package nfs gives ArmoniK an object store on shared files: Core's LocalStorage adapter on a
// ReadWriteMany PersistentVolumeClaim, backed by NFS, mounted in every container of the core
// layer (the AEP's mount_volume_claim).
//
//	// An export of an NFS server: a static PersistentVolume and its claim.
//	fs, err := nfs.New(stack, "nfs", nfs.Config{Namespace: ns, Server: "10.0.0.5", Path: "/exports/armonik"})
//	// Or a StorageClass that provisions ReadWriteMany volumes (NFS CSI driver, nfs-subdir-external-provisioner...).
//	fs, err := nfs.New(stack, "nfs", nfs.Config{Namespace: ns, StorageClass: "nfs-csi"})
//	// list fs in the core layer of the ArmoniK construct, instead of Redis or MinIO
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/onpremise/nfs/; see armonik-reference §5.8):
//
//	env  Components__ObjectStorageAdaptorSettings__ClassName = ArmoniK.Core.Adapters.LocalStorage.ObjectBuilder outputs.tf, variables.tf
//	env  Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/object/local_storage/ArmoniK.Core.Adapters.LocalStorage.dll                             outputs.tf, variables.tf
//	env  LocalStorage__Path = /local_storage                                                                     outputs.tf, variables.tf mount_path
//	mount_volume_claim  <name>-data: the claim <name>-data at /local_storage (read-write)                       outputs.tf mount_volume
//
// Upstream emitted the claim as mount_volume, which its aggregator drops, and the quick-deploy
// never listed the module: no pod ever mounted the volume (armonik-reference §9 row 8). Here it
// is a mount_volume_claim, which the ArmoniK construct renders as a persistentVolumeClaim volume
// in every container of the core layer: the init Job, the control plane, the polling agents and
// the metrics exporter. Workers never receive the core layer.
//
// # What is deployed
//
// With Server and Path (a static volume, no provisioner Deployment):
//
//   - PersistentVolume <namespace>-<name> (cluster-scoped, hence the namespace in its name):
//     nfs {server, path}, ReadWriteMany, capacity Config.Size, reclaim policy Retain (destroy
//     removes the volume object, never the files of the export), mount options
//     Config.MountOptions, and a claimRef that reserves it for the claim below.
//   - PersistentVolumeClaim <name>-data, ReadWriteMany, bound to that volume by name
//     (volumeName). Volume and claim carry the storage class name <namespace>-<name>, which no
//     StorageClass has: it only pairs them, as the Kubernetes documentation's "manual" class
//     does. A claim without a class would get the cluster's default StorageClass and never bind
//     to the static volume.
//
// With StorageClass: only the claim <name>-data, ReadWriteMany, of that class.
//
// Upstream instead deployed nfs-subdir-external-provisioner with its ServiceAccount, RBAC and
// StorageClass (images.md §6); an existing provisioner is now the StorageClass route, and the
// module creates no cluster-wide RBAC. The claim does not wait to be bound (module contract).
//
// # Requirements
//
// Every node that may run ArmoniK needs the NFS client (nfs-common, nfs-utils). ArmoniK's
// containers write the objects as their own users (1654 for the Core images, 5000 for the
// compute plane by default): the export must let them (ownership, or all_squash with an
// anonuid that owns it). Mounting happens as root on the node, so nothing else is needed in the
// pods. The objects persist across restarts and are shared by every replica.
package nfs
