package outputs

// CredentialReason exposes credentialReason to the tests of package
// outputs_test (the fuzz invariants).
var CredentialReason = credentialReason
