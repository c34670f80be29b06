package outputs

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// A literal env value sits in plain text in the pod spec, the Terraform plan
// and the state, so MergePod rejects a literal that looks like a credential,
// by its name or by its value. The rule is meant to catch mistakes and
// pasted secrets with few false alarms; it is not a secret scanner.
//
// By name: the name, lower-cased with every character outside [a-z0-9]
// removed, contains one of credentialNameParts (Redis__Password,
// S3Storage__SecretAccessKey, API_TOKEN, Db__Passphrase, Jwt__SigningKey,
// client_secret, Azure__AccountKey, Grafana__ApiKey...), or one of its words
// is one of credentialNameWords (Db__Pass, MONGO_PWD). Not credentials by
// name: an empty value; "true" and "false"; a path-like value ("/" or "\" in
// it) under a name whose last word is path, file, filename, dir, directory or
// folder (Core's MongoDB__CredentialsPath, Db__PasswordFile); the shell's PWD
// and OLDPWD. User names (Redis__User, Amqp__User, S3__Login) are not
// credentials: a user name alone grants nothing, and modules often set it
// literally; their values are still checked.
//
// By value, whatever the name: a password in a URI (scheme://user:pass@host,
// scheme://:pass@host), a key=value parameter whose key is a credential name
// or a signature (Password=..., pwd=..., AccountKey=..., sig=...,
// X-Amz-Signature=...: connection strings, SAS and presigned URLs), a PEM or
// PuTTY private key, an AWS access key id (AKIA..., ASIA...), a JSON Web
// Token, a token with a well-known prefix (GitHub ghp_/gho_/ghu_/ghs_/ghr_/
// github_pat_, GitLab glpat-, Slack xox?-, Google AIza, Stripe sk_live_/
// rk_live_, sk-...), an HTTP "Bearer ..." or "Basic ..." credential. A URL
// without a password (http://minio:9000, mongodb://host:27017/db) is fine.
// Random-looking strings without a known shape (an AWS secret access key, a
// hex digest) are not detected by value: they are too often legitimate ids and
// digests; their names usually give them away.
//
// A module that sets a literal that is not a credential but looks like one
// lists its name in Outputs.NotCredentials (YAML: not_credentials), or sets
// it with Module.Env(name, value, NotCredential()). The opt-out is per module
// and per name; Explain keeps redacting values that look like credentials by
// their value even then.

// credentialNameParts are searched for in the normalized name.
var credentialNameParts = []string{
	"password", "passwd", "passphrase", "pwd",
	"secret", "token", "credential", "connectionstring", "connstring",
	"accesskey", "accountkey", "apikey", "authkey", "clientkey", "encryptionkey", "hmackey", "licensekey",
	"masterkey", "privatekey", "privkey", "sessionkey", "sharedkey", "signingkey",
}

// partsByFirst indexes credentialNameParts by their first byte.
var partsByFirst = func() (idx [256][]string) {
	for _, p := range credentialNameParts {
		idx[p[0]] = append(idx[p[0]], p)
	}
	return idx
}()

// credentialNameWords are compared with whole words of the name: "pass" is
// part of too many other words (Passive, Bypass, Compass).
var credentialNameWords = []string{"pass", "psk"}

// pathWords end the names of variables that hold a file's path.
var pathWords = []string{"path", "file", "filename", "dir", "directory", "folder"}

// signatureParams are query or connection-string parameters that carry a
// signature, which grants access like a password.
var signatureParams = []string{"sig", "signature", "x-amz-signature", "x-goog-signature"}

