# `make demo` and `make demo-abort`: a whole canary upgrade on the local cluster, from a fresh
# machine. Included by the root Makefile.
DEMO := test/cluster/demo
CANARY := node bin/canary.js

.PHONY: demo demo-abort demo-stable

demo-stable: build cluster-up ## put the local cluster in the demo's starting state (stable: STABLE in test/cluster/demo/versions.env)
	@$(DEMO)/stable-mesh.sh

demo: demo-stable ## upgrade the local mesh (Istio real charts, release-1.30 -> release-1.31) under load, ending promoted
	@$(DEMO)/run.sh promote

demo-abort: demo-stable ## the same with a canary staged to fail: ends aborted (exit 3), traffic back on the stable revision
	@$(DEMO)/run.sh abort
