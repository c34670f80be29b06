package outputs_test

import (
	"fmt"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// A Redis module written with the builder, merged into a pod of two containers
// over ArmoniK's defaults and a user override, then explained.
func ExampleMergePod() {
	creds := outputs.Named("redis-creds").WithToken("${kubernetes_secret_v1.redis_creds.metadata[0].name}")
	redis := outputs.NewModule("redis").
		Env("Redis__Ssl", "true").
		Env("Redis__CaPath", "/redis/chain.pem").
		EnvSecret(creds, "Redis__User", "Redis__Password").
		MountSecret("redis-ca", outputs.Named("redis-ca"), "/redis",
			outputs.WithItems(outputs.Item{Key: "ca.crt", Path: "chain.pem"}), outputs.WithMode("0440"))

	defaults := outputs.NewModule("armonik").
		Env("Amqp__LinkCredit", "2").
		MountEmptyDir("shared", "/cache/shared", outputs.EmptyDir{Medium: "Memory"})
	user := outputs.Static("user", outputs.Outputs{Env: map[string]string{"Amqp__LinkCredit": "4"}})

	pod, err := outputs.MergePod("compute-plane-default", []outputs.ContainerLayers{
		{Name: "polling-agent", Layers: []outputs.Layer{
			outputs.DefaultsLayer("defaults", defaults),
			outputs.ModulesLayer("core", redis),
			outputs.OverrideLayer("override", user),
		}},
		{Name: "worker-0", Layers: []outputs.Layer{
			outputs.DefaultsLayer("defaults", defaults),
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(outputs.Explain(pod))
	// Output:
	// pod compute-plane-default
	//
	// container polling-agent
	//   ENV                 SOURCE                                                       LAYER     MODULE   NOTE
	//   Amqp__LinkCredit    "4"                                                          override  user     replaces default armonik (defaults)
	//   Redis__CaPath       "/redis/chain.pem"                                           core      redis
	//   Redis__Password     envFrom secret:redis-creds                                   core      redis
	//   Redis__Ssl          "true"                                                       core      redis
	//   Redis__User         envFrom secret:redis-creds                                   core      redis
	//   ENV FROM            KEYS                                                         LAYER     MODULE   NOTE
	//   secret:redis-creds  Redis__Password,Redis__User                                  core      redis
	//   MOUNT               VOLUME                                                       LAYER     MODULE   NOTE
	//   /cache/shared       shared = empty_dir medium=Memory                             defaults  armonik
	//   /redis (ro)         redis-ca = secret:redis-ca mode=0440 items=ca.crt>chain.pem  core      redis
	//
	// container worker-0
	//   ENV               SOURCE                            LAYER     MODULE   NOTE
	//   Amqp__LinkCredit  "2"                               defaults  armonik
	//   MOUNT             VOLUME                            LAYER     MODULE   NOTE
	//   /cache/shared     shared = empty_dir medium=Memory  defaults  armonik
	//
	// volumes
	//   VOLUME    SOURCE                                            USED BY
	//   redis-ca  secret:redis-ca mode=0440 items=ca.crt>chain.pem  polling-agent (redis)
	//   shared    empty_dir medium=Memory                           polling-agent (armonik), worker-0 (armonik)
}
