package outputs

// Ref names a ConfigMap, a Secret or a PersistentVolumeClaim.
//
// Name is the display name: it is validated as a DNS-1123 subdomain, shown in
// errors and explain output, and it is the identity used to deduplicate
// sources and volumes. Token is an optional Terraform expression, such as
// "${kubernetes_secret_v1.redis.metadata[0].name}", that the renderer emits
// instead of Name so that Terraform creates the object before the pod. A
// Token is never validated, compared or hashed.
//
// In JSON and YAML a Ref is just its name string; a Token only exists in Go.
type Ref struct {
	Name  string
	Token string
}

// Named returns a Ref to the object called name, without a Terraform token.
func Named(name string) Ref { return Ref{Name: name} }

// WithToken returns a copy of r that renders as the Terraform expression tok.
func (r Ref) WithToken(tok string) Ref {
	r.Token = tok
	return r
}

// Value is what a renderer writes: the Token when set, else the Name.
func (r Ref) Value() string {
	if r.Token != "" {
		return r.Token
	}
	return r.Name
}

// String returns the display name.
func (r Ref) String() string { return r.Name }

// MarshalText writes the display name; encoding/json and the YAML libraries
// use it, so a Ref appears as a plain string in configuration files.
func (r Ref) MarshalText() ([]byte, error) { return []byte(r.Name), nil }

// UnmarshalText reads a display name; the Token is left empty.
func (r *Ref) UnmarshalText(b []byte) error {
	*r = Ref{Name: string(b)}
	return nil
}

// orToken returns r, taking other's Token when r has none. Two Refs with the
// same Name denote one object; the first Token seen is kept.
func (r Ref) orToken(other Ref) Ref {
	if r.Token == "" {
		r.Token = other.Token
	}
	return r
}
