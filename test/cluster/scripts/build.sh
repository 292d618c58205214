#!/usr/bin/env bash
# Builds the local cluster's binaries into test/cluster/.bin from the pinned modules in
# test/cluster/tools/<name>/, skipping any whose binaries are newer than their inputs.
# Order: the quick ones first (etcd, kwok, helm, CRDs), the long Kubernetes build last.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lock build

# fresh OUTPUT... -- INPUT...: every output exists and is newer than every input.
fresh() {
  local outs=() out in
  while [[ $1 != -- ]]; do outs+=("$1"); shift; done; shift
  for out in "${outs[@]}"; do
    [[ -e $out ]] || return 1
    for in in "$@"; do [[ $in -nt $out ]] && return 1; done
  done
  return 0
}

# build NAME "OUTPUTS" "PACKAGES" LDFLAGS: go build in tools/NAME, unless fresh.
build() {
  local name=$1 dir="$TOOLS_DIR/$1" outs=() pkgs=() started=$SECONDS
  read -ra outs <<<"$2"; read -ra pkgs <<<"$3"
  outs=("${outs[@]/#/$BIN_DIR/}")
  if fresh "${outs[@]}" -- "$dir"/go.mod "$dir"/go.sum "$dir"/*.go "$0"; then
    say "$name: up to date"; return
  fi
  say "$name: building ${2}${4:+ (this one takes a while when cold)}"
  (cd "$dir" && go build -trimpath -ldflags "-s -w $5" -o "$BIN_DIR/" "${pkgs[@]}")
  touch "${outs[@]}"
  say "$name: built in $((SECONDS - started))s"
}

version_of() { (cd "$TOOLS_DIR/$1" && go list -m -f '{{.Version}}' "$2"); }

mkdir -p "$BIN_DIR"
started=$SECONDS

build etcd "etcd" "." "" ""

kwok_v=$(version_of kwok sigs.k8s.io/kwok)
kube_v=$(version_of kube k8s.io/kubernetes)
build kwok "kwok kwokctl" "sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl" "" \
  "-X sigs.k8s.io/kwok/pkg/consts.Version=$kwok_v -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$kube_v"

# Helm assumes the Kubernetes version of the client-go it was built with (upstream's
# Makefile does the same) for `helm template` and lint; without it, it assumes 1.20.
helm_v=$(version_of helm helm.sh/helm/v3)
IFS=. read -r _ cg_minor _ <<<"$(version_of helm k8s.io/client-go)"
helm_kube="1 $cg_minor"
h=helm.sh/helm/v3
build helm "helm" "$h/cmd/helm" "" "-X $h/internal/version.version=$helm_v \
  -X $h/pkg/chartutil.k8sVersionMajor=${helm_kube% *} -X $h/pkg/chartutil.k8sVersionMinor=${helm_kube#* } \
  -X $h/pkg/lint/rules.k8sVersionMajor=${helm_kube% *} -X $h/pkg/lint/rules.k8sVersionMinor=${helm_kube#* }"

# kwok's default Stages (the ones kwokctl applies when given none), copied out of the pinned
# module so that cluster-up can compose them with ours (kwok-config.sh) without Go.
stages_dir="$BIN_DIR/kwok-stages"
if ! fresh "$stages_dir" -- "$TOOLS_DIR/kwok/go.mod" "$0"; then
  src=$(cd "$TOOLS_DIR/kwok" && go mod download -json sigs.k8s.io/kwok | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  rm -rf "$stages_dir" && mkdir -p "$stages_dir"
  install -m 0644 "$src"/kustomize/stage/node/fast/node-initialize.yaml \
    "$src"/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    "$src"/kustomize/stage/pod/fast/pod-{ready,complete,delete}.yaml "$stages_dir/"
  say "kwok: default stages copied"
fi

# Gateway API CRDs: copied out of the pinned module, so cluster-up needs no Go.
gw_dir="$BIN_DIR/gateway-api-crds"
if ! fresh "$gw_dir" -- "$TOOLS_DIR/gateway-api/go.mod" "$0"; then
  src=$(cd "$TOOLS_DIR/gateway-api" && go mod download -json sigs.k8s.io/gateway-api | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  rm -rf "$gw_dir" && mkdir -p "$gw_dir"
  install -m 0644 "$src"/config/crd/standard/*.yaml "$gw_dir/"
  say "gateway-api: CRDs $(version_of gateway-api sigs.k8s.io/gateway-api) copied"
else
  say "gateway-api: up to date"
fi

"$CLUSTER_ROOT/scripts/istio-charts.sh"

# Unstamped Kubernetes binaries report v0.0.0-master, which breaks Helm's kubeVersion
# checks and kwokctl's choice of flags; stamp both version packages like upstream does.
IFS=. read -r kube_major kube_minor _ <<<"${kube_v#v}"
kube_ldflags=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $p.gitVersion=$kube_v -X $p.gitMajor=$kube_major -X $p.gitMinor=$kube_minor"
  kube_ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done
k=k8s.io/kubernetes/cmd
build kube "kube-apiserver kube-controller-manager kube-scheduler kubectl" \
  "$k/kube-apiserver $k/kube-controller-manager $k/kube-scheduler $k/kubectl" slow "$kube_ldflags"

say "all binaries ready in $BIN_DIR ($((SECONDS - started))s)"
