// Command synthbench measures whole-process synthesis: the wall time and peak memory (the Go
// process and its node children) of a built binary synthesizing a stack, median of several
// runs, against the floor of a one-resource stack. Used by scripts/bench-synth.sh.
//
//	synthbench synth -case floor|default|partitions-N -outdir DIR   synthesize one case
//	synthbench measure -runs 5                                      run every case, print a table
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/internal/cdk"
	"github.com/armonik-cdktf/armonik-cdktf/stacks"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: synthbench synth|measure [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "synth":
		fs := flag.NewFlagSet("synth", flag.ExitOnError)
		c := fs.String("case", "default", "floor, default or partitions-N")
		out := fs.String("outdir", "", "output directory")
		fs.Parse(os.Args[2:])
		if err := synth(*c, *out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "measure":
		fs := flag.NewFlagSet("measure", flag.ExitOnError)
		runs := fs.Int("runs", 5, "runs per case")
		cases := fs.String("cases", "floor,default,partitions-10,partitions-100", "cases")
		fs.Parse(os.Args[2:])
		if err := measure(*runs, strings.Split(*cases, ",")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: synthbench synth|measure [flags]")
		os.Exit(2)
	}
}

func synth(c, outdir string) error {
	defer cdk.Close()
	app := cdk.NewApp(outdir)
	switch {
	case c == "floor":
		st := cdk.NewStack(app, "floor")
		if err := k8s.NewProvider(st, "kubernetes", k8s.ProviderConfig{}); err != nil {
			return err
		}
		if _, err := k8s.NewNamespace(st, "namespace", k8s.NamespaceSpec{Name: "floor"}); err != nil {
			return err
		}
	case c == "default":
		if _, err := stacks.NewLocalhost(app, stacks.DefaultLocalhost()); err != nil {
			return err
		}
	case strings.HasPrefix(c, "partitions-"):
		n, err := strconv.Atoi(strings.TrimPrefix(c, "partitions-"))
		if err != nil {
			return err
		}
		cfg := stacks.DefaultLocalhost()
		if err := stacks.WithPartitions(&cfg.ArmoniK, n); err != nil {
			return err
		}
		if _, err := stacks.NewLocalhost(app, cfg); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown case %q", c)
	}
	return cdk.Synth(app)
}

type result struct {
	wall []time.Duration
	peak []int64 // bytes
}

func measure(runs int, cases []string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "synthbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	res := map[string]*result{}
	// One warm-up run fills the jsii package cache.
	if err := exec.Command(self, "synth", "-case", "floor", "-outdir", filepath.Join(tmp, "warm")).Run(); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	for r := 0; r < runs; r++ {
		for _, c := range cases {
			cmd := exec.Command(self, "synth", "-case", c, "-outdir", filepath.Join(tmp, c))
			// The jsii runtime's exit line ("Runtime process exited abnormally: waitid") would
			// follow every run: a run's stderr is shown only when it fails.
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			if err := cmd.Start(); err != nil {
				return err
			}
			peak := make(chan int64)
			done := make(chan struct{})
			go func() { peak <- samplePeak(cmd.Process.Pid, done) }()
			err := cmd.Wait()
			wall := time.Since(start)
			close(done)
			p := <-peak
			if err != nil {
				return fmt.Errorf("%s: %w\n%s", c, err, stderr.Bytes())
			}
			if res[c] == nil {
				res[c] = &result{}
			}
			res[c].wall = append(res[c].wall, wall)
			res[c].peak = append(res[c].peak, p)
		}
	}
	floor := median(res[cases[0]].wall)
	fmt.Printf("%-16s %10s %10s %10s %12s\n", "case", "median", "min", "x floor", "peak RSS")
	for _, c := range cases {
		r := res[c]
		m := median(r.wall)
		sort.Slice(r.peak, func(i, j int) bool { return r.peak[i] < r.peak[j] })
		fmt.Printf("%-16s %9.2fs %9.2fs %9.2fx %9d MB\n", c, m.Seconds(), minDur(r.wall).Seconds(), m.Seconds()/floor.Seconds(), r.peak[len(r.peak)-1]>>20)
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func minDur(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d {
		m = min(m, x)
	}
	return m
}

// samplePeak polls /proc every 20 ms until done and returns the peak summed RSS of pid and its
// descendants (the jsii node processes).
func samplePeak(pid int, done <-chan struct{}) int64 {
	var peak int64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if s := treeRSS(pid); s > peak {
			peak = s
		}
		select {
		case <-done:
			return peak
		case <-tick.C:
		}
	}
}

func treeRSS(root int) int64 {
	entries, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	rss := map[int]int64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command name: state ppid ... ; rss is field 24 (pages).
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 22 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		pages, _ := strconv.ParseInt(f[21], 10, 64)
		parent[pid] = ppid
		rss[pid] = pages * int64(os.Getpagesize())
	}
	var total int64
	for pid := range rss {
		for p := pid; p != 0; p = parent[p] {
			if p == root {
				total += rss[pid]
				break
			}
			if _, ok := parent[p]; !ok {
				break
			}
		}
	}
	return total
}
