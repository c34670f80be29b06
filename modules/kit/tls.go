package kit

import (
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
	"github.com/armonik-cdktf/armonik-cdktf/modules"
)

// CAMode is the file mode of the CA file in ArmoniK's containers: a CA certificate is public,
// and ArmoniK's containers run as users (1654, 5000) that own no file of the volume.
const CAMode = "0444"

// ServerTLSMode is the mode of the certificate files in a server container: readable by the
// pod's group (fsGroup), which is the server's group.
const ServerTLSMode = "0440"

// ValidateTLS records the problems of t (defaults applied); nothing is checked when TLS is off.
func ValidateTLS(e *Errors, t modules.TLS) {
	if !t.Enabled {
		return
	}
	if t.Secret == "" {
		e.Add("tls.secret", "required with tls.enabled: the Secret holding the server certificate, its key and the CA")
	} else if msgs := validation.IsDNS1123Subdomain(t.Secret); len(msgs) > 0 {
		e.Add("tls.secret", "%q: %s", t.Secret, msgs[0])
	}
	keys := map[string]string{}
	for _, k := range []struct{ field, value string }{{"tls.cert_key", t.CertKey}, {"tls.key_key", t.KeyKey}, {"tls.ca_key", t.CAKey}} {
		if msgs := validation.IsConfigMapKey(k.value); len(msgs) > 0 {
			e.Add(k.field, "%q: %s", k.value, msgs[0])
		} else if other, dup := keys[k.value]; dup {
			e.Add(k.field, "%q is also %s: the certificate, the key and the CA are three entries", k.value, other)
		}
		keys[k.value] = k.field
	}
	ValidateCAPath(e, "tls.ca_path", t.CAPath)
}

// CAMount gives ArmoniK the CA of t: the environment variable env (Amqp__CaPath...) set to
// CAPath, and a mount_secret called mount that projects only the CA key of the user's Secret to
// that file.
func CAMount(out *outputs.Module, env, mount string, t modules.TLS) *outputs.Module {
	return MountCA(out, env, mount, outputs.Named(t.Secret), t.CAKey, t.CAPath)
}

// MountCA sets the environment variable env to caPath and adds a mount_secret called mount that projects
// only the key of the Secret secret to the file caPath (mode CAMode), so that env points
// exactly at it.
func MountCA(out *outputs.Module, env, mount string, secret outputs.Ref, key, caPath string) *outputs.Module {
	dir, file := path.Split(caPath)
	return out.Env(env, caPath).MountSecret(mount, secret, strings.TrimSuffix(dir, "/"),
		outputs.WithItems(outputs.Item{Key: key, Path: file, Mode: CAMode}), outputs.WithMode(CAMode))
}

// ValidateCAPath records a problem unless caPath is an absolute, clean file path in a directory
// other than /.
func ValidateCAPath(e *Errors, field, caPath string) {
	dir, file := path.Split(caPath)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case !path.IsAbs(caPath) || path.Clean(caPath) != caPath:
		e.Add(field, "%q must be an absolute, clean file path such as /amqp/ca.pem", caPath)
	case dir == "" || file == "":
		e.Add(field, "%q must be a file in a directory other than / (the directory is mounted)", caPath)
	}
}

// TLSVolume is the server pod's volume of the user's Secret: the certificate, the key and the
// CA as tls.crt, tls.key and ca.crt, readable by the pod's group.
func TLSVolume(name string, t modules.TLS) k8s.Volume {
	return k8s.Volume{Name: name, Secret: &k8s.SecretVolume{
		Name: t.Secret, DefaultMode: ServerTLSMode,
		Items: []k8s.KeyToPath{
			{Key: t.CertKey, Path: modules.DefaultTLSCertKey},
			{Key: t.KeyKey, Path: modules.DefaultTLSKeyKey},
			{Key: t.CAKey, Path: modules.DefaultTLSCAKey},
		},
	}}
}

// TLSHashInputs are the TLS settings that go into a server's config hash: the stack does not
// create the Secret, so only its name and keys can roll the pods.
func TLSHashInputs(t modules.TLS) map[string]string {
	if !t.Enabled {
		return nil
	}
	return map[string]string{"tls.secret": t.Secret, "tls.cert_key": t.CertKey, "tls.key_key": t.KeyKey, "tls.ca_key": t.CAKey}
}
