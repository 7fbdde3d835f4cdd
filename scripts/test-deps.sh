#!/usr/bin/env bash
# Installs the programs the tests start, from Debian's packages, when they are missing:
# the one list of test programs (README's second command and .ci/run both call this).
#   git (with git http-backend)   the GitOps and app repositories behind git smart HTTP
#   openssl                       certificates of the fake Kubernetes API server
#   kubectl (kubernetes-client)   talks to the fake Kubernetes API in a test
#   redis-server                  what replicas share
#   chromium                      the portal's browser tests (playwright-core drives it)
#   prometheus                    a real Prometheus the signal tests query (promtool ships with it)
set -euo pipefail

need=()
command -v git >/dev/null 2>&1 || need+=(git)
[ -x /usr/lib/git-core/git-http-backend ] || need+=(git)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)

if [ ${#need[@]} -eq 0 ]; then
  echo "test programs: all present (git, git http-backend, openssl, kubectl, redis-server, chromium, prometheus)"
  exit 0
fi

# De-duplicate (git may be listed twice).
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing test programs: ${need[*]}; install these Debian packages (or your system's equivalents) and run again" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "installing ${need[*]} needs root, and sudo is not available" >&2; exit 1; }
  sudo=(sudo)
fi
echo "installing from Debian's packages: ${need[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
