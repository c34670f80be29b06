// Package mongodbexporter deploys Percona's MongoDB exporter as an AEP 5 consumer: it takes
// the table store's outputs, the very ModuleOutputs ArmoniK's core layer gets, and merges them
// with outputs.MergePod as ArmoniK does. It shows that the contract works beyond ArmoniK's own
// pods: swapping modules/mongodb for modules/externalmongodb changes nothing here.
//
//	db, _ := mongodb.New(stack, "mongodb", mongodb.Config{Namespace: ns})
//	ex, err := mongodbexporter.New(stack, "mongodb-exporter", mongodbexporter.Config{
//		Namespace: ns, TableStorage: []outputs.ModuleOutputs{db},
//	})
//
// # How it reads the outputs
//
// One container, two layers: table-storage (the given modules) then conf (Config.Conf, AEP 5
// outputs of the user). Every key is rendered exactly as in ArmoniK's containers (env,
// secretKeyRef, envFrom, Secret mounts), so the exporter receives MongoDB__Host,
// MongoDB__ConnectionString... from modules/mongodb, and explain shows its merged
// configuration. The exporter reads its URI from --mongodb.uri (0.48.0 main.go): the
// argument is --mongodb.uri=$(MongoDB__MonitoringConnectionString) when the outputs give that
// variable (upstream's exporter module used it; give it through Config.Conf from a Secret of a
// user holding only the clusterMonitor role), else --mongodb.uri=$(MongoDB__ConnectionString),
// ArmoniK's own. Kubernetes expands $(VAR) from the container's variables, the Secret's value
// included: the URI is never a literal. Outputs with neither variable are an error.
// ArmoniK's user (modules/mongodb) holds clusterAdmin, which covers the serverStatus and
// replSetGetStatus commands the collectors run.
//
// With a TLS table store the outputs mount the CA and set MongoDB__CAFile; the exporter's Go
// driver trusts the system roots when the URI says tls=true, and Go reads those from
// SSL_CERT_FILE (crypto/x509), so the container gets SSL_CERT_FILE=$(MongoDB__CAFile).
//
// # What is deployed
//
//   - Deployment <name>: percona/mongodb_exporter:0.48.0 (ArmoniK 2.23's pin), arguments
//     --mongodb.uri (above), --no-mongodb.direct-connect (the URI names the replica set:
//     discover it), --web.listen-address=:9216 (the default, Dockerfile EXPOSE 9216),
//     --log.level=error and --collector.<name> for Config.Collectors (default diagnosticdata,
//     replicasetstatus, dbstats; upstream also enabled top, currentop, index and collection
//     statistics, a query per collection on every scrape). TCP probes on 9216. User 65535
//     (Dockerfile USER 65535:65535), read-only root filesystem, every capability dropped, no
//     service-account token.
//   - Service <name> (ClusterIP 9216) and a static scrape target on it, labelled with the
//     namespace.
//   - NetworkPolicy <name>: only Config.Scrapers (the stack's Prometheus) reach 9216.
//   - NetworkPolicy <name>-to-mongodb, with Config.MongoDBPods: it selects the MongoDB pods and
//     admits the exporter on their port. NetworkPolicies add up, so the MongoDB module's own
//     policy (ArmoniK's pods only) stays as it is.
//
// The metrics the dashboards read: mongodb_up (exporter/general_collector.go) and, with the
// diagnosticdata collector, mongodb_ss_connections, mongodb_ss_opcounters,
// mongodb_ss_mem_resident, mongodb_ss_uptime (serverStatus flattened, exporter/metrics.go).
package mongodbexporter
