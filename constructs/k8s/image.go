package k8s

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// ValidateImage checks a container image reference with the grammar container runtimes and
// Kubernetes use (github.com/distribution/reference, as containerd and the kubelet do):
// [registry[:port]/]repository[:tag][@digest], lower-case repository, no spaces. It returns
// nil or an error saying what is wrong.
func ValidateImage(image string) error {
	switch {
	case image == "":
		return fmt.Errorf("required")
	case strings.TrimSpace(image) != image:
		return fmt.Errorf("%q has leading or trailing spaces", image)
	}
	if _, err := reference.ParseNormalizedNamed(image); err != nil {
		return fmt.Errorf("%q is not an image reference ([registry/]repository[:tag][@sha256:digest], lower-case): %v", image, err)
	}
	return nil
}

// ImageRef joins a repository and a tag ("repository:tag"; the repository alone without a tag
// or when it is pinned by digest).
func ImageRef(repository, tag string) string {
	if tag == "" || strings.Contains(repository, "@") {
		return repository
	}
	return repository + ":" + tag
}
