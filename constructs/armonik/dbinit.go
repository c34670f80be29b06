package armonik

import (
	"encoding/json"
	"strings"

	"github.com/armonik-cdktf/armonik-cdktf/constructs/k8s"
	"github.com/armonik-cdktf/armonik-cdktf/constructs/outputs"
)

// The init Job of Core versions without InitServices (Core < 0.35, armonik.version 2.22.3).
//
// Core 0.34.5 creates its collections and indexes itself when a component starts, but nothing in
// it inserts the partitions, users, roles and certificates: they are MongoDB documents that
// ArmoniK 2.22.3's deployment inserted with mongosh (ArmoniK.Infra 0.13.2
// armonik/partitions-in-database.tf and authentication-in-database.tf; Core 0.34.5's own
// terraform/modules/storage/database/mongo/mongo_init.tpl.js). The Job does the same from the
// same configuration as the InitServices options of later versions:
//
//   - PartitionData: one document per partition, _id the partition id, then ParentPartitionIds,
//     PodReserved, PodMax, PreemptionPercentage, Priority (32-bit integers) and PodConfiguration
//     (null, or {Configuration: {...}}) (Core 0.34.5 Adaptors/MongoDB/src/Table/DataModel/
//     PartitionDataModelMapping.cs, Common/src/Storage/PartitionData.cs);
//   - RoleData {RoleName, Permissions}, UserData {Username, Roles: [role ids]} and AuthData
//     {UserId, Cn, Fingerprint (null: any certificate with that CN)}, whose ids are ObjectIds
//     (Adaptors/MongoDB/src/Table/DataModel/Auth/*DataModelMapping.cs, IdSerializer).
//
// Every run replaces the four collections' documents (deleteMany, then insert), as upstream's
// jobs dropped and refilled them, so the database holds exactly the configuration. It runs the
// official mongo image (which ships mongosh) as its mongodb user against
// MongoDB__ConnectionString, with --tlsCAFile when the table-storage module mounts a CA
// (MongoDB__CAFile). The database is the connection string's path, the one Core reads.

// initScriptEnv holds the mongosh script, scriptInitCommand runs it.
const initScriptEnv = "ARMONIK_INIT_SCRIPT"

// scriptInitCommand is the init container's command. Terraform's template sequences in the
// script are escaped (k8s.Literal).
func scriptInitCommand() []string { return []string{"/bin/sh", "-c", k8s.Literal(initShell)} }

// initShell runs mongosh on the connection string, with the CA when there is one. The names of
// Core's variables hold lower-case letters, so they are read with printenv.
const initShell = `uri=$(printenv MongoDB__ConnectionString)
ca=$(printenv MongoDB__CAFile || true)
if [ -z "$uri" ]; then
  echo "init: MongoDB__ConnectionString is not set" >&2
  exit 1
fi
if [ -n "$ca" ]; then
  set -- --tlsCAFile "$ca"
fi
exec mongosh "$uri" "$@" --quiet --norc --eval "$` + initScriptEnv + `"`

// scriptInitLayers are the init Job's layers on Core < 0.35: the script, the table-storage
// modules of the core layer (all it reads: the connection string and the CA), the jobs layer
// and the overrides.
func (b *builder) scriptInitLayers() []outputs.Layer {
	cfg := b.cfg
	return []outputs.Layer{
		outputs.ModulesLayer(LayerArmoniK, static(map[string]string{
			initScriptEnv: initScript(cfg),
			// mongosh keeps its history and logs under $HOME/.mongodb.
			"HOME": "/tmp",
		})),
		modules(LayerCore, tableModules(cfg.Layers.Core)),
		modules(LayerJobs, cfg.Layers.Jobs),
		outputs.OverrideLayer(LayerOverride, cfg.Overrides.Init...),
	}
}

