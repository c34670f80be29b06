# Every target sets up what it needs (generated bindings, npm packages, binaries) from the
# project's own scripts; see ./help for the list and README.md for the two quick-start commands.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The jsii runtime's node child reads these when Go packages initialize (see internal/cdk).
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
export CHECKPOINT_DISABLE ?= 1
# Terraform complains on every call when TF_CLI_CONFIG_FILE names a missing file (this machine
# image sets one); fall back to Terraform's defaults then.
ifneq ($(TF_CLI_CONFIG_FILE),)
ifeq ($(wildcard $(TF_CLI_CONFIG_FILE)),)
unexport TF_CLI_CONFIG_FILE
endif
endif

# STACK names the stacks of diff/deploy/destroy/output/explain/graph. Empty (the default): deploy
# and destroy take every configured stack ('*': the cdktf CLI orders them by their dependencies,
# armonik-platform first), diff and output take armonik-localhost, explain and graph every stack.
STACK ?=
DEPLOY_STACKS = $(if $(STACK),$(STACK),'*')
FUZZTIME ?= 20s
CDKTF := npx --no-install cdktf
# The engine that plans and applies the stacks: terraform (from PATH) or tofu (OpenTofu, built
# from tools/tofu into the cache on first use); see docs/engines.md. The cdktf CLI runs the binary
# named by TERRAFORM_BINARY_NAME.
ENGINE ?= terraform
cdktf_with_engine = bin=$$(scripts/engine.sh path $(ENGINE)) && echo "TERRAFORM_BINARY_NAME=$$bin $(CDKTF) $(1)" && \
	TERRAFORM_BINARY_NAME=$$bin $(CDKTF) $(1)
# make e2e runs every engine unless ENGINE was given (command line or environment).
E2E_ENGINE = $(if $(filter command line environment environment override,$(origin ENGINE)),$(ENGINE),all)

.PHONY: help setup bindings npm synth list diff deploy destroy output test vet golden fuzz bench bench-synth \
	explain graph e2e e2e-versions engine cluster-up cluster-down cluster-smoke cluster-build clean restore

help: ## print the command list
	@cat help

bindings: ## generate the provider bindings into .gen/ (no-op when current)
	@scripts/gen-bindings.sh

npm: ## install the pinned cdktf CLI into node_modules/ (no-op when current)
	@scripts/setup-npm.sh

setup: bindings npm ## everything the app and the cdktf CLI need

synth: setup ## synthesize the stacks into cdktf.out/stacks/<stack>/cdk.tf.json
	$(CDKTF) synth

list: setup ## list the stacks
	$(CDKTF) list

diff: setup ## plan of STACK (default armonik-localhost) against the cluster of your kubeconfig (ENGINE=terraform|tofu)
	@$(call cdktf_with_engine,diff $(or $(STACK),armonik-localhost) --skip-provider-lock)

deploy: setup ## deploy STACK (default: every configured stack, in dependency order; ENGINE=terraform|tofu)
	@$(call cdktf_with_engine,deploy $(DEPLOY_STACKS) --skip-provider-lock)

destroy: setup ## destroy STACK (default: every configured stack, in reverse dependency order; ENGINE=terraform|tofu)
	@$(call cdktf_with_engine,destroy $(DEPLOY_STACKS) --skip-provider-lock)

output: ## after deploy: URLs, CA, client certificates and the ArmoniK CLI configuration of STACK (default armonik-localhost) into generated/STACK/ (ENGINE=terraform|tofu)
	@ENGINE=$(ENGINE) scripts/output.sh $(or $(STACK),armonik-localhost)

restore: ## restore MongoDB from its backup DUMP (latest, or a dump's UTC timestamp) with kubectl: see docs/operations.md
	@scripts/mongodb-restore.sh $(or $(DUMP),latest) $(STACK)

engine: ## print the ENGINE binary and its version (builds the pinned tofu when ENGINE=tofu)
	@scripts/engine.sh path $(ENGINE) && scripts/engine.sh version $(ENGINE)

vet: bindings
	go vet ./...

test: bindings ## go vet + the whole test suite (unit, golden, examples)
	@scripts/go-test.sh

golden: bindings ## rewrite the golden files from the current code (review the git diff!)
	UPDATE_GOLDEN=1 scripts/go-test.sh

fuzz: bindings ## run every fuzz target for FUZZTIME each (default 20s)
	@scripts/fuzz.sh $(FUZZTIME)

bench: bindings ## Go benchmarks (merge and validation)
	@scripts/go-test.sh bench

e2e: ## deploy armonik-platform + armonik-localhost on the loopback cluster with each engine (or ENGINE), check, change, destroy (skips when providers cannot be obtained)
	@ENGINE=$(E2E_ENGINE) scripts/e2e.sh

e2e-versions: ## deploy the default stack of every armonik.version on the loopback cluster, check, plan, destroy
	@scripts/e2e-versions.sh

bench-synth: ## whole-process synth timings: floor, default stack, 10 and 100 partitions
	@scripts/bench-synth.sh

cluster-up: ## start the loopback test control plane (etcd, kube-apiserver, kube-controller-manager)
	@scripts/cluster.sh up

cluster-down: ## stop it
	@scripts/cluster.sh down

cluster-smoke: ## start, create and delete a namespace, stop
	@scripts/cluster.sh smoke

cluster-build: ## build the test-cluster binaries into the cache (no-op when cached)
	@scripts/cluster.sh build

explain: bindings ## every ArmoniK container's env, envFrom and mounts with their layer and module
	@go run . explain $(STACK)

graph: bindings ## the AEP 5 graph (Mermaid): modules -> layers -> containers
	@go run . explain --mermaid $(STACK)

clean: ## remove build outputs (keeps the caches outside the clone)
	rm -rf cdktf.out .gen node_modules
