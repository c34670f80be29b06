// Package stacks holds the complete stacks of the app. Each stack is a function that other Go
// code can call on its own cdktf app:
//
//	armonik-localhost  ArmoniK and its in-cluster backing services in one namespace (default)
//	armonik-external   ArmoniK on managed services
//	armonik-platform   cluster-wide prerequisites: KEDA (modules/keda); the ArmoniK stacks
//	                   selected with it depend on it, so the cdktf CLI deploys it first
//
// Stack names are stable: they name the folders under cdktf.out/stacks/ and the Terraform
// states (files, or keys under the shared backend of the state section: StateConfig), so
// renaming one is a migration.
//
// Every stack takes the same image settings (Images): a registry every pod pulls from and the
// pull Secrets every pod lists, applied where pods are rendered (k8s.ImagePolicy). ListImages
// prints what the stacks pull, for mirroring.
package stacks
