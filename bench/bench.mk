# `make bench`: the step judge's benchmarks (issue 4). They print figures; they are not
# timed tests and never fail a build on a missed target. Included by the root Makefile.
# Knobs: BENCH_TARGET=local (throughput without the cluster), BENCH_SECONDS, BENCH_ROUNDS,
# BENCH_RUNS, BENCH_BAKE_S, BENCH_FAULT_RATE (breach: share of canary requests failing, 0.6 = a gross failure);
# for the simulated judges, BENCH_SIM_RUNS, BENCH_SIM_DETECT_RUNS, BENCH_THREADS; for the live ones,
# BENCH_LIVE_CASES (healthy,regression,burst) and BENCH_POLICY (mesh | absolute).
TSX := npx --no-install tsx

.PHONY: bench-typecheck bench-throughput bench-false-aborts bench-breach bench-judges bench-live-judges

bench: bench-throughput bench-false-aborts bench-breach bench-judges bench-live-judges ## benchmarks: load throughput vs wrk, false aborts, breach -> revert, both judges simulated and live (prints figures)

bench-typecheck: $(NODE_MODULES)
	@npx --no-install tsc -p bench/tsconfig.json --noEmit

bench-throughput: bench-typecheck ## autocannon with attribution vs wrk on the same target (ratio; target >= 0.8)
	@$(TSX) bench/throughput.ts

bench-false-aborts: bench-typecheck ## 30 healthy bakes, 0.1% background errors under a 0.5% budget (target: 0 aborts)
	@$(TSX) bench/false-aborts.ts

bench-breach: build bench-typecheck ## fault onset -> route back at 100% stable, 10 upgrades on the local cluster (target: median <= 2 s)
	@$(TSX) bench/breach-revert.ts

bench-judges: bench-typecheck ## both step judges on the same simulated runs, no cluster: false aborts (1,000 runs per case) and detection times (target: mesh <= 1% false aborts, 5x detected within a 60 s bake)
	@$(TSX) bench/judges.ts

bench-live-judges: build bench-typecheck ## the judge on the local cluster, 10 upgrades per case: healthy (false aborts), 5x regression and 60% burst (onset -> revert); the simulation checked against real load (~75 min)
	@$(TSX) bench/live-judges.ts
