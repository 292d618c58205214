#!/usr/bin/env bash
# Puts the local cluster in the demo's starting state, whatever a previous demo left: Istio's
# real charts (base, cni, istiod and ztunnel of the STABLE version in versions.env, from the
# local chart repository), istiod and ztunnel pinned to the nodes labelled for that revision,
# the bookinfo application in an ambient namespace and the route at 100% stable. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=/dev/null
source "$root/test/cluster/.run/cluster.env"
# shellcheck source=versions.env
source "$here/versions.env"
export KUBECONFIG
k() { "$KUBECTL" "$@"; }
h() { "$HELM" "$@"; }
version=$STABLE
stable=${version//./-}
values="$root/revisions/$version"
chart() { echo "$1" --repo "$CHART_REPO_URL" --version "$version"; }
owned=(--labels app.kubernetes.io/managed-by=ambient-canary)
step() { printf '\n== %s\n' "$*"; }

# Tests hold test/cluster/.run/demo.lock while they use this state (test/support/demo-state.ts):
# wait while another live process holds it, unless it is the one that called us.
lock="$root/test/cluster/.run/demo.lock/pid"
for _ in $(seq 1 1200); do
  holder=$(cat "$lock" 2>/dev/null || true)
  if [ -z "$holder" ] || [ "$holder" = "${DEMO_LOCK_OWNER:-}" ] || ! kill -0 "$holder" 2>/dev/null; then break; fi
  [ "${waited:-}" ] || { echo "waiting: the demo state is in use by test process $holder"; waited=1; }
  sleep 1
done

step "Reset what an earlier demo left"
for rel in $(h list -n istio-system --all -q); do
  case "$rel" in istiod-"$stable"|ztunnel-"$stable"|istio-base|istio-cni) ;; *) h uninstall "$rel" -n istio-system --wait >/dev/null && echo "uninstalled $rel" ;; esac
done
for ns in $(k get ns -o name | sed 's#namespace/##' | grep '^bookinfo-' || true); do
  # --ignore-not-found: one already terminating (a test deleted it) may be gone by now.
  [ "$ns" = "bookinfo-$stable" ] || k delete ns "$ns" --wait=true --ignore-not-found
done
k delete configmap -n istio-system -l app.kubernetes.io/managed-by=ambient-canary --ignore-not-found >/dev/null
k delete lease -n istio-system ambient-canary --ignore-not-found >/dev/null

step "Nodes: all but the last run the stable revision; the last is free for the canary"
nodes=($(k get nodes -o name | sed "s#node/##" | grep "^kwok-node-" | sort -V))
last=$(( ${#nodes[@]} - 1 ))
for i in "${!nodes[@]}"; do
  n=${nodes[$i]}
  k taint node "$n" istio.io/rev- >/dev/null 2>&1 || true
  k uncordon "$n" >/dev/null
  if [ "$i" -lt "$last" ]; then k label node "$n" istio.io/rev="$stable" --overwrite >/dev/null; else k label node "$n" istio.io/rev- >/dev/null; fi
done
k get nodes -L istio.io/rev

step "Istio $version: base, cni, istiod-$stable (default tag) and ztunnel-$stable pinned to its nodes"
# Istio's "Install with Helm" for ambient, with a revision: base, istiod, cni, ztunnel. base's
# istiod-default-validator validates Istio's config through the istiod of `defaultRevision`
# (chart default "default": a Service `istiod` that a revisioned install never has; and on
# `helm upgrade` the chart leaves its failurePolicy to the API default, Fail), so it names ours.
h upgrade --install istio-base $(chart base) -n istio-system --create-namespace --wait \
  --set-string defaultRevision="$stable" >/dev/null
h upgrade --install "istiod-$stable" $(chart istiod) -n istio-system --wait "${owned[@]}" -f "$values/control-plane.yaml" \
  --set-string revision="$stable" --set profile=ambient --set 'revisionTags={default}' \
  --set-string trustedZtunnelName="ztunnel-$stable" --set-string trustedZtunnelNamespace=istio-system >/dev/null
h upgrade --install istio-cni $(chart cni) -n istio-system --set profile=ambient --set-string global.tag="$version" --wait >/dev/null
h upgrade --install "ztunnel-$stable" $(chart ztunnel) -n istio-system --wait "${owned[@]}" -f "$values/data-plane.yaml" \
  --set-string revision="$stable" --set-string resourceName="ztunnel-$stable" \
  --set-string "nodeSelector.istio\.io/rev=$stable" >/dev/null
h list -n istio-system

step "Application bookinfo-$stable and the route at 100% stable"
k label gateway -n istio-ingress ingress istio.io/rev="$stable" --overwrite >/dev/null
sed "s/@STABLE@/$stable/g" "$here/bookinfo.yaml" | k apply -f - >/dev/null
sed "s/@STABLE@/$stable/g" "$here/route.yaml" | k apply -f - --server-side --force-conflicts >/dev/null
k rollout status -n "bookinfo-$stable" deployment --timeout=120s >/dev/null
echo "Deployments in bookinfo-$stable rolled out"

step "Wait for the gateway to serve the route"
url=$(sed -n 's/^GATEWAY_URL=//p' "$root/test/cluster/.run/cluster.env")
for _ in $(seq 1 100); do
  if code=$(curl -s -o /dev/null -w '%{http_code}' "$url/"); [ "$code" = 200 ]; then
    echo "$url/ answers 200 (served by $(curl -s -D - -o /dev/null "$url/" | tr -d '\r' | sed -n 's/^x-sim-namespace: //p'))"
    exit 0
  fi
  sleep 0.2
done
echo "the gateway at $url did not serve the route in 20 s (last status: ${code:-none}); see test/cluster/.run/sim.log" >&2
exit 1
