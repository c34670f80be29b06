package outputs

import "strings"

// Ref names a ConfigMap, a Secret or a PersistentVolumeClaim.
//
// Name is the display name: it is validated as a DNS-1123 subdomain and shown
// in errors and explain output. Token is an optional Terraform expression,
// such as "${kubernetes_secret_v1.redis.metadata[0].name}" or a CDKTF token
// string, that the renderer emits instead of Name so that Terraform creates
// the object before the pod. A Token is never validated, shown or hashed.
//
// The identity of a Ref is its kind (ConfigMap, Secret or claim), its Name
// and its Token. Within one pod, refs of one kind and one name must denote one
// object: two different non-empty Tokens under one name are an error naming
// both modules, whether the refs are used by envFrom, key selectors or
// volumes, in one container or several. A Ref without a Token means "the
// object of that name in the pod's namespace", which is the same object as a
// Ref of that name with a Token; when such refs are deduplicated (one envFrom
// source, one volume), the Token is kept.
//
// A Name that is itself a Terraform expression ("${...}", a CDKTF token
// string) is an error: build the Ref with Named(name).WithToken(token).
//
// Content, when set, is an opaque Terraform expression whose value changes with the object's
// content (the renderer hashes it into the pod's config-hash annotation, so the pods roll when
// a Secret they read changes). Like Token, it is never validated, shown or compared; it is not
// part of the identity.
//
// In JSON and YAML a Ref is just its name string; a Token only exists in Go.
type Ref struct {
	Name    string
	Token   string
	Content string
}

// Named returns a Ref to the object called name, without a Terraform token.
// name must be the object's name as configured, never a Terraform token: for
// an object the stack creates, use Named(name).WithToken(token).
func Named(name string) Ref { return Ref{Name: name} }

// WithToken returns a copy of r that renders as the Terraform expression tok.
func (r Ref) WithToken(tok string) Ref {
	r.Token = tok
	return r
}

// WithContent returns a copy of r whose content is the Terraform expression c (see Content).
func (r Ref) WithContent(c string) Ref {
	r.Content = c
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

// orToken returns r, taking other's Token when r has none. It is only called
// on refs of one name, whose Tokens MergePod has checked to agree.
func (r Ref) orToken(other Ref) Ref {
	if r.Token == "" {
		r.Token = other.Token
	}
	if r.Content == "" {
		r.Content = other.Content
	}
	return r
}

// isExpression reports whether s holds a Terraform expression or a CDKTF
// token string ("${...}", "%{...}", "${TfToken[TOKEN.12]}", "#{TfToken[...]}"),
// which is not a name: it cannot be validated, shown or compared.
func isExpression(s string) bool {
	if !strings.ContainsAny(s, "{[") {
		return false
	}
	return strings.Contains(s, "${") || strings.Contains(s, "%{") || strings.Contains(s, "#{") || strings.Contains(s, "TfToken[")
}
