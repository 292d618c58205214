// Pins the istio/istio source tree of the release-1.31 branch whose Helm charts
// (manifests/charts/{base,istio-control/istio-discovery,istio-cni,ztunnel}) the local cluster
// serves, unmodified. Nothing here is compiled: istiod cannot be built here (its dependencies
// are not served by the module proxy), only the module's files are used. See ../../README.md.
module ambient-canary/test/cluster/tools/istio-1.31

go 1.26.0

require istio.io/istio v0.0.0-20260827124520-eed52ebb66ad
