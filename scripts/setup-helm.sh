#!/usr/bin/env bash
# Builds the Helm CLI the chart tests use (helm lint, helm template) from the Go module proxy into the project's
# own tools folder, .cache/tools/bin/helm. Cached: a second run that finds the right version does nothing. A cold
# build downloads the modules and compiles helm (a few minutes on 2 cores); Go's module and build caches
# (GOMODCACHE, GOCACHE) make later rebuilds fast.
set -euo pipefail
cd "$(dirname "$0")/.."
want=v3.22.0
bin=.cache/tools/bin
if [ -x "$bin/helm" ] && "$bin/helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$want"; then
  echo "helm $want (cached in $bin)"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "go is not installed: the Helm chart tests need it to build helm $want" >&2
  exit 1
fi
mkdir -p "$bin"
start=$(date +%s)
GOBIN="$PWD/$bin" GOFLAGS=-mod=mod CGO_ENABLED=0 \
  go install -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$want" "helm.sh/helm/v3/cmd/helm@$want"
echo "built helm $want into $bin in $(($(date +%s) - start)) s"
"$bin/helm" version --short
