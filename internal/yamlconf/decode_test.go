package yamlconf

import (
	"strings"
	"testing"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

type worker struct {
	Name  string `yaml:"name"`
	Image string `yaml:"image"`
}

type common struct {
	Replicas *int `yaml:"replicas,omitempty"`
}

type partition struct {
	Name    string `yaml:"name"`
	common  `yaml:",inline"`
	Workers []worker `yaml:"workers"`
}

type config struct {
	Namespace  string            `yaml:"namespace"`
	Wait       *bool             `yaml:"wait"`
	Labels     map[string]string `yaml:"labels"`
	Partitions []partition       `yaml:"partitions"`
	Conf       outputs.Outputs   `yaml:"conf"`
	Secret     string            `yaml:"-"`
}

func TestDecodeValid(t *testing.T) {
	var c config
	err := Decode([]byte(`
namespace: armonik
wait: false
labels: {team: hpc}
partitions:
  - name: a
    replicas: 2
    workers: &ws [{name: w, image: "img:1"}]
  - name: b
    workers: *ws
conf:
  env: {A: "1"}
  env_secret: [creds, {name: other, keys: [K]}]
`), &c)
	if err != nil {
		t.Fatal(err)
	}
	if c.Namespace != "armonik" || c.Wait == nil || *c.Wait || c.Labels["team"] != "hpc" {
		t.Errorf("scalars: %+v", c)
	}
	if len(c.Partitions) != 2 || *c.Partitions[0].Replicas != 2 || c.Partitions[1].Workers[0].Image != "img:1" {
		t.Errorf("partitions: %+v", c.Partitions)
	}
	if len(c.Conf.EnvSecret) != 2 || c.Conf.EnvSecret[0].Ref.Name != "creds" || c.Conf.EnvSecret[1].Keys[0] != "K" {
		t.Errorf("env_secret: %+v", c.Conf.EnvSecret)
	}
}

func TestDecodeReportsEveryProblemWithItsPath(t *testing.T) {
	var c config
	err := Decode([]byte(`namespace: [a]
wait: yes
colour: blue
partitions:
  - name: a
    replicas: two
    workers:
      - name: w
        imag: x
  - name: b
    name: c
conf:
  env_secret: [{name: s, key: [K]}]
  env_from_secret: {X: {name: s}, Y: 3}
secret: nope
`), &c)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`line 1: namespace: want a string, got a list`,
		`line 2: wait: want true or false, got "yes"`,
		`line 3: colour: unknown key (known keys: conf, labels, namespace, partitions, wait)`,
		`line 6: partitions[0].replicas: want an integer, got "two"`,
		`line 9: partitions[0].workers[0].imag: unknown key (known keys: image, name)`,
		`line 11: partitions[1].name: duplicate key`,
		`conf.env_secret[0]`,
		`line 14: conf.env_from_secret.Y: want a mapping, got "3"`,
		`line 15: secret: unknown key`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestDecodeRejectsEmptyMultiAndBombs(t *testing.T) {
	var c config
	for name, doc := range map[string]string{
		"empty":   "",
		"comment": "# nothing\n",
		"null":    "~\n",
	} {
		if err := Decode([]byte(doc), &c); err == nil || !strings.Contains(err.Error(), "the document is empty") {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if err := Decode([]byte("namespace: a\n---\nnamespace: b\n"), &c); err == nil || !strings.Contains(err.Error(), "more than one YAML document") {
		t.Errorf("two documents: got %v", err)
	}
	if err := Decode([]byte("namespace: a: b\n"), &c); err == nil || !strings.Contains(err.Error(), "not valid YAML") {
		t.Errorf("bad YAML: got %v", err)
	}
	bomb := `a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
labels: {x: y}
`
	var deep struct {
		A      [][]string         `yaml:"a"`
		B      [][]string         `yaml:"b"`
		C      [][][]string       `yaml:"c"`
		D      [][][][]string     `yaml:"d"`
		E      [][][][][]string   `yaml:"e"`
		F      [][][][][][]string `yaml:"f"`
		Labels map[string]string  `yaml:"labels"`
	}
	err := Decode([]byte(bomb), &deep)
	if err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Errorf("billion laughs: got %v", err)
	}
}
