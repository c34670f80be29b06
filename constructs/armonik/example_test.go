package armonik_test

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// myStorage is a user's own module: any type with a name and AEP 5 outputs will do. This one
// gives ArmoniK an SQS queue and an S3 bucket (reached with the pods' cloud identity) and an
// external MongoDB, and declares those three adapter families (outputs.FamilyProvider; without
// it they are inferred from the keys). ArmoniK checks the keys against Core's startup rules.
type myStorage struct{ secret outputs.Ref }

func (myStorage) ModuleName() string { return "my-storage" }

func (myStorage) Families() []outputs.Family {
	return []outputs.Family{outputs.FamilyQueue, outputs.FamilyTable, outputs.FamilyObject}
}

func (s myStorage) Outputs() outputs.Outputs {
	return outputs.Outputs{
		Env: map[string]string{
			"Components__QueueAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.SQS.QueueBuilder",
			"Components__QueueAdaptorSettings__AdapterAbsolutePath": "/adapters/queue/sqs/ArmoniK.Core.Adapters.SQS.dll",
			"SQS__ServiceURL":          "https://sqs.eu-west-3.amazonaws.com",
			"Components__TableStorage": "ArmoniK.Adapters.MongoDB.TableStorage",
			"Components__ObjectStorageAdaptorSettings__ClassName":           "ArmoniK.Core.Adapters.S3.ObjectBuilder",
			"Components__ObjectStorageAdaptorSettings__AdapterAbsolutePath": "/adapters/object/s3/ArmoniK.Core.Adapters.S3.dll",
			"S3__EndpointUrl": "https://s3.eu-west-3.amazonaws.com",
			"S3__BucketName":  "my-armonik-objects",
		},
		EnvFromSecret: map[string]outputs.KeySelector{
			"MongoDB__ConnectionString": {Ref: s.secret, Key: "uri"},
		},
	}
}

// A user's own Go stack: the provider, a namespace, their module, and ArmoniK with two
// partitions, the second autoscaled on its queue length.
func ExampleNew() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("my-armonik"))
	if err := k8s.NewProvider(stack, "kubernetes", k8s.ProviderConfig{ConfigContext: "prod"}); err != nil {
		fmt.Println(err)
		return
	}
	ns, err := k8s.ExistingNamespace("hpc")
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := armonik.New(stack, "armonik", armonik.Config{
		Namespace: ns,
		Layers:    armonik.Layers{Core: armonik.Conf{myStorage{secret: outputs.Named("mongo-atlas")}}},
		Partitions: []armonik.Partition{
			{Name: "default"},
			{Name: "gpu", Workload: armonik.Workload{
				NodeSelector: map[string]string{"accelerator": "gpu"},
				Autoscaling: &armonik.Autoscaling{MinReplicas: 1, MaxReplicas: 8, External: []k8s.CustomMetric{{
					Name: "armonik_gpu_tasks_queued", Target: k8s.MetricTarget{Type: "AverageValue", AverageValue: "2"},
				}}},
			}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range []string{"default", "gpu"} {
		fmt.Println(a.ComputePlanes[p].Display)
	}
	// app.Synth() would now write cdktf.out/stacks/my-armonik/cdk.tf.json.
	fmt.Println(a.Autoscalers["compute-plane-gpu"].Display)

	// Output:
	// compute-plane-default
	// compute-plane-gpu
	// compute-plane-gpu
}
