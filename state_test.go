package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/synthtest"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

// TestStateBackends pins the terraform.backend block each kind of state synthesizes, on the
// small armonik-platform stack (TestProductionExample checks the keys of two stacks).
func TestStateBackends(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      map[string]string // stack -> terraform.backend as JSON
	}{
		{"s3", `state:
  s3: {bucket: corp-tfstate, key_prefix: armonik/prod, region: eu-west-3, kms_key_id: alias/tfstate, role_arn: "arn:aws:iam::123456789012:role/terraform"}
`, map[string]string{
			stacks.PlatformName: `{"s3":{"assume_role":{"role_arn":"arn:aws:iam::123456789012:role/terraform"},"bucket":"corp-tfstate","key":"armonik/prod/armonik-platform.tfstate","kms_key_id":"alias/tfstate","region":"eu-west-3","use_lockfile":true}}`,
		}},
		{"s3-compatible", `state:
  s3: {bucket: tfstate, key_prefix: armonik, endpoint: "https://minio.corp:9000", region: us-east-1, skip_s3_checksum: true}
`, map[string]string{
			stacks.PlatformName: `{"s3":{"bucket":"tfstate","endpoints":{"s3":"https://minio.corp:9000"},"key":"armonik/armonik-platform.tfstate","region":"us-east-1","skip_credentials_validation":true,"skip_region_validation":true,"skip_requesting_account_id":true,"skip_s3_checksum":true,"use_lockfile":true,"use_path_style":true}}`,
		}},
		{"s3-dynamodb", `state:
  s3: {bucket: corp-tfstate, key_prefix: armonik/prod, dynamodb_table: tf-locks, encrypt: true}
`, map[string]string{
			stacks.PlatformName: `{"s3":{"bucket":"corp-tfstate","dynamodb_table":"tf-locks","encrypt":true,"key":"armonik/prod/armonik-platform.tfstate"}}`,
		}},
		{"gcs", `state:
  gcs: {bucket: corp-tfstate, prefix: armonik/prod, impersonate_service_account: terraform@corp.iam.gserviceaccount.com, storage_custom_endpoint: "https://storage-corp.p.googleapis.com/storage/v1/"}
`, map[string]string{
			stacks.PlatformName: `{"gcs":{"bucket":"corp-tfstate","impersonate_service_account":"terraform@corp.iam.gserviceaccount.com","prefix":"armonik/prod/armonik-platform","storage_custom_endpoint":"https://storage-corp.p.googleapis.com/storage/v1/"}}`,
		}},
		{"kubernetes", `state:
  kubernetes: {namespace: terraform-state, secret_suffix: prod, labels: {team: hpc}, config_context: admin}
`, map[string]string{
			stacks.PlatformName: `{"kubernetes":{"config_context":"admin","labels":{"team":"hpc"},"namespace":"terraform-state","secret_suffix":"prod-armonik-platform"}}`,
		}},
		{"kubernetes-defaults", "state:\n  kubernetes: {}\n", map[string]string{
			stacks.PlatformName: `{"kubernetes":{"namespace":"default","secret_suffix":"armonik-platform"}}`,
		}},
		{"local", "state:\n  local: {dir: /var/lib/armonik-state}\n", map[string]string{
			stacks.PlatformName: `{"local":{"path":"/var/lib/armonik-state/armonik-platform.tfstate"}}`,
		}},
		{"state_file", "platform:\n  state_file: /srv/platform.tfstate\n", map[string]string{
			stacks.PlatformName: `{"local":{"path":"/srv/platform.tfstate"}}`,
		}},
		{"default", "", map[string]string{
			stacks.PlatformName: `null`, // CDKTF's default, added at synth: terraform.armonik-platform.tfstate
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := stacks.Parse([]byte("stacks: [armonik-platform]\n" + tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			built, err := stacks.Build(cdk.NewTestApp(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range built {
				want, ok := tc.want[b.Name]
				if !ok {
					continue
				}
				_, out := synthtest.Synth(t, b.Stack)
				if got := synthtest.String(synthtest.Get(out, "terraform.backend")); got != want {
					t.Errorf("%s: terraform.backend\n got %s\nwant %s", b.Name, got, want)
				}
			}
		})
	}
}

// TestStateInWrittenStacks: `go run .` writes the stack's backend into its cdk.tf.json (the
// file Terraform reads), and only it: the kubernetes backend, which CDKTF 0.21 lacks, is a
// backend to CDKTF too, so it adds no default local backend beside it.
func TestStateInWrittenStacks(t *testing.T) {
	// The jsii runtime writes relative to its own working directory: an absolute outdir.
	out := t.TempDir()
	defer func(saved string) { outdir = saved }(outdir)
	outdir = out
	code, _, stderr, _ := runIn(t, "stacks: [armonik-platform]\nstate:\n  kubernetes: {namespace: terraform-state}\n")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, stack := range []string{stacks.PlatformName} {
		raw, err := os.ReadFile(filepath.Join(out, "stacks", stack, "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		backend := synthtest.Get(doc, "terraform.backend")
		if got := synthtest.Get(backend, "kubernetes.secret_suffix"); got != stack {
			t.Errorf("%s: backend %s", stack, synthtest.String(backend))
		}
		if n := len(backend.(map[string]any)); n != 1 {
			t.Errorf("%s: %d backends: %s", stack, n, synthtest.String(backend))
		}
	}
}
