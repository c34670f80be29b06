package stacks

import (
	"errors"
	"strings"
	"testing"
)

// TestStateErrors: bad backend settings, credentials in the file, a state_file beside a shared
// backend, two stacks sharing one state and a state namespace the stacks delete are refused
// with messages naming the key (and, for credentials, the environment variable to set).
func TestStateErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"two backends", "state: {s3: {bucket: b}, gcs: {bucket: b}}\n", []string{"line 1: state: choose one of local, s3, gcs, kubernetes, not 2 (s3, gcs)"}},
		{"unknown backend", "state: {consul: {}}\n", []string{"line 1: state.consul: not available here (choose one of local, s3, gcs, kubernetes)"}},
		{"s3 credentials", "state:\n  s3:\n    bucket: corp-tfstate\n    key_prefix: armonik/prod\n    access_key: AKIAEXAMPLE\n    secret_key: x\n    token: y\n    sse_customer_key: z\n", []string{
			"line 5: state.s3.access_key: a credential never goes in the configuration file: set AWS_ACCESS_KEY_ID in the environment of Terraform (the s3 backend reads it)",
			"line 6: state.s3.secret_key: a credential never goes in the configuration file: set AWS_SECRET_ACCESS_KEY",
			"line 7: state.s3.token: a credential never goes in the configuration file: set AWS_SESSION_TOKEN",
			"line 8: state.s3.sse_customer_key: a credential never goes in the configuration file: set AWS_SSE_CUSTOMER_KEY",
		}},
		{"gcs credentials", "state:\n  gcs: {bucket: b1, prefix: p, credentials: /key.json, access_token: t, encryption_key: k}\n", []string{
			"state.gcs.credentials: a credential never goes in the configuration file: set GOOGLE_BACKEND_CREDENTIALS",
			"state.gcs.access_token: a credential never goes in the configuration file: set GOOGLE_OAUTH_ACCESS_TOKEN",
			"state.gcs.encryption_key: a credential never goes in the configuration file: set GOOGLE_ENCRYPTION_KEY",
		}},
		{"kubernetes credentials", "state:\n  kubernetes: {token: t, client_key: k, password: p}\n", []string{
			"state.kubernetes.token: a credential never goes in the configuration file: set KUBE_TOKEN",
			"state.kubernetes.client_key: a credential never goes in the configuration file: set KUBE_CLIENT_KEY_DATA",
			"state.kubernetes.password: a credential never goes in the configuration file: set KUBE_PASSWORD",
		}},
		{"something like a credential", "state:\n  s3: {bucket: b1, key_prefix: p, my_api_key: x}\n  \n", []string{
			"state.s3.my_api_key: looks like a credential, which never goes in the configuration file",
		}},
		{"plain typo", "state:\n  s3: {bucket: b1, key_prefx: p}\n", []string{"state.s3.key_prefx: unknown key (known keys: bucket, "}},
		{"s3 required", "state: {s3: {}}\n", []string{
			`state.s3.bucket: "" must be an S3 bucket name`,
			"state.s3.key_prefix: required: the path under which each stack's state is kept",
		}},
		{"s3 bad values", "state:\n  s3: {bucket: Corp_State, key_prefix: /armonik/prod/, endpoint: minio.corp:9000, kms_key_id: mykey, role_arn: admin, region: eu west}\n", []string{
			`state.s3.bucket: "Corp_State" must be an S3 bucket name`,
			`state.s3.key_prefix: "/armonik/prod/" must be path segments`,
			`state.s3.endpoint: "minio.corp:9000" must be an http:// or https:// URL`,
			`state.s3.kms_key_id: "mykey" must be a KMS key ID`,
			`state.s3.role_arn: "admin" must be an IAM role ARN`,
			`state.s3.region: "eu west" is not a region name`,
		}},
		{"two locks", "state:\n  s3: {bucket: b1, key_prefix: p, use_lockfile: true, dynamodb_table: locks}\n", []string{"state.s3.dynamodb_table: set either use_lockfile or dynamodb_table"}},
		{"gcs bad values", "state:\n  gcs: {bucket: B, prefix: \"a//b\", kms_encryption_key: k, impersonate_service_account: sa}\n", []string{
			`state.gcs.bucket: "B" must be a Cloud Storage bucket name`,
			`state.gcs.prefix: "a//b" must be path segments`,
			`state.gcs.kms_encryption_key: "k" must be projects/`,
			`state.gcs.impersonate_service_account: "sa" must be a service account's e-mail`,
		}},
		{"local relative", "state: {local: {dir: state}}\n", []string{`state.local.dir: "state" must be absolute`}},
		{"kubernetes bad values", "state:\n  kubernetes: {namespace: Default, secret_suffix: \"-x\", in_cluster_config: true, config_path: /k, host: 10.0.0.1}\n", []string{
			`state.kubernetes.namespace: "Default"`,
			`state.kubernetes.secret_suffix: "-x":`,
			"state.kubernetes.in_cluster_config: set it or config_path/config_context, not both",
			`state.kubernetes.host: "10.0.0.1" must be an http:// or https:// URL`,
		}},
		{"state in a namespace the stacks delete", "stacks: [armonik-platform, armonik-localhost]\nstate:\n  kubernetes: {namespace: keda}\n", []string{
			`state.kubernetes.namespace: "keda" is created by armonik-platform (platform.keda.namespace), whose destroy would delete the state`,
		}},
		{"state in the armonik namespace", "state:\n  kubernetes: {namespace: armonik}\n", []string{
			`state.kubernetes.namespace: "armonik" is created by armonik-localhost (localhost.namespace)`,
		}},
		{"state_file beside a backend", "state:\n  s3: {bucket: b1, key_prefix: p}\nlocalhost:\n  state_file: /tmp/x.tfstate\n", []string{
			"localhost.state_file: the state of every stack is set by state.s3: drop state_file",
		}},
		{"two stacks, one state file", "stacks: [armonik-platform, armonik-localhost]\nplatform:\n  state_file: ../../shared.tfstate\nlocalhost:\n  state_file: ../../shared.tfstate\n", []string{
			"localhost.state_file: armonik-localhost would share its state with armonik-platform (cdktf.out/shared.tfstate): give each stack its own file",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

// TestStateLocations: every stack gets its own key, derived from its name, with each backend.
func TestStateLocations(t *testing.T) {
	for doc, want := range map[string][]string{
		"state: {s3: {bucket: corp-tfstate, key_prefix: armonik/prod}}\n": {
			"s3  corp-tfstate/armonik/prod/armonik-localhost.tfstate", "s3  corp-tfstate/armonik/prod/armonik-external.tfstate", "s3  corp-tfstate/armonik/prod/armonik-platform.tfstate"},
		"state: {gcs: {bucket: corp-tfstate, prefix: armonik/prod}}\n": {
			"gcs  corp-tfstate/armonik/prod/armonik-localhost", "gcs  corp-tfstate/armonik/prod/armonik-external", "gcs  corp-tfstate/armonik/prod/armonik-platform"},
		"state: {kubernetes: {secret_suffix: prod}}\n": {
			"kubernetes    default/tfstate-default-prod-armonik-localhost", "kubernetes    default/tfstate-default-prod-armonik-external", "kubernetes    default/tfstate-default-prod-armonik-platform"},
		"state: {local: {dir: /var/lib/armonik}}\n": {
			"local /var/lib/armonik/armonik-localhost.tfstate", "local /var/lib/armonik/armonik-external.tfstate", "local /var/lib/armonik/armonik-platform.tfstate"},
		"": {"local terraform.armonik-localhost.tfstate", "local terraform.armonik-external.tfstate", "local terraform.armonik-platform.tfstate"},
	} {
		cfg, err := Parse([]byte("stacks: [armonik-localhost]\n" + doc))
		if err != nil {
			t.Fatal(err)
		}
		for i, stack := range []string{LocalhostName, ExternalName, PlatformName} {
			if got := cfg.State.location(stack, "").where; got != want[i] {
				t.Errorf("%s%s: %q, want %q", doc, stack, got, want[i])
			}
		}
	}
	if err := errors.Join((&Config{}).stateProblems()...); err != nil {
		t.Errorf("the default state: %v", err)
	}
}
