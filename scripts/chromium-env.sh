#!/usr/bin/env bash
# Installs Debian's chromium (a headless browser for the monitoring UI's test) when missing.
# Needs root (CI runs as root); otherwise says which command installs it.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium-env: chromium is missing: run 'sudo apt-get install -y chromium'" >&2
    exit 1
fi
echo "chromium-env: installing chromium with apt-get" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
