#!/usr/bin/env bash
# Makes sure redis-server and redis-cli are installed, for the tests' local Redis processes.
#
# Installs Debian's redis-server package with apt-get, as root or through passwordless sudo, and keeps the
# package from starting its system service: tests start their own servers on free ports, and a service on
# 6379 would be one more thing left running. Does nothing when both binaries are already there.
set -euo pipefail

have() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/bin/$1" ] || [ -x "/usr/sbin/$1" ]
}

if have redis-server && have redis-cli; then
  echo "ensure-redis: redis-server and redis-cli are already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: redis-server is missing and apt-get is not available." >&2
  echo "ensure-redis: install Redis 7 (redis-server and redis-cli) yourself, or set REDIS_URL to a server the tests may use." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "ensure-redis: redis-server is missing and installing it needs root or passwordless sudo." >&2
  echo "ensure-redis: run 'sudo apt-get install redis-server', or set REDIS_URL to a server the tests may use." >&2
  exit 1
fi

# invoke-rc.d and deb-systemd-invoke ask policy-rc.d; exit code 101 means "do not start services".
POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=false
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  OWN_POLICY=true
fi
cleanup() {
  if [ "$OWN_POLICY" = true ]; then
    $SUDO rm -f "$POLICY"
  fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
echo "ensure-redis: installing Debian's redis-server package (its service is not started)"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends redis-server redis-tools

if ! have redis-server; then
  echo "ensure-redis: apt-get finished but redis-server is still missing" >&2
  exit 1
fi
echo "ensure-redis: $(redis-server --version 2>/dev/null || /usr/bin/redis-server --version)"
