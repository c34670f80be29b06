package keda

// The custom resource definitions KEDA's operator watches (kedacore/keda v2.19.0,
// config/crd/bases): names, scopes, versions and short names are KEDA's; the schemas are a
// minimal structural subset (see the package documentation).

type crd struct {
	group, kind, plural, singular string
	shortNames                    []string
	cluster                       bool
	// spec is the schema of .spec (nil: any object, kept as given).
	spec    map[string]any
	columns []map[string]any
}

var crdOrder = []string{
	"scaledobjects.keda.sh",
	"scaledjobs.keda.sh",
	"triggerauthentications.keda.sh",
	"clustertriggerauthentications.keda.sh",
	"cloudeventsources.eventing.keda.sh",
	"clustercloudeventsources.eventing.keda.sh",
}

var crds = map[string]crd{
	"scaledobjects.keda.sh": {
		group: "keda.sh", kind: "ScaledObject", plural: "scaledobjects", singular: "scaledobject", shortNames: []string{"so"},
		spec: scaledObjectSpec(),
		columns: []map[string]any{
			column("ScaleTargetName", "string", ".spec.scaleTargetRef.name"),
			column("Min", "integer", ".spec.minReplicaCount"),
			column("Max", "integer", ".spec.maxReplicaCount"),
			column("Ready", "string", `.status.conditions[?(@.type=="Ready")].status`),
			column("Active", "string", `.status.conditions[?(@.type=="Active")].status`),
			column("Age", "date", ".metadata.creationTimestamp"),
		},
	},
	"scaledjobs.keda.sh": {group: "keda.sh", kind: "ScaledJob", plural: "scaledjobs", singular: "scaledjob", shortNames: []string{"sj"}},
	"triggerauthentications.keda.sh": {
		group: "keda.sh", kind: "TriggerAuthentication", plural: "triggerauthentications", singular: "triggerauthentication",
		shortNames: []string{"ta", "triggerauth"},
	},
	"clustertriggerauthentications.keda.sh": {
		group: "keda.sh", kind: "ClusterTriggerAuthentication", plural: "clustertriggerauthentications", singular: "clustertriggerauthentication",
		shortNames: []string{"cta", "clustertriggerauth"}, cluster: true,
	},
	"cloudeventsources.eventing.keda.sh": {
		group: "eventing.keda.sh", kind: "CloudEventSource", plural: "cloudeventsources", singular: "cloudeventsource",
	},
	"clustercloudeventsources.eventing.keda.sh": {
		group: "eventing.keda.sh", kind: "ClusterCloudEventSource", plural: "clustercloudeventsources", singular: "clustercloudeventsource", cluster: true,
	},
}

func column(name, typ, path string) map[string]any {
	return map[string]any{"name": name, "type": typ, "jsonPath": path}
}

func anyObject() map[string]any {
	return map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
}

func str() map[string]any { return map[string]any{"type": "string"} }

func int32Field() map[string]any { return map[string]any{"type": "integer", "format": "int32"} }

// scaledObjectSpec is ScaledObject's .spec: every field of KEDA 2.19's, with advanced and
// fallback kept as given.
func scaledObjectSpec() map[string]any {
	return map[string]any{
		"type":     "object",
		"required": []any{"scaleTargetRef", "triggers"},
		"properties": map[string]any{
			"scaleTargetRef": map[string]any{
				"type":     "object",
				"required": []any{"name"},
				"properties": map[string]any{
					"apiVersion": str(), "kind": str(), "name": str(), "envSourceContainerName": str(),
				},
			},
			"pollingInterval":       int32Field(),
			"cooldownPeriod":        int32Field(),
			"initialCooldownPeriod": int32Field(),
			"idleReplicaCount":      int32Field(),
			"minReplicaCount":       int32Field(),
			"maxReplicaCount":       int32Field(),
			"advanced":              anyObject(),
			"fallback":              anyObject(),
			"triggers": map[string]any{
				"type": "array",
				"items": map[string]any{
					"type":     "object",
					"required": []any{"metadata", "type"},
					"properties": map[string]any{
						"type": str(), "name": str(), "metricType": str(),
						"useCachedMetrics": map[string]any{"type": "boolean"},
						"metadata":         map[string]any{"type": "object", "additionalProperties": str()},
						"authenticationRef": map[string]any{
							"type":       "object",
							"required":   []any{"name"},
							"properties": map[string]any{"name": str(), "kind": str()},
						},
					},
				},
			},
		},
	}
}

// manifest is the CustomResourceDefinition of c.
func (c crd) manifest(labels map[string]string) map[string]any {
	spec := c.spec
	if spec == nil {
		spec = anyObject()
	}
	names := map[string]any{"kind": c.kind, "listKind": c.kind + "List", "plural": c.plural, "singular": c.singular}
	if len(c.shortNames) > 0 {
		var sn []any
		for _, n := range c.shortNames {
			sn = append(sn, n)
		}
		names["shortNames"] = sn
	}
	scope := "Namespaced"
	if c.cluster {
		scope = "Cluster"
	}
	version := map[string]any{
		"name": "v1alpha1", "served": true, "storage": true,
		"subresources": map[string]any{"status": map[string]any{}},
		"schema": map[string]any{"openAPIV3Schema": map[string]any{
			"type":     "object",
			"required": []any{"spec"},
			"properties": map[string]any{
				"apiVersion": str(), "kind": str(), "metadata": map[string]any{"type": "object"},
				"spec": spec, "status": anyObject(),
			},
		}},
	}
	if len(c.columns) > 0 {
		var cols []any
		for _, col := range c.columns {
			cols = append(cols, col)
		}
		version["additionalPrinterColumns"] = cols
	}
	meta := map[string]any{"name": c.plural + "." + c.group}
	if len(labels) > 0 {
		l := map[string]any{}
		for k, v := range labels {
			l[k] = v
		}
		meta["labels"] = l
	}
	return map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1",
		"kind":       "CustomResourceDefinition",
		"metadata":   meta,
		"spec": map[string]any{
			"group": c.group, "names": names, "scope": scope,
			"versions": []any{version},
		},
	}
}
