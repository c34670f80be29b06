// Package fluentbit deploys fluent-bit as a DaemonSet that ships the containers' logs of the
// chosen namespaces to Seq (modules/seq), to stdout, or to Amazon CloudWatch Logs.
//
//	fb, err := fluentbit.New(stack, "fluent-bit", fluentbit.Config{
//		Namespace: agents, Namespaces: []string{"armonik"},
//		Output: fluentbit.Output{Seq: &fluentbit.SeqOutput{Host: s.Host}},
//	})
//
// One shipper per node, no sidecar: AEP 5 has no container kind, and a DaemonSet needs no
// change to ArmoniK's pods (upstream's sidecar mode added containers to every pod). ArmoniK Core
// writes compact JSON (CLEF) to stdout (Common/src/Utils/LoggerInit.cs); the container runtime
// writes each line to /var/log/pods, linked from /var/log/containers/<pod>_<namespace>_<container>-<id>.log.
//
// # The pipeline (fluent-bit.conf, classic format)
//
//   - tail input on /var/log/containers/*_<namespace>_*.log for each shipped namespace (every
//     file with AllNamespaces), multiline.parser "cri, docker" (the built-in parsers of both
//     runtime formats), offsets in a database on the node (StateDir, hostPath
//     DirectoryOrCreate) so that a restarted shipper does not send everything again,
//     Mem_Buf_Limit 32MB, Read_From_Head On (a new file is read from its start).
//   - kubernetes filter (Kube_Tag_Prefix kube.var.log.containers.): pod metadata from the API
//     with the ServiceAccount's token; Merge_Log On and Keep_Log Off put the CLEF fields of
//     ArmoniK's JSON lines at the top of the record; pods annotated fluentbit.io/exclude are
//     skipped; then the kubernetes map is lifted with the prefix kubernetes_ (Seq properties
//     kubernetes_pod_name, kubernetes_namespace_name...). Upstream's filters did the same
//     (ArmoniK.Infra monitoring/onpremise/fluent-bit/configs/filter).
//   - Seq output: http to <seq host>:5341/api/events/raw?clef with Content-Type
//     application/vnd.serilog.clef, json_lines, the record time as @t (iso8601), as upstream's
//     output-http-seq.conf. A @t merged from the line is removed first (it would be a second
//     @t; the runtime's time of the line differs by microseconds) and a line that is not JSON
//     becomes the message @m.
//   - CloudWatch output: cloudwatch_logs to the log group, stream prefix <node name>-, with the
//     IAM role of Output.CloudWatch.RoleARN on the ServiceAccount (eks.amazonaws.com/role-arn):
//     the role needs logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogStreams (and
//     logs:CreateLogGroup with AutoCreateGroup).
//   - stdout output, json_lines, for debugging.
//
// # What is deployed
//
//   - ServiceAccount <name> with its token mounted (the kubernetes filter reads the API).
//   - Role and RoleBinding <agents namespace>-<name> in each shipped namespace: get, list and
//     watch on pods, nothing else. With AllNamespaces, ClusterRole and ClusterRoleBinding of the
//     same name (upstream's ClusterRole also read namespaces, nodes, nodes/proxy and /metrics).
//   - ConfigMap <name>-config (fluent-bit.conf), mounted at /fluent-bit/config (the image's
//     /fluent-bit/etc stays as shipped); the pods roll when it changes (config hash).
//   - DaemonSet <name>: fluent/fluent-bit:4.2.2 (ArmoniK 2.23's pin), --config pointing at the
//     mounted file, /var/log read-only (hostPath Directory), the state directory read-write,
//     HTTP server on 2020 for the probes (GET /api/v1/health with Health_Check On), tolerating
//     every taint by default so that every node's logs are shipped, rolling 10% at a time.
//   - NetworkPolicy <name>: every connection to the shippers is refused (they serve nothing
//     but their probes, which the kubelet sends from the node).
//
// # Security and Pod Security
//
// The image (dockerfiles/Dockerfile, distroless, no USER) runs as root, which reads the node's
// log files (root-owned): the container runs as root with every capability dropped (root needs
// none for files it owns), no privilege escalation, a read-only root filesystem and the
// RuntimeDefault seccomp profile. Its hostPath volumes are forbidden by the Pod Security
// levels baseline and restricted, so the DaemonSet goes into a namespace of node agents that
// the stack labels pod-security.kubernetes.io/enforce=privileged; ArmoniK's namespace is never
// loosened. Nodes enforcing SELinux may also need a privileged container to read /var/log;
// that is not the default. Not run on a node in this project's loopback test cluster.
package fluentbit
