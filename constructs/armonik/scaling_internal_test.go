package armonik

import "testing"

func TestGraceDelayIsHalfTheGracePeriod(t *testing.T) {
	for grace, want := range map[int]string{0: "00:00:00", 30: "00:00:15", 31: "00:00:15", 3600: "00:30:00", 200000: "1.03:46:40"} {
		p := &Partition{TerminationGracePeriodSeconds: &grace}
		if got := graceDelay(p)["Pollster__GraceDelay"]; got != want {
			t.Errorf("grace %d: %s, want %s", grace, got, want)
		}
	}
}

func TestMetricNameReplacesDashes(t *testing.T) {
	// Core's exporter replaces every '-' of its output with '_' (ArmoniKMeter.cs).
	if got := metricName("gpu-large-2"); got != "armonik_gpu_large_2_tasks_queued" {
		t.Errorf("%s", got)
	}
}

// TestWaitsForAgentByRuntime: the preStop hook needs /bin/sh, which ArmoniK's dynamic and DLL
// worker images have; a custom image gets it only when asked; a TCP partition never.
func TestWaitsForAgentByRuntime(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		socket, runtime string
		wait            *bool
		want            bool
	}{
		{UnixDomainSocket, RuntimeDynamic, nil, true},
		{UnixDomainSocket, RuntimeDLL, nil, true},
		{UnixDomainSocket, RuntimeCustom, nil, false},
		{UnixDomainSocket, RuntimeCustom, &yes, true},
		{UnixDomainSocket, RuntimeDynamic, &no, false},
		{TCP, RuntimeDynamic, nil, false},
		{TCP, RuntimeCustom, &yes, false},
	} {
		p := &Partition{SocketType: tc.socket, Worker: Worker{Runtime: tc.runtime, WaitForAgent: tc.wait}}
		if got := waitsForAgent(p); got != tc.want {
			t.Errorf("socket %s, runtime %s, wait_for_agent %v: %v, want %v", tc.socket, tc.runtime, tc.wait, got, tc.want)
		}
	}
}
