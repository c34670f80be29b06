package k8s

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// ConfigHashAnnotation is the pod-template annotation holding the configuration hash.
const ConfigHashAnnotation = "armonik.aneo.fr/config-hash"

// ConfigHasher computes config-hash annotations (ConfigHash). It builds the Terraform part once
// per distinct set of contents (pods of many partitions share theirs), which keeps synthesis of
// large stacks fast; the memo lives in the hasher, so nothing is shared between stacks or
// constructs. The zero value is ready to use; a hasher is not safe for concurrent use.
type ConfigHasher struct {
	memo map[string]string
}

// ConfigHash returns the value of a pod-template annotation that changes when the pod's
// configuration changes, so Kubernetes rolls the pods:
//
//	<sha256 of static>                                                         without contents
//	<sha256 of static>-${nonsensitive(sha256(join("", [<content of each object>])))}
//
// static is the rendered configuration known at synth time (env values, references by display
// name, mounts), hashed here. contents are the Content expressions of the Secrets and
// ConfigMaps the pod uses that the stack creates (Object.Content, outputs.Ref.Content: the
// JSON of their data), hashed by Terraform at plan time (a generated password, a module's
// certificate); objects that exist outside the stack contribute only their names, through
// static. The value depends on nothing else, so adding an unrelated resource to the stack
// leaves it unchanged. nonsensitive is right: a SHA-256 of secret data reveals nothing usable,
// and without it Terraform would hide the whole annotation in plans.
func (h *ConfigHasher) ConfigHash(static any, contents []string) (string, error) {
	raw, err := json.Marshal(static)
	if err != nil {
		return "", err
	}
	// Token strings are numbered in creation order: hashing one would make the value change
	// when an unrelated resource is added before it.
	if bytes.Contains(raw, []byte("${TfToken[")) {
		return "", errors.New("config hash: the static part contains a Terraform token; pass display names, and the objects' contents in contents")
	}
	sum := sha256.Sum256(raw)
	staticHash := hex.EncodeToString(sum[:])
	var known []string
	for _, c := range contents {
		if c != "" && !slices.Contains(known, c) {
			known = append(known, c)
		}
	}
	if len(known) == 0 {
		return staticHash, nil
	}
	key := strings.Join(known, "\x00")
	dyn, ok := h.memo[key]
	if !ok {
		err = cdk.Guard("config hash", func() error {
			parts := make([]*string, len(known))
			for i, c := range known {
				parts[i] = jsii.String(c)
			}
			dyn = *cdktf.Token_AsString(cdktf.Fn_Nonsensitive(cdktf.Fn_Sha256(cdktf.Fn_Join(jsii.String(""), &parts))), nil)
			return nil
		})
		if err != nil {
			return "", err
		}
		if h.memo == nil {
			h.memo = map[string]string{}
		}
		h.memo[key] = dyn
	}
	return staticHash + "-" + dyn, nil
}

// ConfigHash is ConfigHasher.ConfigHash with a hasher of its own (no memo).
func ConfigHash(static any, contents []string) (string, error) {
	var h ConfigHasher
	return h.ConfigHash(static, contents)
}

// Contents returns the Content of each object (those created by this package that have one).
func Contents(objs ...*Object) []string {
	var out []string
	for _, o := range objs {
		if o != nil && o.Content != "" {
			out = append(out, o.Content)
		}
	}
	return out
}

// content is the Content of a Secret or ConfigMap: the JSON of its data, as a Terraform
// expression.
func content(data any) string {
	return *cdktf.Fn_Jsonencode(data)
}
