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
