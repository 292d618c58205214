# ambient-canary: every entry point a user or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_MODULES := node_modules/.package-lock.json

.PHONY: help install build typecheck test test-tools test-unit test-integration test-e2e demo demo-abort bench clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES) ## install npm dependencies and build dist/

build: $(NODE_MODULES) ## compile the CLI into dist/
	npm run --silent build

typecheck: $(NODE_MODULES) ## type-check sources and tests
	npm run --silent typecheck

test-tools: ## install what the tests run that a fresh machine lacks (Chromium, ...; Debian packages)
	@test/cluster/scripts/test-tools.sh

test: build typecheck test-tools ## everything: unit, then integration and e2e on the local cluster
	npx vitest run --project unit
	npx vitest run --project integration
	npx vitest run --project e2e

test-unit: build ## unit tests only (no cluster)
	npx vitest run --project unit

test-integration: build test-tools ## integration tests (starts the local cluster if needed)
	npx vitest run --project integration

test-e2e: build test-tools ## end-to-end tests (starts the local cluster if needed)
	npx vitest run --project e2e

clean: ## remove build output (not the cluster's caches)
	rm -rf dist coverage

-include test/cluster/cluster.mk
-include test/cluster/sim/sim.mk
-include test/cluster/demo/demo.mk
-include bench/bench.mk
