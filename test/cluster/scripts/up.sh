#!/usr/bin/env bash
# Starts the local cluster (idempotent): builds what is missing, starts etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok through kwokctl, creates $NODES fake
# workers, applies the Gateway API CRDs and test/cluster/manifests, starts the data-plane
# simulator and a Prometheus scraping its Istio metrics, and writes .run/cluster.env. A second
# run only checks and tops up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lock "cluster-$CLUSTER_NAME"
NODES=${NODES:-3}
started=$SECONDS

"$CLUSTER_ROOT/scripts/build.sh"

# The configuration the control plane starts with; a running one started with another (an
# older checkout's) is restarted, since its flags and kwok stages are fixed at start.
wanted=$(mktemp)
trap 'rm -f "$wanted"' EXIT
"$CLUSTER_ROOT/scripts/kwok-config.sh" "$wanted"
current() { cmp -s "$wanted" "$RUN_DIR/kwokctl.yaml" && cmp -s "$CLUSTER_ROOT/scripts/egress-selector.yaml" "$RUN_DIR/egress-selector.yaml"; }

if "$CLUSTER_ROOT/scripts/status.sh" --quiet && current; then
  say "control plane already running"
else
  if "$CLUSTER_ROOT/scripts/status.sh" --quiet; then say "control plane runs with an older configuration: restarting it"; fi
  # Leftovers of a cluster that no longer runs (a reboot, a killed process): clear them.
  "$CLUSTER_ROOT/scripts/down.sh" --quiet
  mkdir -p "$RUN_DIR"
  # kwokctl.yaml's kube-apiserver patch reads it from here (relative to the cluster dir).
  install -m 0644 "$CLUSTER_ROOT/scripts/egress-selector.yaml" "$RUN_DIR/egress-selector.yaml"
  install -m 0644 "$wanted" "$RUN_DIR/kwokctl.yaml"
  say "starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok"
  "$BIN_DIR/kwokctl" create cluster --name "$CLUSTER_NAME" --runtime binary \
    --config "$RUN_DIR/kwokctl.yaml" --kubeconfig "$KUBECONFIG_PATH" \
    --etcd-binary "$BIN_DIR/etcd" --kwok-controller-binary "$BIN_DIR/kwok" \
    --kube-apiserver-binary "$BIN_DIR/kube-apiserver" \
    --kube-controller-manager-binary "$BIN_DIR/kube-controller-manager" \
    --kube-scheduler-binary "$BIN_DIR/kube-scheduler" \
    --kube-audit-policy "$CLUSTER_ROOT/scripts/audit-policy.yaml" \
    --disable-qps-limits --wait 2m >"$RUN_DIR/kwokctl.log" 2>&1 9>&- ||
    { tail -20 "$RUN_DIR/kwokctl.log" >&2; die "kwokctl create cluster failed (log: $RUN_DIR/kwokctl.log)"; }
  ln -sfn "$CLUSTER_DIR/logs/audit.log" "$RUN_DIR/audit.log"
  say "control plane ready"
fi

say "ensuring $NODES fake worker nodes"
"$CLUSTER_ROOT/scripts/nodes.sh" "$NODES" | kubectl apply --server-side --field-manager=cluster-up -f - >/dev/null
kubectl wait --for=condition=Ready node -l type=kwok --timeout=120s >/dev/null

say "applying the Gateway API CRDs"
kubectl apply --server-side --field-manager=cluster-up -f "$BIN_DIR/gateway-api-crds/" >/dev/null
kubectl wait --for=condition=Established --timeout=60s $(kubectl get crd -o name | grep "gateway.networking.k8s.io$") >/dev/null

if [[ -n $MANIFESTS_DIR ]] && compgen -G "$MANIFESTS_DIR/*.yaml" >/dev/null; then
  say "applying $MANIFESTS_DIR"
  kubectl apply --server-side --field-manager=cluster-up -f "$MANIFESTS_DIR/" >/dev/null
fi

"$CLUSTER_ROOT/scripts/sim.sh" start
"$CLUSTER_ROOT/scripts/chart-repo.sh" start
gateway_urls=$("$CLUSTER_ROOT/scripts/gateways.sh" 30)
"$CLUSTER_ROOT/scripts/prometheus.sh" start
prometheus_url=$("$CLUSTER_ROOT/scripts/prometheus.sh" url)

cat >"$CLUSTER_ENV" <<ENV
KUBECONFIG=$KUBECONFIG_PATH
HELM=$BIN_DIR/helm
KUBECTL=$BIN_DIR/kubectl
CLUSTER_BIN=$BIN_DIR
AUDIT_LOG=$RUN_DIR/audit.log
GATEWAY_URL=${gateway_urls%% *}
GATEWAY_URLS=$gateway_urls
PROMETHEUS_URL=$prometheus_url
CHART_REPO_URL=$("$CLUSTER_ROOT/scripts/chart-repo.sh" url)
ENV

say "cluster up in $((SECONDS - started))s; settings in $CLUSTER_ENV"
echo "KUBECONFIG=$KUBECONFIG_PATH"
if [[ -n $gateway_urls ]]; then echo "GATEWAY_URL=${gateway_urls%% *}"; else echo "no gateway URL (no Gateway has an address)"; fi
echo "PROMETHEUS_URL=$prometheus_url"
echo "CHART_REPO_URL=$("$CLUSTER_ROOT/scripts/chart-repo.sh" url)"
