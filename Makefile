# imagebot — run `make help` for the targets.
SHELL := /usr/bin/env bash


.DEFAULT_GOAL := help

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make \033[36m<target>\033[0m\n"} /^[a-zA-Z0-9_-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Setup

.PHONY: deps
deps: system-deps node_modules k8s-binaries ## Install npm packages and build/unpack the Kubernetes test binaries.

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

.PHONY: system-deps
system-deps: ## Install the Debian packages the tests need (redis-server, openssl); needs root.
	@command -v redis-server >/dev/null && command -v openssl >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server openssl; }

.PHONY: k8s-binaries
k8s-binaries: node_modules ## Build kube-apiserver and etcd from the Go module proxy (cached in ~/.cache/imagebot).
	bash test/harness/build-control-plane.sh all

##@ Development

.PHONY: build
build: node_modules ## Compile TypeScript to dist/.
	npx tsc -p tsconfig.build.json

.PHONY: lint
lint: node_modules ## Lint and check formatting (biome).
	npx biome check .

.PHONY: format
format: node_modules ## Format and apply safe lint fixes.
	npx biome check --write .

.PHONY: typecheck
typecheck: node_modules ## Type-check everything, tests included.
	npx tsc --noEmit -p tsconfig.json

##@ Test

.PHONY: test
test: deps ## Run every test: unit and integration (real redis-server, kube-apiserver and etcd).
	npx vitest run

.PHONY: test-unit
test-unit: node_modules ## Run the unit tests (no servers).
	npx vitest run --project unit

.PHONY: test-integration
test-integration: deps ## Run the integration tests against a real Redis and control plane.
	npx vitest run --project integration

##@ Demo

.PHONY: demo
demo: deps ## Run the whole system locally (control plane, Redis, emulators, operator, bot, workers) with users in phases; DEMO_ARGS=--quick for ~1.5 min.
	@# node --import tsx (the same as npx tsx sim/demo/main.ts, without tsx's CLI in between): under load,
	@# that CLI SIGKILLs its child when a relayed Ctrl-C is not acknowledged within 30 ms, so no clean stop
	node --import tsx sim/demo/main.ts $(DEMO_ARGS)