// initScript renders the mongosh script of a defaulted configuration.
func initScript(cfg *Config) string {
	type partition struct {
		ID                   string   `json:"_id"`
		ParentPartitionIds   []string `json:"ParentPartitionIds"`
		PodReserved          int      `json:"PodReserved"`
		PodMax               int      `json:"PodMax"`
		PreemptionPercentage int      `json:"PreemptionPercentage"`
		Priority             int      `json:"Priority"`
		PodConfiguration     any      `json:"PodConfiguration"`
	}
	type role struct {
		RoleName    string   `json:"RoleName"`
		Permissions []string `json:"Permissions"`
	}
	type user struct {
		Username string   `json:"Username"`
		Roles    []string `json:"Roles"`
	}
	type cert struct {
		Username    string  `json:"Username"`
		Cn          string  `json:"Cn"`
		Fingerprint *string `json:"Fingerprint"`
	}
	parts := []partition{}
	for _, p := range cfg.Partitions {
		parents := p.ParentPartitionIDs
		if parents == nil {
			parents = []string{}
		}
		var podConf any
		if len(p.PodConfiguration) > 0 {
			podConf = map[string]any{"Configuration": p.PodConfiguration}
		}
		parts = append(parts, partition{ID: p.Name, ParentPartitionIds: parents, PodReserved: p.ReservedPods, PodMax: p.MaxPods,
			PreemptionPercentage: p.PreemptionPercentage, Priority: *p.Priority, PodConfiguration: podConf})
	}
	d, _ := cfg.resolveAuth()
	roles, users, certs := []role{}, []user{}, []cert{}
	for _, r := range d.roles {
		roles = append(roles, role{r.Name, r.Permissions})
	}
	for _, u := range d.users {
		rs := u.Roles
		if rs == nil {
			rs = []string{}
		}
		users = append(users, user{u.Name, rs})
	}
	for _, c := range d.certs {
		var fp *string
		if c.Fingerprint != "" {
			f := c.Fingerprint
			fp = &f
		}
		certs = append(certs, cert{c.User, c.CN, fp})
	}
	js := func(v any) string {
		raw, _ := json.Marshal(v)
		// The values are JSON strings inside the JavaScript: "{" written \u007b keeps
		// Terraform's template sequences ("${", "%{") out of the configuration.
		s := strings.ReplaceAll(string(raw), "${", "$\\u007b")
		return strings.ReplaceAll(s, "%{", "%\\u007b")
	}
	var b strings.Builder
	b.WriteString("// armonik-cdktf: partitions and authentication data for Core " + cfg.Release().Core.Core + " (no InitServices).\n")
	b.WriteString("const partitions = " + js(parts) + ";\n")
	b.WriteString("const roles = " + js(roles) + ";\n")
	b.WriteString("const users = " + js(users) + ";\n")
	b.WriteString("const certs = " + js(certs) + ";\n")
	b.WriteString(`const int = (p) => ({...p, PodReserved: NumberInt(p.PodReserved), PodMax: NumberInt(p.PodMax),
  PreemptionPercentage: NumberInt(p.PreemptionPercentage), Priority: NumberInt(p.Priority)});
db.PartitionData.deleteMany({});
if (partitions.length > 0) db.PartitionData.insertMany(partitions.map(int));
db.AuthData.deleteMany({});
db.UserData.deleteMany({});
db.RoleData.deleteMany({});
const roleIds = {};
for (const r of roles) roleIds[r.RoleName] = db.RoleData.insertOne(r).insertedId;
const userIds = {};
for (const u of users) userIds[u.Username] = db.UserData.insertOne({Username: u.Username, Roles: u.Roles.map((n) => roleIds[n])}).insertedId;
for (const c of certs) db.AuthData.insertOne({UserId: userIds[c.Username], Cn: c.Cn, Fingerprint: c.Fingerprint});
print("armonik init: " + partitions.length + " partitions, " + roles.length + " roles, " + users.length + " users, " + certs.length + " certificates");
`)
	return b.String()
}
