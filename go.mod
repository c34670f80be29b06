module github.com/armonik-cdktf/armonik-cdktf

go 1.26.8

require (
	github.com/stretchr/testify v1.12.1
	k8s.io/apimachinery v0.34.4
)

require (
	github.com/go-logr/logr v1.4.2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	k8s.io/klog/v2 v2.130.1 // indirect
	k8s.io/utils v0.0.0-20250604170112-4c0f3b243397 // indirect
)
