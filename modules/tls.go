package modules

// TLS serves an in-cluster module over TLS with a certificate the user provides, and gives
// ArmoniK's containers the CA that signed it. It is off by default: inside the namespace the
// module's NetworkPolicy already limits who can connect.
//
// The Secret is read, never created: make it with cert-manager (a Certificate whose secretName
// it is, which writes tls.crt, tls.key and ca.crt), or by hand:
//
//	kubectl -n <namespace> create secret generic <secret> \
//	  --from-file=tls.crt=server.pem --from-file=tls.key=server-key.pem --from-file=ca.crt=ca.pem
//
// The certificate must name the DNS names clients use (each module's doc lists them), or
// ArmoniK must be told to skip the host check: allow_insecure_tls on the AMQP modules
// (Amqp__AllowInsecureTls: Core 0.37.2's AMQP adapter ignores Amqp__AllowHostMismatch),
// Redis__SslHost or MongoDB__AllowInsecureTls through an override. ArmoniK receives only the CA, through a
// mount_secret that projects the CA key alone, world-readable (0444: a CA certificate is
// public), at the directory of CAPath; the module's CA key (Amqp__CaPath, MongoDB__CAFile,
// Redis__CaPath) holds CAPath itself. Servers do not reload a renewed certificate: restart them
// (kubectl rollout restart) after a renewal; changing Secret or the key names rolls them.
type TLS struct {
	// Enabled serves the module over TLS only (default false).
	Enabled bool `json:"enabled,omitempty" yaml:"enabled,omitempty"`
	// Secret is an existing Secret of the module's namespace holding the server certificate,
	// its private key and the CA certificate, in PEM (required when Enabled).
	Secret string `json:"secret,omitempty" yaml:"secret,omitempty"`
	// CertKey is the Secret key of the server certificate (default "tls.crt"); it may hold the
	// chain, leaf first.
	CertKey string `json:"cert_key,omitempty" yaml:"cert_key,omitempty"`
	// KeyKey is the Secret key of the server's private key (default "tls.key").
	KeyKey string `json:"key_key,omitempty" yaml:"key_key,omitempty"`
	// CAKey is the Secret key of the CA certificate (default "ca.crt").
	CAKey string `json:"ca_key,omitempty" yaml:"ca_key,omitempty"`
	// CAPath is the file where ArmoniK's containers read the CA (each module documents its
	// default, upstream's path); its directory is mounted, so pick one nothing else uses.
	CAPath string `json:"ca_path,omitempty" yaml:"ca_path,omitempty"`
}

// Default Secret keys of TLS.
const (
	DefaultTLSCertKey = "tls.crt"
	DefaultTLSKeyKey  = "tls.key"
	DefaultTLSCAKey   = "ca.crt"
)

// WithDefaults returns t with every unset key name set to its default, and CAPath to caPath
// when unset.
func (t TLS) WithDefaults(caPath string) TLS {
	if t.CertKey == "" {
		t.CertKey = DefaultTLSCertKey
	}
	if t.KeyKey == "" {
		t.KeyKey = DefaultTLSKeyKey
	}
	if t.CAKey == "" {
		t.CAKey = DefaultTLSCAKey
	}
	if t.CAPath == "" {
		t.CAPath = caPath
	}
	return t
}
