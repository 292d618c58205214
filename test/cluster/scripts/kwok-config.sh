#!/usr/bin/env bash
# kwok-config.sh OUT: writes the kwokctl configuration cluster-up starts the cluster with:
# scripts/kwokctl.yaml, then kwok's own default Stages (copied from the pinned module by
# build.sh) with one change: pod-ready leaves ztunnel pods alone. A real ztunnel turns Ready
# only once istiod has issued its certificates, so the simulator plays the kubelet for ztunnel
# pods (sim/controllers/ztunnel-readiness.ts); kwok would otherwise mark them Ready at once.
# kwokctl uses the Stages of its configuration instead of its defaults when there are any,
# so every default Stage is listed here.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
out=${1:?usage: kwok-config.sh OUT}
stages="$BIN_DIR/kwok-stages"
[[ -f $stages/pod-ready.yaml ]] || die "no kwok stages in $stages: run make cluster-build"

# Same test as Istio's IsZtunnelPod (cni/pkg/util/podutil.go): the label app=ztunnel.
exclusion="    - key: '.metadata.labels[\"app\"]'\n      operator: 'NotIn'\n      values:\n      - 'ztunnel'"
{
  cat "$CLUSTER_ROOT/scripts/kwokctl.yaml"
  for f in node-initialize node-heartbeat-with-lease pod-complete pod-delete; do
    printf -- '---\n'; cat "$stages/$f.yaml"
  done
  printf -- '---\n'
  sed "/^    matchExpressions:\$/a\\
$exclusion" "$stages/pod-ready.yaml"
} >"$out"
grep -q "'ztunnel'" "$out" || die "could not add the ztunnel exclusion to kwok's pod-ready stage ($stages/pod-ready.yaml changed?)"
