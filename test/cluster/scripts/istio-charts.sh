#!/usr/bin/env bash
# Istio's real Helm charts, from the istio/istio source trees pinned in tools/istio-<line>/
# (the Go module proxy serves them; nothing is compiled). For each line:
#   .bin/istio/<version>/{base,istiod,cni,ztunnel}/  the chart folders, byte for byte as in the
#                                                    module (manifests/charts/...), never edited
#   .bin/istio/repo/<chart>-<version>.tgz            `helm package --version <version>` of them
#   .bin/istio/repo/index.yaml                       `helm repo index` (relative URLs)
# <version> is tools/istio-<line>/chart-version. The source trees carry the placeholder chart
# version 1.0.0; Istio's release tooling stamps the real one the same way, at packaging, so the
# packaged Chart.yaml differs in `version` and `appVersion` only. scripts/chart-repo.mjs serves
# the repository on loopback, as blob.istio.io serves Istio's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Chart name -> folder in the istio/istio tree.
declare -A SOURCE=([base]=manifests/charts/base [istiod]=manifests/charts/istio-control/istio-discovery
  [cni]=manifests/charts/istio-cni [ztunnel]=manifests/charts/ztunnel)

out="$BIN_DIR/istio"
repo="$out/repo"
inputs=("$TOOLS_DIR"/istio-*/go.mod "$TOOLS_DIR"/istio-*/go.sum "$TOOLS_DIR"/istio-*/chart-version "$0" "$BIN_DIR/helm")
if [[ -f $repo/index.yaml ]]; then
  stale=""
  for in in "${inputs[@]}"; do [[ $in -nt $repo/index.yaml ]] && stale=yes; done
  [[ -z $stale ]] && { say "istio charts: up to date"; exit 0; }
fi

rm -rf "$out" && mkdir -p "$repo"
for dir in "$TOOLS_DIR"/istio-*/; do
  version=$(grep -v '^#' "$dir/chart-version" | head -1)
  src=$(cd "$dir" && go mod download -json istio.io/istio | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  [[ -d $src/manifests/charts ]] || die "no charts in $src (go mod download in $dir)"
  for chart in "${!SOURCE[@]}"; do
    mkdir -p "$out/$version"
    cp -R "$src/${SOURCE[$chart]}" "$out/$version/$chart"
    # The module cache is read-only; the copies are made writable only so a rebuild can remove them.
    chmod -R u+w "$out/$version/$chart"
    "$BIN_DIR/helm" package "$out/$version/$chart" --version "$version" --app-version "$version" \
      --destination "$repo" >/dev/null
  done
  say "istio charts: ${!SOURCE[*]} $version from $(basename "$src")"
done
"$BIN_DIR/helm" repo index "$repo"
