package k8s

import "testing"

// TestLiteral checks the escaping against Terraform's template rules: "$${" renders "${" and
// "%%{" renders "%{"; a "$" or "%" not followed by "{" is left alone.
func TestLiteral(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"plain $HOME and 100%", "plain $HOME and 100%"},
		{"${activemq.data}/kahadb", "$${activemq.data}/kahadb"},
		{`echo "${A}" ${B}`, `echo "$${A}" $${B}`},
		{"%{ if x }y%{ endif }", "%%{ if x }y%%{ endif }"},
		{"$(REDIS_PASSWORD)", "$(REDIS_PASSWORD)"},
		{"$${already}", "$$${already}"},
	} {
		if got := Literal(c.in); got != c.want {
			t.Errorf("Literal(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
