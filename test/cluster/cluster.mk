# The local cluster: real etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
# kwok built from pinned Go modules (test/cluster/tools), fake worker nodes, and the
# data-plane simulator. Included by the root Makefile. See test/cluster/README.md.
CLUSTER_SCRIPTS := test/cluster/scripts
NODES ?= 3

.PHONY: cluster-build cluster-up cluster-down cluster-status

cluster-build: ## build the local cluster's binaries (only what is missing or stale)
	@$(CLUSTER_SCRIPTS)/build.sh

cluster-up: $(NODE_MODULES) ## start the local cluster with NODES fake workers (default 3); idempotent
	@NODES=$(NODES) $(CLUSTER_SCRIPTS)/up.sh

cluster-down: ## stop everything cluster-up started and remove its runtime state; idempotent
	@$(CLUSTER_SCRIPTS)/down.sh

cluster-status: ## say what of the local cluster runs
	@$(CLUSTER_SCRIPTS)/status.sh
