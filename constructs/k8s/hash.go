package k8s

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
)

// ConfigHashAnnotation is the pod-template annotation holding the configuration hash.
const ConfigHashAnnotation = "armonik.aneo.fr/config-hash"

// dataRefs maps the name reference of every Secret and ConfigMap created through this package
// to a reference to its data. Tokens are unique within a process, so one map serves every stack.
var (
	dataMu   sync.Mutex
	dataRefs = map[string]interface{}{}
)

func registerData(nameRef string, data interface{}) {
	dataMu.Lock()
	defer dataMu.Unlock()
	dataRefs[nameRef] = data
}

// ConfigHash returns a Terraform expression for a pod-template annotation that changes when
// the pod's configuration changes, so Kubernetes rolls the pods:
//
//	nonsensitive(sha256(jsonencode({static = "<sha256 of static>", data = [<data of each referenced object>]})))
//
// static is the rendered configuration known at synth time (env values, references, mounts),
// hashed here. refs are the name references of the Secrets and ConfigMaps the pod uses; those
// created through this package contribute their data, evaluated by Terraform at plan time
// (a random password, a module's certificate), others (existing objects given by name) only
// their name, through static. The value depends on nothing else, so adding an unrelated
// resource to the stack leaves it unchanged. nonsensitive is right here: a SHA-256 of secret
// data reveals nothing usable, and without it Terraform would hide the whole annotation.
func ConfigHash(static interface{}, refs []string) (string, error) {
	raw, err := json.Marshal(static)
	if err != nil {
		return "", err
	}
	// Token strings are numbered in creation order: hashing one would make the value change
	// when an unrelated resource is added before it.
	if bytes.Contains(raw, []byte("${TfToken[")) {
		return "", errors.New("config hash: the static part contains a Terraform token; pass display names, and the objects' name references in refs")
	}
	sum := sha256.Sum256(raw)
	staticHash := hex.EncodeToString(sum[:])
	dataMu.Lock()
	var data []interface{}
	seen := map[string]bool{}
	for _, r := range refs {
		if d, ok := dataRefs[r]; ok && !seen[r] {
			data = append(data, d)
			seen[r] = true
		}
	}
	dataMu.Unlock()
	if len(data) == 0 {
		return staticHash, nil
	}
	var out string
	err = cdk.Guard("config hash", func() error {
		v := cdktf.Fn_Nonsensitive(cdktf.Fn_Sha256(cdktf.Fn_Jsonencode(&map[string]interface{}{
			"static": staticHash,
			"data":   data,
		})))
		out = *cdktf.Token_AsString(v, nil)
		return nil
	})
	return out, err
}
