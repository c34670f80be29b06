package armonik_test

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
)

func storage() armonik.Layers { return armonik.Layers{Core: splitStorage()} }

func autoscaled() armonik.Config {
	return armonik.Config{
		Layers: storage(),
		ControlPlane: armonik.ControlPlane{Workload: armonik.Workload{Autoscaling: &armonik.Autoscaling{
			MinReplicas: 1, MaxReplicas: 4, CPUUtilization: 80, MemoryUtilization: 80,
		}}},
		Partitions: []armonik.Partition{{Name: "default", Workload: armonik.Workload{Autoscaling: &armonik.Autoscaling{
			MinReplicas: 1, MaxReplicas: 100,
			External: []k8s.CustomMetric{{
				Name:     "armonik_default_tasks_queued",
				Selector: map[string]string{"job": "metrics-exporter"},
				Target:   k8s.MetricTarget{Type: "AverageValue", AverageValue: "2"},
			}},
			ScaleDown: &k8s.ScalingRules{StabilizationWindowSeconds: ptr(300), Policies: []k8s.ScalingPolicy{{Type: "Percent", Value: 100, PeriodSeconds: 15}}},
		}}}},
	}
}

func TestAutoscaling(t *testing.T) {
	a, raw, out := build(t, autoscaled())
	golden.JSON(t, "armonik-autoscaling", raw)
	if len(a.Autoscalers) != 2 {
		t.Fatalf("want 2 autoscalers, got %d", len(a.Autoscalers))
	}
	for _, deploy := range []string{"control-plane", "compute-plane-default"} {
		h := out.Named(t, "kubernetes_horizontal_pod_autoscaler_v2", deploy)
		d := out.Named(t, "kubernetes_deployment_v1", deploy)
		ref := synthtest.Get(h, "spec.scale_target_ref")
		if synthtest.Get(ref, "kind") != "Deployment" || synthtest.Get(ref, "name") != "${kubernetes_deployment_v1.armonik-"+deploy+".metadata[0].name}" || d == nil {
			t.Errorf("%s: autoscaler targets %v", deploy, ref)
		}
		if got := synthtest.Get(d, "spec.replicas"); got != nil {
			t.Errorf("%s: replicas %v set: Terraform and the autoscaler would fight", deploy, got)
		}
		if got := synthtest.Get(d, "lifecycle.ignore_changes"); synthtest.String(got) != `["spec[0].replicas"]` {
			t.Errorf("%s: ignore_changes = %v", deploy, got)
		}
	}
	h := out.Named(t, "kubernetes_horizontal_pod_autoscaler_v2", "compute-plane-default")
	if got := synthtest.Get(h, "spec.metric.0.external.metric.name"); got != "armonik_default_tasks_queued" {
		t.Errorf("external metric %v", got)
	}
	// Without autoscaling the replicas are managed.
	if got := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "metrics-exporter"), "spec.replicas"); got != "1" {
		t.Errorf("metrics exporter replicas %v", got)
	}
}

func TestIngressWithTLS(t *testing.T) {
	a, raw, out := build(t, armonik.Config{Layers: storage(), Ingress: armonik.Ingress{
		Enabled: true, ClassName: "nginx", Host: "armonik.example.com", TLSSecret: "armonik-tls",
		GRPCAnnotations: map[string]string{"nginx.ingress.kubernetes.io/backend-protocol": "GRPC"},
	}})
	golden.JSON(t, "armonik-ingress-tls", raw)
	if len(a.Ingresses) != 2 {
		t.Fatalf("want the gRPC and GUI ingresses, got %d", len(a.Ingresses))
	}
	g := out.Named(t, "kubernetes_ingress_v1", "armonik-grpc")
	if got := synthtest.Get(g, "spec.rule.0.http.path.0.path"); got != "/armonik." {
		t.Errorf("gRPC path %v", got)
	}
	if got := synthtest.Get(g, "spec.rule.0.http.path.0.backend.service.name"); got != "${kubernetes_service_v1.armonik-control-plane-service.metadata[0].name}" {
		t.Errorf("gRPC backend %v", got)
	}
	if got := synthtest.Get(g, "spec.tls.0.secret_name"); got != "armonik-tls" {
		t.Errorf("TLS secret %v", got)
	}
	gui := out.Named(t, "kubernetes_ingress_v1", "armonik-gui")
	if got := synthtest.Get(gui, "spec.rule.0.http.path.0.backend.service.port.number"); got != float64(1080) {
		t.Errorf("GUI backend port %v", got)
	}
	if synthtest.Get(gui, "metadata.annotations") != nil {
		t.Error("the gRPC annotations must not reach the GUI ingress")
	}
}

