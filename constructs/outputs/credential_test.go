package outputs_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/internal/yamlconf"
)

// credentialCases are literals that look like credentials, by name or by
// value; why is a substring of the problem.
var credentialCases = []struct{ name, value, why string }{
	// By name.
	{"Redis__Password", "hunter2", `its name looks like a credential ("password")`},
	{"Db__Passwd", "Hunter2-x", `("passwd")`},
	{"Gpg__Passphrase", "correct horse", `("passphrase")`},
	{"MONGO_PWD", "Hunter2-x", `("pwd")`},
	{"DbPass", "Hunter2-x", `("pass")`},
	{"Db__Pass", "Hunter2-x", `("pass")`},
	{"Wifi__Psk", "Hunter2-x", `("psk")`},
	{"Oidc__ClientSecret", "Hunter2-x", `("secret")`},
	{"client_secret", "Hunter2-x", `("secret")`},
	{"API_TOKEN", "Hunter2-t", `("token")`},
	{"Auth__AuthToken", "Hunter2-t", `("token")`},
	{"MongoDB__ConnectionString", "mongodb://host/db", `("connectionstring")`},
	{"Db__ConnString", "Server=h", `("connstring")`},
	{"S3__AccessKeyId", "Hunter2-id", `("accesskey")`},
	{"Grafana__ApiKey", "Hunter2-k", `("apikey")`},
	{"grafana_api_key", "Hunter2-k", `("apikey")`},
	{"Tls__Private_Key", "Hunter2-k", `("privatekey")`},
	{"Jwt__SigningKey", "Hunter2-k", `("signingkey")`},
	{"Data__EncryptionKey", "Hunter2-k", `("encryptionkey")`},
	{"Azure__AccountKey", "Hunter2-k", `("accountkey")`},
	{"Gcp__Credentials", `{"type":"service_account"}`, `("credential")`},
	{"Hmac__HmacKey", "Hunter2-k", `("hmackey")`},
	{"PasswordFile", "hunter2", `("password")`}, // a path-like name without a path-like value
	// By value, whatever the name.
	{"Amqp__Url", "amqp://guest:guest@activemq:5672", "a password in a URI"},
	{"Redis__Url", "redis://:s3cret@redis:6379/0", "a password in a URI"},
	{"Mongo__Hosts", "mongodb://admin:pw@h1:27017,h2:27017/armonik?tls=true", "a password in a URI"},
	{"Endpoints", "http://a, https://u:p@b/x", "a password in a URI"},
	{"Sql__Conn", "Server=db;User Id=sa;Password=hunter2;", `a "Password=" parameter`},
	{"Pg__Dsn", "host=db user=armonik pwd=x", `a "pwd=" parameter`},
	{"Blob__Conn", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc==;EndpointSuffix=core.windows.net", `a "AccountKey=" parameter`},
	{"Bus__Conn", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey=abc=", `SharedAccessKey`},
	{"Blob__Sas", "https://a.blob.core.windows.net/c?sv=2020&sig=abcdef", `a "sig=" parameter`},
	{"S3__Presigned", "https://b.s3.amazonaws.com/k?X-Amz-Credential=x&X-Amz-Signature=abc", `parameter`},
	{"Redis__Options", "redis:6379,ssl=true,password=hunter2", `a "password=" parameter`},
	{"Tls__Key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----", "a private key"},
	{"Ssh__Key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----", "a private key"},
	{"Pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----", "a private key"},
	{"Putty", "PuTTY-User-Key-File-3: ssh-ed25519", "a private key"},
	{"Aws__Id", "AKIAIOSFODNN7EXAMPLE", "an AWS access key id"},
	{"S3__Login", "ASIAY34FZKBOKMUTVV7A", "an AWS access key id"},
	{"Note", "key=AKIAIOSFODNN7EXAMPLE;", "an AWS access key id"},
	{"Session", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "a JSON Web Token"},
	{"Gh", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "a GitHub token"},
	{"Gl", "glpat-abcdefghij0123456789", "a GitLab token"},
	{"Slack", "xoxb-1234567890-abcdef", "a Slack token"},
	{"Maps", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "a Google API key"},
	{"Pay", "sk_live_0123456789abcdef", "a Stripe secret key"},
	{"Llm", "sk-proj-0123456789abcdefghijklmnopqrstuv", "sk-..."},
	{"Http__Authorization", "Bearer abcdef0123456789", "an HTTP Bearer or Basic credential"},
	{"Http__Header", "Authorization: Basic dXNlcjpwYXNz", "an HTTP Bearer or Basic credential"},
}

// notCredentialCases must merge: neither their names nor their values are
// credentials.
var notCredentialCases = []struct{ name, value string }{
	{"Redis__Password", ""},                             // empty
	{"Redis__User", "armonik"},                          // user names are not credentials
	{"Amqp__User", "admin"},                             //
	{"S3__Login", "minio"},                              // nor is S3's login (its access key id)
	{"Auth__RequireToken", "true"},                      // booleans
	{"Secret__Enabled", "False"},                        //
	{"MongoDB__CredentialsPath", "/mongodb/creds.json"}, // Core's path to a credentials file
	{"Db__PasswordFile", "/run/secrets/db"},
	{"Tls__PrivateKeyPath", `C:\certs\tls.key`},
	{"PWD", "/app"},
	{"Amqp__LinkCredit", "2"},
	{"ComputePlane__MessageBatchSize", "1"},
	{"Serilog__MinimumLevel__Override__ArmoniK.Core.Common.Auth.Authentication.Authenticator", "Warning"},
	{"Serilog__MinimumLevel", "Information"},
	{"Authentication__RequireAuthentication", "true"},
	{"MongoDB__AuthSource", "admin"},
	{"PubSub__KmsKeyName", "projects/p/locations/l/keyRings/r/cryptoKeys/k"},
	{"Redis__EndpointUrl", "redis:6379"},
	{"S3__EndpointUrl", "http://minio:9000"},
	{"Mongo__Url", "mongodb://mongodb-0.mongodb:27017/database?tls=true&replicaSet=rs0"},
	{"Git__Url", "https://user@github.com/org/repo"}, // a user, no password
	{"Npm__Registry", "https://registry.example.com:443/@scope/pkg"},
	{"Amqp__Url", "amqp://activemq:5672"},
	{"Query", "https://api.example.com/search?q=x&page=2"},
	{"Image", "registry.example.com/armonik/core@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
	{"Digest", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	{"Jwt__Algorithm", "HS256"},
	{"Sentence", "a basic setup, bearer of news"},
	{"Task", "disk-0123456789abcdefghijklmnopqrstuvwxyz"}, // sk- inside a word
	{"Id", "XAKIAIOSFODNN7EXAMPLE"},                       // not a word
}

func TestCredentialLiteralsAreRejected(t *testing.T) {
	for _, tt := range credentialCases {
		t.Run(tt.name, func(t *testing.T) {
			probs := mergeProblems(t, one(outputs.ModulesLayer("core", outputs.NewModule("mod").Env(tt.name, tt.value))))
			require.Len(t, probs, 1, "%v", probs)
			requireProblem(t, probs, want{module: "mod", output: outputs.KindEnv, key: tt.name, msg: "looks like a credential but has a literal value"})
			p := probs[0]
			assert.Contains(t, p.Msg, tt.why)
			assert.Contains(t, p.Msg, "not_credentials", "the opt-out is named")
			assert.NotContains(t, p.Error(), tt.value, "the value is never shown")
		})
	}
}

func TestNotCredentialLiteralsAreAccepted(t *testing.T) {
	m := outputs.NewModule("mod")
	for _, tt := range notCredentialCases {
		m.Env(tt.name, tt.value)
	}
	pod := mustMerge(t, one(outputs.ModulesLayer("core", m)))
	text := outputs.Explain(pod)
	for _, tt := range notCredentialCases {
		if tt.value != "" {
			assert.Contains(t, text, `"`+strings.ReplaceAll(tt.value, `\`, `\\`)+`"`, "%s is shown", tt.name)
		}
	}
}

func TestNotCredentialsOptOut(t *testing.T) {
	t.Run("Go: Env with NotCredential", func(t *testing.T) {
		m := outputs.NewModule("mod").
			Env("Jwt__TokenLifetime", "30", outputs.NotCredential()).
			Env("Amqp__Url", "amqp://guest:guest@localhost:5672", outputs.NotCredential()).
			Env("Redis__Password", "hunter2")
		assert.Equal(t, []string{"Jwt__TokenLifetime", "Amqp__Url"}, m.Outputs().NotCredentials)
		probs := mergeProblems(t, one(outputs.ModulesLayer("core", m)))
		require.Len(t, probs, 1, "only the password that was not opted out: %v", probs)
		assert.Equal(t, "Redis__Password", probs[0].Key)
	})
	t.Run("the opt-out covers its own module only", func(t *testing.T) {
		probs := mergeProblems(t, one(
			outputs.DefaultsLayer("defaults", outputs.NewModule("armonik").Env("Jwt__TokenLifetime", "30", outputs.NotCredential())),
			outputs.OverrideLayer("override", outputs.NewModule("user").Env("Jwt__TokenLifetime", "60"))))
		require.Len(t, probs, 1)
		assert.Equal(t, "user", probs[0].Module)
	})
	t.Run("YAML: not_credentials", func(t *testing.T) {
		var o outputs.Outputs
		require.NoError(t, yamlconf.Decode([]byte(`
env:
  Jwt__TokenLifetime: "30"
  Amqp__Url: amqp://guest:guest@localhost:5672
not_credentials: [Jwt__TokenLifetime, Amqp__Url]
`), &o))
		assert.Equal(t, []string{"Jwt__TokenLifetime", "Amqp__Url"}, o.NotCredentials)
		pod := mustMerge(t, one(outputs.ModulesLayer("core", outputs.Static("config", o))))
		x := outputs.ExplainData(pod)
		values := map[string]string{}
		for _, e := range x.Containers[0].Env {
			values[e.Name] = e.Value
		}
		assert.Equal(t, "30", values["Jwt__TokenLifetime"], "an opted-out name is shown")
		assert.Equal(t, "<redacted>", values["Amqp__Url"], "a value that looks like a credential is never shown")
		assert.True(t, env(pod.Containers[0], "Jwt__TokenLifetime").NotCredential)
		assert.True(t, x.Containers[0].Env[1].NotCredential, "explain shows the opt-out to reviewers")
		assert.Regexp(t, `Jwt__TokenLifetime +"30" +core +config +declared not a credential\n`, outputs.Explain(pod))

		err := yamlconf.Decode([]byte("env: {A: x}\nnot_credential: [A]\n"), &o)
		require.Error(t, err, "the decoder is strict: a misspelt opt-out is not ignored")
		assert.Contains(t, err.Error(), "not_credential")
	})
	t.Run("JSON round trip", func(t *testing.T) {
		b, err := json.Marshal(outputs.Outputs{Env: map[string]string{"A": "1"}, NotCredentials: []string{"A"}})
		require.NoError(t, err)
		assert.JSONEq(t, `{"env":{"A":"1"},"not_credentials":["A"]}`, string(b))
	})
	t.Run("stale and repeated entries", func(t *testing.T) {
		probs := mergeProblems(t, one(outputs.ModulesLayer("core", outputs.Static("config", outputs.Outputs{
			Env:            map[string]string{"Jwt__TokenLifetime": "30"},
			NotCredentials: []string{"Jwt__TokenLifetime", "Gone", "Jwt__TokenLifetime"},
		}))))
		requireProblem(t, probs, want{module: "config", output: outputs.KindEnv, key: "Gone", msg: "not_credentials[1]: env of this module does not set it: remove it from not_credentials"})
		requireProblem(t, probs, want{key: "Jwt__TokenLifetime", msg: "not_credentials[2]: listed twice"})
		assert.Len(t, probs, 2)
		assert.Equal(t, "not_credentials[1]", probs[0].Field)
	})
	t.Run("Add keeps the opt-outs", func(t *testing.T) {
		o := outputs.Outputs{Env: map[string]string{"Jwt__TokenLifetime": "30"}, NotCredentials: []string{"Jwt__TokenLifetime"}}
		mustMerge(t, one(outputs.ModulesLayer("core", outputs.NewModule("m").Add(o))))
	})
}

func TestExplainRedactsCredentialValues(t *testing.T) {
	pod := &outputs.Pod{Name: "p", Containers: []outputs.Container{{Name: "c", Env: []outputs.EnvVar{
		{Name: "Amqp__Url", Value: "amqp://u:hunter2@mq"},
		{Name: "Tls__Key", Value: "-----BEGIN PRIVATE KEY-----", NotCredential: true},
		{Name: "Jwt__TokenLifetime", Value: "30", NotCredential: true},
		{Name: "Jwt__TokenAudience", Value: "armonik"},
	}}}}
	text := outputs.Explain(pod)
	assert.NotContains(t, text, "hunter2")
	assert.NotContains(t, text, "BEGIN")
	assert.Contains(t, text, `"30"`)
	assert.NotContains(t, text, "armonik\"", "a credential-looking name without opt-out stays redacted")
}
