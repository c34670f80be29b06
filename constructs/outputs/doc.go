// Package outputs is the contract between modules and ArmoniK: the AEP 5
// "module outputs", typed, merged per container with provenance, validated
// all at once, and explained. It is pure Go (no jsii, no CDKTF).
//
// # The contract
//
// A module implements ModuleOutputs: a name and an Outputs value holding the
// nine AEP 5 kinds, all optional. Write one with the builder:
//
//	outputs.NewModule("redis").
//		Env("Redis__Ssl", "true").
//		EnvFromSecret("Redis__Password", outputs.Named("redis-creds").WithToken(tok), "password").
//		MountSecret("redis-ca", outputs.Named("redis-ca"), "/redis",
//			outputs.WithItems(outputs.Item{Key: "ca.crt", Path: "chain.pem"}), outputs.WithMode("0440"))
//
// or build an Outputs value (its JSON/YAML keys are the AEP names) and wrap it
// with Static. ConfigMaps, Secrets and claims are named by a Ref: a display
// name (validated, shown) plus an optional Terraform token used when
// rendering. Whole sources (env_configmap, env_secret) declare the keys they
// are known to hold: declared keys take part in conflict checks exactly like
// env names, undeclared ones cannot be checked.
//
// # References
//
// Within a pod, a kind (ConfigMap, Secret, claim) and a name denote one
// object. Two refs of one kind and one name with different Tokens are two
// Terraform objects the pod could not tell apart (Kubernetes looks objects up
// by name): that is an error naming both modules, wherever the refs are used
// (envFrom, key selectors, volumes; one container or several; items later
// replaced included). A ref without a Token means the object of that name and
// matches a ref with a Token. A Name holding a Terraform expression
// (Named("${TfToken[TOKEN.12]}")) is an error asking for
// Named(name).WithToken(token); it is never validated or compared as a name.
//
// # Credentials
//
// Never put a credential in env. A literal whose name looks like a credential
// (password, passwd, passphrase, pwd, pass, psk, secret, token, credential,
// connection string, access, account, API, auth, client, encryption, HMAC,
// license, master, private, session, shared or signing key) or whose value
// does (a password in a URI, a Password=/AccountKey=/sig= parameter, a
// private key, an AWS access key id, a JSON Web Token, a GitHub, GitLab,
// Slack, Google, Stripe or sk- token, a Bearer or Basic credential) is an
// error; the message never shows the value. User names (Redis__User,
// S3__Login), booleans and file paths under *Path/*File names are not
// credentials. A module that really means a literal lists its name in
// Outputs.NotCredentials (YAML: not_credentials: [NAME]) or writes
// Module.Env(name, value, NotCredential()). docs/contract.md lists the rules.
//
// mount_volume (AEP: "ToBeDefined") is {path, subpath, read_only} plus exactly
// one of empty_dir{medium, size_limit}, host_path{path, type},
// nfs{server, path, read_only} and csi{driver, read_only, attributes}.
// mount_volume_claim is {claim, path, subpath, read_only}. ConfigMap and
// Secret mounts are always read-only; their items and subpath are honoured.
//
// # Precedence and merge rules
//
// Each container has an ordered list of layers, lowest first; a layer lists
// modules in order. The names a container receives are the keys of env,
// env_from_configmap and env_from_secret plus the declared keys (with prefix)
// of env_configmap and env_secret. For one name, or one mount path:
//
//   - A defaults layer item (LayerDefaults) is replaced by any later layer;
//     the replaced item is dropped and the winner records it.
//   - A modules layer (LayerModules, the zero Kind) never replaces: a name set
//     by two modules, by env and env_from_* of one module, by one module listed
//     in two layers, or declared by two different whole sources, is an error
//     naming both modules, their layers, the name and the container. So is a
//     mount path used twice.
//   - An override layer (LayerOverride) replaces anything, on purpose, and the
//     winner records it. Two modules of the same override layer still conflict.
//   - The same whole source (same kind, Ref name and prefix) listed again is
//     deduplicated, never a conflict; envFrom keeps first-listing order (layer,
//     then module, ConfigMaps before Secrets within a module), except that a
//     source whose declared key replaced another source's is moved after it,
//     since in Kubernetes the last envFrom source wins. Explicit env always
//     beats envFrom in Kubernetes, which is why replaced items are dropped.
//
// Each mount gets the pod volume VolumeName(mount name): the name itself if it
// is a DNS-1123 label, else a sanitized form plus a short hash. Within a pod,
// identical definitions under one volume name (Refs compared by name) are one
// volume shared by every mount; different definitions are an error naming both.
//
// # Validation and output
//
// MergePod checks everything (env names with validation.IsEnvVarName, Ref names
// as DNS-1123 subdomains, keys, absolute clean mount paths, relative sub and
// item paths without "..", octal modes such as "0644", exactly one volume
// source and its fields, literals that look like credentials, one object per
// name) and returns every problem at once with errors.Join; each is a *Problem
// naming pod, container, layer, module and key, with the field at fault as a
// field path (items[0].mode) and what to do (see Problems). It never panics.
// The result and the report are deterministic, whatever the order in which
// maps are iterated: env sorted by name, mounts by path, volumes by name,
// problems in container, module and key order. Explain renders it as text
// tables and ExplainData as data, with references only, never secret values.
package outputs
