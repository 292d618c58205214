# `make demo` and `make demo-abort`: a whole canary upgrade on the local cluster, from a fresh
# machine. Included by the root Makefile.
DEMO := test/cluster/demo
CANARY := node bin/canary.js

.PHONY: demo demo-abort demo-stable

demo-stable: build cluster-up ## put the local cluster in the demo's starting state (stable 1.29.6)
	@$(DEMO)/stable-mesh.sh

demo: demo-stable ## upgrade the local mesh 1.29.6 -> 1.30.3 under load, ending promoted
	@$(DEMO)/run.sh promote

demo-abort: demo-stable ## the same with a canary staged to fail: ends aborted (exit 3), traffic back on 1.29.6
	@$(DEMO)/run.sh abort
