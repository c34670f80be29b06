package main

import (
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/internal/golden"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

// TestLocalhostGolden pins the synthesized armonik-localhost stack.
func TestLocalhostGolden(t *testing.T) {
	app := cdk.NewTestApp()
	st, err := stacks.NewLocalhost(app, stacks.DefaultLocalhost())
	if err != nil {
		t.Fatal(err)
	}
	out, err := cdk.SynthJSON(st.Stack)
	if err != nil {
		t.Fatal(err)
	}
	golden.JSON(t, stacks.LocalhostName, out)
}