// credentialName returns the part of name that makes it look like a
// credential, or "" when it does not or when value is of a kind a credential
// cannot be (see above).
func credentialName(name, value string) string {
	if value == "" || strings.EqualFold(value, "true") || strings.EqualFold(value, "false") || name == "PWD" || name == "OLDPWD" {
		return ""
	}
	// This runs for every literal: the name is normalized on the stack, and
	// split into words only when a word decides.
	var buf [64]byte
	norm := buf[:0]
	for i := 0; i < len(name); i++ {
		if c := name[i]; isAlnum(c) {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			norm = append(norm, c)
		}
	}
	part := ""
	for i := 0; i < len(norm) && part == ""; i++ {
		for _, p := range partsByFirst[norm[i]] {
			if bytes.HasPrefix(norm[i:], []byte(p)) {
				part = p
				break
			}
		}
	}
	if part == "" && (bytes.Contains(norm, []byte("pass")) || bytes.Contains(norm, []byte("psk"))) {
		for _, w := range nameWords(name) {
			if slices.Contains(credentialNameWords, w) {
				part = w
				break
			}
		}
	}
	if part != "" && strings.ContainsAny(value, `/\`) {
		if words := nameWords(name); slices.Contains(pathWords, words[len(words)-1]) {
			return ""
		}
	}
	return part
}

// nameWords splits name into lower-case words at every character outside
// [A-Za-z0-9], between a lower-case letter or digit and an upper-case one,
// and before the last capital of a run followed by a lower-case letter:
// "S3Storage__SecretAccessKey" gives s3 storage secret access key,
// "DBPass" gives db pass.
func nameWords(name string) []string {
	var words []string
	start := -1
	lower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	upper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	flush := func(end int) {
		if start >= 0 && end > start {
			words = append(words, strings.ToLower(name[start:end]))
		}
		start = -1
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !lower(c) && !upper(c) && !digit(c) {
			flush(i)
			continue
		}
		if start >= 0 && upper(c) {
			prev := name[i-1]
			if lower(prev) || digit(prev) || (upper(prev) && i+1 < len(name) && lower(name[i+1])) {
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(name))
	return words
}

// credentialValue returns what makes value look like a credential, or "".
func credentialValue(value string) string {
	switch {
	case len(value) < 5:
		return "" // nothing below is that short ("pwd=x")
	case uriPassword(value):
		return "a password in a URI (scheme://user:password@host)"
	case strings.Contains(value, "-----BEGIN") && strings.Contains(value, "PRIVATE KEY"),
		strings.Contains(value, "PuTTY-User-Key-File-"):
		return "a private key"
	}
	if p := credentialParam(value); p != "" {
		return fmt.Sprintf("a %q parameter with a value", p+"=")
	}
	if hasAWSKeyID(value) {
		return "an AWS access key id"
	}
	if hasJWT(value) {
		return "a JSON Web Token"
	}
	if what := prefixedToken(value); what != "" {
		return what
	}
	if authorizationValue(value) {
		return "an HTTP Bearer or Basic credential"
	}
	return ""
}

// credentialReason says why the literal name=value looks like a credential,
// and whether its value does (the name alone may be declared not a
// credential; a value that looks like one is never shown). It returns "" for
// anything else.
func credentialReason(name, value string) (reason string, byValue bool) {
	if what := credentialValue(value); what != "" {
		return "its value looks like a credential (" + what + ")", true
	}
	if part := credentialName(name, value); part != "" {
		return fmt.Sprintf("its name looks like a credential (%q)", part), false
	}
	return "", false
}

// uriPassword reports whether value holds a URI whose user information has a
// non-empty password. The authority ends at the first '/', '?' or '#', which
// user information cannot contain unencoded.
func uriPassword(value string) bool {
	rest := value
	for {
		i := strings.Index(rest, "://")
		if i < 0 {
			return false
		}
		rest = rest[i+3:]
		auth := rest
		if end := strings.IndexAny(auth, "/?# \t\r\n\"'"); end >= 0 {
			auth = auth[:end]
		}
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			if c := strings.IndexByte(auth[:at], ':'); c >= 0 && c+1 < at {
				return true
			}
		}
	}
}

// credentialParam returns the key of the first key=value parameter of value
// (separated by ';', '&', '?', ',' or blanks, as in connection strings and
// query strings) whose key is a credential name or a signature and whose
// value is not empty.
func credentialParam(value string) string {
	if !strings.Contains(value, "=") {
		return ""
	}
	for _, seg := range strings.FieldsFunc(value, func(r rune) bool {
		return r == ';' || r == '&' || r == '?' || r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	}) {
		k, v, ok := strings.Cut(seg, "=")
		k, v = strings.TrimSpace(k), strings.Trim(v, ` "'`)
		if !ok || k == "" || v == "" {
			continue
		}
		if credentialName(k, v) != "" || slices.Contains(signatureParams, strings.ToLower(k)) {
			return k
		}
	}
	return ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isBase64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// startsWord reports whether value[i:] starts a word: i is 0 or follows a
// character other than a letter or a digit.
func startsWord(value string, i int) bool { return i == 0 || !isAlnum(value[i-1]) }

// hasAWSKeyID reports whether value holds an AWS access key id: AKIA (long
// term) or ASIA (temporary) and 16 capitals or digits, as a word.
func hasAWSKeyID(value string) bool {
	for i := 0; i+20 <= len(value); i++ {
		if (value[i] != 'A' || value[i+2] != 'I' || value[i+3] != 'A') || (value[i+1] != 'K' && value[i+1] != 'S') || !startsWord(value, i) {
			continue
		}
		ok := i+20 == len(value) || !isAlnum(value[i+20])
		for j := i + 4; ok && j < i+20; j++ {
			c := value[j]
			ok = c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		}
		if ok {
			return true
		}
	}
	return false
}

// hasJWT reports whether value holds a JSON Web Token: three dot-separated
// base64url segments, the first (the header, a JSON object) starting with
// "eyJ", the first two at least 10 characters long.
func hasJWT(value string) bool {
	for i := 0; ; {
		j := strings.Index(value[i:], "eyJ")
		if j < 0 {
			return false
		}
		i += j
		if i == 0 || !isBase64URL(value[i-1]) {
			segs, k := 0, i
			for segs < 3 {
				n := 0
				for k < len(value) && isBase64URL(value[k]) {
					k++
					n++
				}
				if segs < 2 && n < 10 {
					break
				}
				segs++
				if segs == 3 || k >= len(value) || value[k] != '.' {
					break
				}
				k++
			}
			if segs == 3 {
				return true
			}
		}
		i += 3
	}
}

// tokenPrefixes are the prefixes of well-known API tokens, with the least
// number of token characters that follow.
var tokenPrefixes = []struct {
	prefix string
	min    int
	what   string
}{
	{"ghp_", 30, "a GitHub token"}, {"gho_", 30, "a GitHub token"}, {"ghu_", 30, "a GitHub token"},
	{"ghs_", 30, "a GitHub token"}, {"ghr_", 30, "a GitHub token"}, {"github_pat_", 40, "a GitHub token"},
	{"glpat-", 20, "a GitLab token"},
	{"xoxb-", 10, "a Slack token"}, {"xoxp-", 10, "a Slack token"}, {"xoxa-", 10, "a Slack token"},
	{"xoxr-", 10, "a Slack token"}, {"xoxs-", 10, "a Slack token"},
	{"AIza", 35, "a Google API key"},
	{"sk_live_", 16, "a Stripe secret key"}, {"rk_live_", 16, "a Stripe secret key"},
	{"sk-", 32, "an API secret key (sk-...)"},
}

// prefixedToken returns what the first well-known token in value is, or "".
func prefixedToken(value string) string {
	for i := 0; i < len(value); i++ {
		if !startsWord(value, i) {
			continue
		}
		for _, t := range tokenPrefixes {
			if t.prefix[0] != value[i] || !strings.HasPrefix(value[i:], t.prefix) {
				continue
			}
			k := i + len(t.prefix)
			for k < len(value) && isBase64URL(value[k]) {
				k++
			}
			if k-i-len(t.prefix) >= t.min {
				return t.what
			}
		}
	}
	return ""
}

// authorizationValue reports whether value holds an HTTP credential:
// "Bearer " or "Basic " (any case) followed by at least 8 token characters.
func authorizationValue(value string) bool {
	if !strings.Contains(value, " ") {
		return false
	}
	for i := range len(value) {
		for _, scheme := range []string{"bearer ", "basic "} {
			if len(value)-i < len(scheme) || !strings.EqualFold(value[i:i+len(scheme)], scheme) || !startsWord(value, i) {
				continue
			}
			n := 0
			for k := i + len(scheme); k < len(value) && (isBase64URL(value[k]) || strings.IndexByte(".~+/=", value[k]) >= 0); k++ {
				n++
			}
			if n >= 8 {
				return true
			}
		}
	}
	return false
}
