package k8s

import "strings"

// Literal escapes the Terraform template sequences "${" and "%{" in s, so that s reaches
// Kubernetes verbatim. Terraform evaluates every string of the synthesized JSON as a template:
// a shell script, a Spring XML file or a JavaScript file holding "${x}" would otherwise be read
// as a Terraform expression and fail (or worse, be evaluated) at plan time.
//
// Use it on literal text only, never on a string that holds references (Object.Name,
// GeneratedSecret.Values...), whose own "${" would be escaped too. To build a value from text
// and references, escape the text and concatenate:
//
//	k8s.Literal(prefix) + secret.Values["password"] + k8s.Literal(suffix)
//
// Escaping is idempotent in the sense that Terraform renders Literal(s) as s for every s,
// including one that already holds "$${".
func Literal(s string) string {
	s = strings.ReplaceAll(s, "${", "$${")
	return strings.ReplaceAll(s, "%{", "%%{")
}
