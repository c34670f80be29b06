package modules_test

import (
	"fmt"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/armonik"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/modules/activemq"
	"github.com/armonik-cdktf/armonik-cdktf/modules/minio"
	"github.com/armonik-cdktf/armonik-cdktf/modules/mongodb"
	"github.com/armonik-cdktf/armonik-cdktf/modules/redis"
)

// The default storage of ArmoniK: ActiveMQ, MongoDB and Redis in the core layer, MinIO as the
// workers' shared storage in the worker layer.
func Example() {
	stack := cdk.NewStack(cdk.NewTestApp(), "example")
	if err := k8s.NewProvider(stack, "kubernetes", k8s.ProviderConfig{}); err != nil {
		panic(err)
	}
	ns, err := k8s.NewNamespace(stack, "namespace", k8s.NamespaceSpec{Name: "armonik"})
	if err != nil {
		panic(err)
	}
	mq, err1 := activemq.New(stack, "activemq", activemq.Config{Namespace: ns})
	db, err2 := mongodb.New(stack, "mongodb", mongodb.Config{Namespace: ns})
	rd, err3 := redis.New(stack, "redis", redis.Config{Namespace: ns})
	fs, err4 := minio.New(stack, "minio", minio.Config{Namespace: ns, Role: minio.RoleSharedStorage})
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			panic(err)
		}
	}
	_, err = armonik.New(stack, "armonik", armonik.Config{
		Namespace: ns,
		Layers:    armonik.Layers{Core: armonik.Conf{mq, db, rd}, Worker: armonik.Conf{fs}},
	})
	fmt.Println("armonik:", err)
	fmt.Println("queue:", mq.Host, mq.Port)
	fmt.Println("table store:", db.Members)
	fmt.Println("object store:", rd.Endpoint)
	fmt.Println("shared storage:", fs.EndpointURL, fs.Bucket)
	// Output:
	// armonik: <nil>
	// queue: activemq.armonik.svc.cluster.local 5672
	// table store: [mongodb-0.mongodb-headless.armonik.svc.cluster.local:27017]
	// object store: redis.armonik.svc.cluster.local:6379
	// shared storage: http://minio.armonik.svc.cluster.local:9000 minio-bucket
}
