// Package activemq deploys ActiveMQ Classic in the cluster as ArmoniK's queue (AMQP 1.0 on
// 5672) and gives ArmoniK Core exactly the keys it reads for it.
//
//	mq, err := activemq.New(stack, "activemq", activemq.Config{Namespace: ns})
//	// list mq in the core layer of the ArmoniK construct
//
// # Outputs
//
// Each key, its value, and the upstream file it matches (Infra = aneoconsulting/ArmoniK.Infra,
// storage/onpremise/activemq/; see armonik-reference §5.1):
//
//	env  Components__QueueAdaptorSettings__ClassName = ArmoniK.Core.Adapters.Amqp.QueueBuilder     outputs.tf, variables.tf
//	env  Components__QueueAdaptorSettings__AdapterAbsolutePath =
//	         /adapters/queue/amqp/ArmoniK.Core.Adapters.Amqp.dll                                    outputs.tf, variables.tf
//	env  Amqp__Host = <name>.<namespace>.svc.<cluster_domain>                                        locals.tf (domain was hard-coded)
//	env  Amqp__Port = 5672, or 5671 with TLS                                                         outputs.tf (service port; upstream 5672 for amqp+ssl)
//	env  Amqp__Scheme = AMQP, or AMQPS with TLS                                                      outputs.tf, variables.tf (upstream always AMQPS)
//	env  Amqp__MaxPriority = 10 (max_priority)                                                  Core terraform/modules/storage/queue/activemq/outputs.tf (Infra left it to the user)
//	env  Amqp__AllowInsecureTls = true, only with allow_insecure_tls (TLS)                        (Core 0.37.2 Adaptors/Amqp/src/ConnectionAmqp.cs)
//	env  Amqp__CaPath = /amqp/ca.pem, with TLS only                                                  outputs.tf ("${var.path}/ca.pem")
//	env_secret  <name>-credentials {Amqp__User, Amqp__Password}                                      secrets.tf (activemq-user-credentials)
//	mount_secret  <name>-ca: the CA key of Config.TLS.Secret at /amqp/ca.pem (0444), with TLS only   outputs.tf certificate (Secret activemq at /amqp)
//
// Amqp__MaxPriority is the module's: Core 0.37.2 exits at startup without it (>= 1,
// Adaptors/QueueCommon/src/QueueStorageBase.cs). Amqp__LinkCredit and Amqp__MaxRetries come from
// the Core images' appsettings.json (2 and 10). Components__QueueStorage, which upstream still
// emits, is read by no Core since 0.13.0 and is not emitted. TLS is off by default (see below and modules.TLS): inside the namespace, the
// NetworkPolicy already limits who can connect.
//
// # What is deployed
//
//   - Deployment <name> (1 replica, Recreate) and ClusterIP Service <name> (port amqp 5672), as
//     upstream's main.tf. Upstream's dashboard port 8161 is not exposed: see below.
//   - Secret <name>-server: username (Config.User, default "armonik") and password
//     (random_password), read by the broker. Secret <name>-credentials: the same values as
//     Amqp__User and Amqp__Password, read whole by ArmoniK, created after the Deployment (so,
//     with Wait, once the broker is ready).
//   - ConfigMap <name>-config: activemq.xml, mounted over conf/activemq.xml only (subPath), so
//     the rest of the image's conf/ stays as shipped. Like upstream's configmaps.tf it marks
//     every queue prioritizedMessages="true" (Core's task priorities) and keeps the KahaDB
//     store. Unlike it, it opens only one AMQP connector (plain, or amqp+ssl with TLS), requires
//     authentication (simpleAuthenticationPlugin with the one generated user; upstream enforced
//     none), sizes storeUsage/tempUsage to 70%/20% of the claim (upstream: 100 gb/50 gb on an
//     ephemeral disk), and does not import jetty.xml: no web console, which the image would
//     serve with the well-known admin/admin login. The credentials reach the broker as the
//     environment variables ARMONIK_AMQP_USER and ARMONIK_AMQP_PASSWORD (secretKeyRef), read
//     by the Spring placeholders of activemq.xml; the image's ACTIVEMQ_CONNECTION_USER
//     mechanism is not used because it rewrites conf/ with sed, which a ConfigMap mount forbids.
//   - PersistentVolumeClaim <name>-data (default 8Gi) at /opt/apache-activemq/data: the message
//     store survives restarts (upstream's was ephemeral).
//   - ACTIVEMQ_OPTS carries the heap options (default "-Xms1g -Xmx3g", ArmoniK's): setting it
//     keeps the entrypoint's -Djetty.host=0.0.0.0 out and works on 6.2.0, where
//     ACTIVEMQ_OPTS_MEMORY (upstream's variable) is ignored. ACTIVEMQ_TMP is /tmp.
//   - Probes: TCP on the AMQP port (startup up to 5 minutes, readiness, liveness); upstream had
//     none.
//   - NetworkPolicy <name> (Config.NetworkPolicy, default true): only pods labelled
//     app.kubernetes.io/part-of=armonik of the namespace may connect, on the AMQP port.
//
// # TLS
//
// With Config.TLS (see modules.TLS), the broker serves AMQPS only, on 5671
// (amqp+ssl://0.0.0.0:5671; upstream used amqp+ssl on 5672), with the user's certificate. The
// broker needs a Java keystore and the Secret holds PEM files, so an init container converts
// them with the broker image's own tools: the image is built on eclipse-temurin:17-jre (Ubuntu
// 24.04), whose ca-certificates package depends on openssl (apache/activemq
// assembly/src/docker/Dockerfile at activemq-6.2.1, adoptium/containers 17/jre/ubuntu/noble;
// read, not run here), and
//
//	openssl pkcs12 -export -in /tls/tls.crt -inkey /tls/tls.key -certfile /tls/ca.crt \
//	  -name activemq -passout env:ARMONIK_KEYSTORE_PASSWORD -out /opt/apache-activemq/keystore/keystore.p12
//
// writes a PKCS#12 keystore (which Java 17 reads) into a memory emptyDir, protected by a
// generated password (keystore-password in <name>-server, never a literal). activemq.xml then
// declares <sslContext keyStore=".../keystore.p12" keyStoreType="PKCS12"
// keyStorePassword="${ARMONIK_KEYSTORE_PASSWORD}"/>. Upstream generated its own CA and stored a
// PKCS#12 certificate.pfx next to the PEM files (certificates.tf); its certificate had no SAN,
// hence Amqp__AllowHostMismatch=true in every deployment, a key Core 0.37.2's AMQP adapter does
// not read (Adaptors/Amqp/src/ConnectionAmqp.cs passes Amqp__AllowInsecureTls to its certificate
// check). The certificate must name <name>.<namespace>.svc.<cluster_domain>, Amqp__Host, or
// allow_insecure_tls: true sets Amqp__AllowInsecureTls to accept the mismatch.
//
// # Image and security
//
// apache/activemq-classic:6.2.1 (upstream pins 6.2.0). 6.2.0 runs as root; 6.2.1 adds the
// system user activemq and honours the heap options (AMQ-9812). That user is unpinned and
// non-numeric, which runAsNonRoot cannot check, so the pod sets runAsUser/runAsGroup 999 (what
// useradd -r gives on the image's fresh Ubuntu base) and fsGroup 999: the broker only reads the
// image's files and writes to the data volume and /tmp, so it works whatever UID a build gave
// the user. No privilege escalation, every capability dropped, RuntimeDefault seccomp, no
// service-account token.
package activemq
