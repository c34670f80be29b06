package k8s

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	pv "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v12/persistentvolumev1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// PersistentVolumeSpec describes a kubernetes_persistent_volume_v1: storage that exists outside
// the cluster (only NFS for now), made available to one claim. A PersistentVolume is
// cluster-scoped: its name must be unique in the cluster, not only in a namespace.
type PersistentVolumeSpec struct {
	// Name of the volume (DNS-1123 subdomain, unique in the cluster).
	Name                string
	Labels, Annotations map[string]string
	// Capacity is a Kubernetes quantity ("10Gi"). For NFS it is only matched against claims;
	// nothing enforces it.
	Capacity    string
	AccessModes []string // default ReadWriteOnce
	// ReclaimPolicy: "Retain" (default: the data outlives the volume) or "Delete".
	ReclaimPolicy string
	// StorageClass is the class name a claim must request to bind ("" = none). It need not be
	// a StorageClass object: for a static volume it only pairs the volume with its claim.
	StorageClass string
	// MountOptions are passed to mount(8) ("nfsvers=4.1", "hard"...).
	MountOptions []string
	// ClaimNamespace and ClaimName reserve the volume for that claim (claimRef): no other claim
	// can bind it. ClaimNamespace may be a Terraform reference.
	ClaimNamespace, ClaimName string
	// NFS is the export (required).
	NFS *NFSVolume
	// DependsOn lists objects to create first.
	DependsOn []*Object
}

// NewPersistentVolume creates a kubernetes_persistent_volume_v1.
func NewPersistentVolume(scope constructs.Construct, id string, spec PersistentVolumeSpec) (*Object, error) {
	var errs errList
	if msgs := validation.IsDNS1123Subdomain(spec.Name); len(msgs) > 0 {
		errs.add("PersistentVolume %q: name: %s", spec.Name, msgs[0])
	}
	if q, err := resource.ParseQuantity(spec.Capacity); err != nil || q.Sign() <= 0 {
		errs.add("PersistentVolume %q: capacity: %q is not a positive Kubernetes quantity such as \"10Gi\"", spec.Name, spec.Capacity)
	}
	for _, m := range spec.AccessModes {
		switch m {
		case "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod":
		default:
			errs.add("PersistentVolume %q: access mode %q must be ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod", spec.Name, m)
		}
	}
	policy := spec.ReclaimPolicy
	if policy == "" {
		policy = "Retain"
	}
	if policy != "Retain" && policy != "Delete" {
		errs.add("PersistentVolume %q: reclaim policy %q must be Retain or Delete", spec.Name, spec.ReclaimPolicy)
	}
	if spec.StorageClass != "" {
		if msgs := validation.IsDNS1123Subdomain(spec.StorageClass); len(msgs) > 0 {
			errs.add("PersistentVolume %q: storage class %q: %s", spec.Name, spec.StorageClass, msgs[0])
		}
	}
	if (spec.ClaimName == "") != (spec.ClaimNamespace == "") {
		errs.add("PersistentVolume %q: claim: set both the namespace and the name, or neither", spec.Name)
	}
	if spec.NFS == nil {
		errs.add("PersistentVolume %q: nfs: required", spec.Name)
	} else {
		if spec.NFS.Server == "" {
			errs.add("PersistentVolume %q: nfs: server: required", spec.Name)
		}
		if len(spec.NFS.Path) == 0 || spec.NFS.Path[0] != '/' {
			errs.add("PersistentVolume %q: nfs: path %q must be absolute", spec.Name, spec.NFS.Path)
		}
	}
	if err := errs.join(); err != nil {
		return nil, err
	}
	modes := spec.AccessModes
	if len(modes) == 0 {
		modes = []string{"ReadWriteOnce"}
	}
	var obj *Object
	err := cdk.Guard("PersistentVolume "+spec.Name, func() error {
		s := &pv.PersistentVolumeV1Spec{
			AccessModes:                   jsii.Strings(modes...),
			Capacity:                      &map[string]*string{"storage": jsii.String(spec.Capacity)},
			PersistentVolumeReclaimPolicy: jsii.String(policy),
			StorageClassName:              str(spec.StorageClass),
			MountOptions:                  strList(spec.MountOptions),
			PersistentVolumeSource: &pv.PersistentVolumeV1SpecPersistentVolumeSource{
				Nfs: &pv.PersistentVolumeV1SpecPersistentVolumeSourceNfs{
					Server: jsii.String(spec.NFS.Server), Path: jsii.String(spec.NFS.Path), ReadOnly: boolOrNil(ptrIf(spec.NFS.ReadOnly)),
				},
			},
		}
		if spec.ClaimName != "" {
			s.ClaimRef = &pv.PersistentVolumeV1SpecClaimRef{Name: jsii.String(spec.ClaimName), Namespace: jsii.String(spec.ClaimNamespace)}
		}
		r := pv.NewPersistentVolumeV1(scope, jsii.String(id), &pv.PersistentVolumeV1Config{
			Metadata: &pv.PersistentVolumeV1Metadata{
				Name: jsii.String(spec.Name), Labels: stringMap(spec.Labels), Annotations: stringMap(spec.Annotations),
			},
			Spec:      []*pv.PersistentVolumeV1Spec{s},
			DependsOn: dependsOn(spec.DependsOn),
		})
		obj = &Object{Kind: "PersistentVolume", Name: spec.Name, NameRef: *r.Metadata().Name(), Resource: r}
		return nil
	})
	return obj, err
}

// ptrIf returns &b when b is true, nil otherwise (the field stays unset).
func ptrIf(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}
