package kit

import (
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// ValidateHost records a problem unless host is a DNS name or an IP address.
func ValidateHost(e *Errors, key, host string) {
	switch {
	case host == "":
		e.Add(key, "required")
	case net.ParseIP(host) != nil:
	default:
		if msgs := validation.IsDNS1123Subdomain(host); len(msgs) > 0 {
			e.Add(key, "%q is neither a DNS name nor an IP address", host)
		}
	}
}

// ValidatePort records a problem unless port is in 1-65535.
func ValidatePort(e *Errors, key string, port int) {
	if port < 1 || port > 65535 {
		e.Add(key, "%d is not in 1-65535", port)
	}
}

// ValidateHTTPSURL records a problem unless u is an absolute http(s) URL with a host.
func ValidateHTTPSURL(e *Errors, key, u string) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		e.Add(key, "%q must be an absolute https:// URL", u)
	}
}

var awsRegion = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// ValidateAWSRegion records a problem unless region looks like an AWS region (eu-west-3).
func ValidateAWSRegion(e *Errors, key, region string) {
	if !awsRegion.MatchString(region) {
		e.Add(key, "%q is not an AWS region such as eu-west-3", region)
	}
}

// ValidateSecretKey records a problem unless key is a valid Secret key.
func ValidateSecretKey(e *Errors, field, key string) {
	if msgs := validation.IsConfigMapKey(key); len(msgs) > 0 {
		e.Add(field, "%q: %s", key, msgs[0])
	}
}

// ValidateSecretName records a problem unless name is a valid Secret name.
func ValidateSecretName(e *Errors, field, name string) {
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		e.Add(field, "%q: %s", name, msgs[0])
	}
}

// ValidateOneOf records a problem unless v is one of allowed.
func ValidateOneOf(e *Errors, key, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		e.Add(key, "%q must be one of %s", v, strings.Join(allowed, ", "))
	}
}

// ValidateRedisNames records the problems of the Redis module settings instance_name,
// Redis__InstanceName (the key prefix), and client_name, Redis__ClientName (CLIENT SETNAME).
func ValidateRedisNames(e *Errors, instanceName, clientName string) {
	if strings.TrimSpace(instanceName) == "" {
		e.Add("instance_name", "required")
	}
	if strings.TrimSpace(clientName) == "" || strings.ContainsAny(clientName, " \t\n") {
		e.Add("client_name", "%q must be non-empty without spaces (Redis CLIENT SETNAME)", clientName)
	}
}

// HostPort joins a host and a port (brackets around an IPv6 address).
func HostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
