// Package hostpath gives ArmoniK's workers their shared storage on a directory of the node:
// FileStorageType=FS and a read-only hostPath volume at /data in every worker container (the
// AEP's mount_volume). It suits single-node clusters (a workstation, kind, k3s): on several
// nodes, each reads its own directory, which must then hold the same files on every node.
//
//	fs, err := hostpath.New(stack, "hostpath", hostpath.Config{Path: "/data"})
//	// list fs in the worker layer of the ArmoniK construct, instead of the shared-storage MinIO
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra;
// upstream had no module: the ArmoniK module read shared_storage_settings):
//
//	env  FileStorageType = FS                                                 armonik/locals.tf check_file_storage_type
//	mount_volume  <name>: hostPath {Config.Path, Directory} at /data, read-only  armonik/compute-plane.tf shared-volume
//
// The workers find the files at /data, ArmoniK's target_data_path default (a defaults-layer
// value of the ArmoniK construct, not this module's). Upstream mounted shared-volume in the
// workers whenever FileStorageType was FS but defined the volume only for "hostpath"
// (armonik-reference §9 row 15); here mount and volume come together, and only the worker
// layer receives them: the polling agents, the control plane and the jobs never mount the
// node's directory.
//
// # What is deployed
//
// Nothing: the module is outputs only. The directory must exist on the node with Type
// "Directory" (the default, upstream's), or is created empty with "DirectoryOrCreate". Workers
// only read it; put the workers' libraries there (for instance kubectl cp into a pod that
// mounts it read-write, or copy them on the node). A hostPath volume bypasses the pod's
// fsGroup: the files must be readable by the workers' user (5000 by default).
//
// # Pod Security
//
// A hostPath volume is forbidden by the Pod Security levels "restricted" (the stacks' default)
// and "baseline": the API server would refuse every worker pod. The stacks refuse the module
// unless the configuration sets pod_security: privileged, and then label the namespace
// privileged; they never loosen it by themselves. The ArmoniK construct refuses it likewise
// when its Config.PodSecurity is restricted or baseline. On a multi-node or shared cluster,
// prefer a shared storage that passes restricted: minio, nfs (through a claim), s3, gcs.
package hostpath
