#!/usr/bin/env bash
# System tools the end-to-end tests use (network namespaces, iptables, git http-backend, Chromium for the
# console's browser test). Root only; best effort
# when the tools are already there.
set -euo pipefail
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
[ -x /usr/lib/git-core/git-http-backend ] || need+=(git)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing ${need[*]} and not root: tests that need them will say so" >&2
  fi
fi
