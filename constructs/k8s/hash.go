package k8s

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
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
	// dataHashes memoizes the Terraform expression hashing the data of a set of references.
	dataHashes = map[string]string{}
)

func registerData(nameRef string, data interface{}) {
	dataMu.Lock()
	defer dataMu.Unlock()
	dataRefs[nameRef] = data
}

// ConfigHash returns the value of a pod-template annotation that changes when the pod's
// configuration changes, so Kubernetes rolls the pods:
//
//	<sha256 of static>                                                     when no ref is known here
//	<sha256 of static>-${nonsensitive(sha256(jsonencode([<data of each referenced object>])))}
//
// static is the rendered configuration known at synth time (env values, references by display
// name, mounts), hashed here. refs are the name references of the Secrets and ConfigMaps the
// pod uses; those created through this package contribute their data, hashed by Terraform at
// plan time (a generated password, a module's certificate); others (existing objects named by
// the user) contribute only their names, through static. The value depends on nothing else, so
// adding an unrelated resource to the stack leaves it unchanged. nonsensitive is right: a
// SHA-256 of secret data reveals nothing usable, and without it Terraform would hide the whole
// annotation in plans.
//
// The Terraform part is built once per distinct set of references (pods of many partitions
// share theirs), which keeps synthesis of large stacks fast.
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
	defer dataMu.Unlock()
	var data []interface{}
	var known []string
	seen := map[string]bool{}
	for _, r := range refs {
		if d, ok := dataRefs[r]; ok && !seen[r] {
			data = append(data, d)
			known = append(known, r)
			seen[r] = true
		}
	}
	if len(data) == 0 {
		return staticHash, nil
	}
	key := strings.Join(known, "\x00")
	dyn, ok := dataHashes[key]
	if !ok {
		err = cdk.Guard("config hash", func() error {
			dyn = *cdktf.Token_AsString(cdktf.Fn_Nonsensitive(cdktf.Fn_Sha256(cdktf.Fn_Jsonencode(&data))), nil)
			return nil
		})
		if err != nil {
			return "", err
		}
		dataHashes[key] = dyn
	}
	return staticHash + "-" + dyn, nil
}