func TestServiceTypes(t *testing.T) {
	_, raw, out := build(t, armonik.Config{
		Layers:          storage(),
		ControlPlane:    armonik.ControlPlane{Service: armonik.Service{Type: k8s.Headless}},
		MetricsExporter: armonik.MetricsExporter{Service: armonik.Service{Type: k8s.NodePort, NodePort: 30419}},
		AdminGUI:        armonik.AdminGUI{Service: armonik.Service{Type: k8s.LoadBalancer, Port: 80, Annotations: map[string]string{"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}}},
	})
	golden.JSON(t, "armonik-service-types", raw)
	cp := out.Named(t, "kubernetes_service_v1", "control-plane")
	if synthtest.Get(cp, "spec.cluster_ip") != "None" || synthtest.Get(cp, "spec.port.0.port") != float64(1080) {
		t.Errorf("headless control plane: %v", synthtest.Get(cp, "spec"))
	}
	me := out.Named(t, "kubernetes_service_v1", "metrics-exporter")
	if synthtest.Get(me, "spec.type") != "NodePort" || synthtest.Get(me, "spec.port.0.node_port") != float64(30419) {
		t.Errorf("node port metrics exporter: %v", synthtest.Get(me, "spec"))
	}
	gui := out.Named(t, "kubernetes_service_v1", "admin-gui")
	if synthtest.Get(gui, "spec.type") != "LoadBalancer" || synthtest.Get(gui, "wait_for_load_balancer") != true {
		t.Errorf("load-balancer GUI: %v", gui)
	}
}

func TestSecureByDefaultAndOptOut(t *testing.T) {
	_, _, out := build(t, armonik.Config{Layers: storage(), Partitions: twoPartitions(armonik.UnixDomainSocket)})
	for name, c := range containers(out) {
		sc := c["security_context"]
		if synthtest.Get(sc, "allow_privilege_escalation") != false || synthtest.String(synthtest.Get(sc, "capabilities.drop")) != `["ALL"]` ||
			synthtest.Get(sc, "run_as_non_root") != true || synthtest.Get(sc, "seccomp_profile.type") != "RuntimeDefault" {
			t.Errorf("%s is not secure by default: %v", name, sc)
		}
	}
	for _, typ := range []string{"kubernetes_deployment_v1", "kubernetes_job_v1"} {
		for id, r := range out.Resources(typ) {
			if synthtest.Get(r, "spec.template.spec.automount_service_account_token") != false {
				t.Errorf("%s mounts the service account token", id)
			}
		}
	}
	cfg := armonik.Config{Layers: storage()}
	cfg.ControlPlane.DisableSecurityContext = true
	_, _, out = build(t, cfg)
	cp := out.Named(t, "kubernetes_deployment_v1", "control-plane")
	if synthtest.Get(cp, "spec.template.spec.container.0.security_context") != nil || synthtest.Get(cp, "spec.template.spec.security_context") != nil {
		t.Error("the opt-out must remove the control plane's security contexts")
	}
	if synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "metrics-exporter"), "spec.template.spec.container.0.security_context") == nil {
		t.Error("the opt-out is per component: the metrics exporter keeps its context")
	}
}

func TestGUIHonoursNodeSelector(t *testing.T) {
	cfg := armonik.Config{Layers: storage()}
	cfg.AdminGUI.NodeSelector = map[string]string{"service": "monitoring"}
	cfg.ServiceAccounts = []armonik.ServiceAccount{{Name: "armonik", Annotations: map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/armonik"}}}
	cfg.ControlPlane.ServiceAccount = "armonik"
	_, _, out := build(t, cfg)
	gui := out.Named(t, "kubernetes_deployment_v1", "admin-gui")
	if got := synthtest.Get(gui, "spec.template.spec.node_selector.service"); got != "monitoring" {
		t.Errorf("GUI node selector %v (upstream forgot it)", got)
	}
	if got := synthtest.String(synthtest.Get(gui, "spec.template.spec.toleration")); got != `[{"effect":"NoSchedule","key":"service","operator":"Equal","value":"monitoring"}]` {
		t.Errorf("GUI tolerations %v", got)
	}
	sa := out.Named(t, "kubernetes_service_account_v1", "armonik")
	if synthtest.Get(sa, "metadata.annotations") == nil {
		t.Error("service account annotations lost")
	}
	if got := synthtest.Get(out.Named(t, "kubernetes_deployment_v1", "control-plane"), "spec.template.spec.service_account_name"); got != "${kubernetes_service_account_v1.armonik-sa-armonik.metadata[0].name}" {
		t.Errorf("control plane service account %v", got)
	}
}

func TestFeatureErrors(t *testing.T) {
	e := newEnv(t)
	cfg := armonik.Config{Namespace: e.ns, Layers: storage()}
	cfg.ControlPlane.Autoscaling = &armonik.Autoscaling{MinReplicas: 5, MaxReplicas: 2, CPUUtilization: 80}
	cfg.MetricsExporter.Service.Type = "Ingress"
	cfg.Ingress = armonik.Ingress{Enabled: true}
	_, err := armonik.New(e.stack, "armonik", cfg)
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for _, want := range []string{
		"control_plane.autoscaling: min_replicas 5 is greater than max_replicas 2",
		`metrics_exporter.service.type: "Ingress" must be one of ClusterIP, NodePort, LoadBalancer, Headless`,
		"ingress.class_name: required",
		"ingress.host: required",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
