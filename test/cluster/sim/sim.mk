# The data-plane simulator of the local cluster (test/cluster/sim). Included by the root
# Makefile; `make cluster-up` starts it, these targets help while working on it.
SIM_SCRIPT := test/cluster/scripts/sim.sh

.PHONY: sim-restart sim-log sim-test sim-bench

sim-restart: ## restart the data-plane simulator after changing test/cluster/sim (cluster must be up)
	@$(SIM_SCRIPT) stop
	@$(SIM_SCRIPT) start

sim-log: ## follow the simulator's log (one line per state change)
	@tail -n 50 -F test/cluster/.run/sim.log

sim-test: $(NODE_MODULES) ## the simulator's unit tests, then its tests against the running local cluster
	npx vitest run --project unit test/unit/sim
	npx vitest run --project integration test/cluster/dataplane

sim-bench: $(NODE_MODULES) ## requests/s through the simulated gateway (autocannon, and wrk if installed)
	node --import tsx test/cluster/dataplane/bench.ts
