// Package otel gives ArmoniK Core somewhere to send its traces: an OpenTelemetry collector in
// the cluster (with Jaeger as the backend of the localhost stack, or forwarding to a backend),
// or only the endpoint of a collector running elsewhere.
//
//	tr, err := otel.New(stack, "tracing", otel.Config{Namespace: ns, Jaeger: &otel.Jaeger{}})
//	// list tr (and, with a token, tr.Auth) in ArmoniK's control and polling layers
//
// # Outputs
//
// Core 0.37.2 reads builder.Configuration["OTLP:Uri"] and ["OTLP:AuthToken"] in the Submitter
// (Control/Submitter/src/Program.cs, lines 126-127) and the polling agent
// (Compute/PollingAgent/src/Program.cs, lines 137-138). When the URI is set it adds an OTLP
// exporter with that endpoint (the .NET exporter's default protocol, gRPC) and, with a token,
// an "Authorization: Bearer <token>" header; the metrics exporter, the workers and the init Job
// read neither. Upstream's deployments set neither; Core's own docker deployment sets
// OTLP__Uri to its collector's gRPC port 4317 (terraform/modules/tracing/outputs.tf).
//
//	env  OTLP__Uri = http://<name>.<namespace>.svc.<cluster_domain>:4317, or Config.Endpoint
//	     (the module itself: list it in the control and polling layers, the two components
//	     that read it; the log layer would also reach the metrics exporter and the workers,
//	     which do not)
//	env_from_secret  OTLP__AuthToken <- <existing_secret>/<token_key>, or
//	     <name>-credentials/token from the sensitive variable <name>_auth_token; with
//	     Config.AuthToken and Config.Endpoint only (Module.Auth: list it in the control and
//	     polling layers, so no other container receives the token)
//
// # What is deployed (without Config.Endpoint)
//
//   - ConfigMap <name>-config and Deployment <name>: otel/opentelemetry-collector:0.159.0, the
//     core distribution (opentelemetry-collector-releases distributions/otelcol: entrypoint
//     /otelcol, user 10001, ports 4317 and 4318). The configuration: the otlp receiver (gRPC
//     4317, HTTP 4318), memory_limiter then batch, the health_check extension on 13133 (the
//     probes), and the exporters otlp_grpc/jaeger (Jaeger's OTLP port), otlp_grpc/forward
//     (Config.Forward) or, with neither, debug. otlp_grpc is the exporter's name in that
//     release (tests/golden/config.yaml). The core distribution has no authenticator: an
//     in-cluster collector checks no token, and its NetworkPolicy admits only Config.Senders
//     (default ArmoniK's pods, app.kubernetes.io/part-of=armonik) on 4317 and 4318.
//   - Service <name>: otlp-grpc 4317, otlp-http 4318.
//   - With Config.Jaeger: Deployment and Service <name>-jaeger, jaegertracing/jaeger:2.20.0 with
//     no arguments, i.e. its all-in-one configuration (cmd/jaeger/internal/all-in-one.yaml:
//     OTLP receivers, traces in memory, at most 100000; JAEGER_LISTEN_HOST=0.0.0.0 and user
//     10001 from its Dockerfile, VOLUME /tmp as an emptyDir); the UI on 16686. Its
//     NetworkPolicy admits the collector on 4317 and Config.UIClients on 16686.
//
// Every pod runs as 10001, non-root, with a read-only root filesystem, every capability
// dropped, no privilege escalation, the RuntimeDefault seccomp profile and no
// service-account token.
//
// # Opening Jaeger's UI
//
//	kubectl -n <namespace> port-forward svc/otel-collector-jaeger 16686:16686
//	# http://localhost:16686
package otel
