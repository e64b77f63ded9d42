#!/usr/bin/env bash
# Install the Debian/Ubuntu packages in scripts/apt-packages.txt that are missing.
# Does nothing when all are present, when not root (prints the command instead), or off Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dpkg-query >/dev/null || exit 0
missing=()
for p in $(grep -v '^#' scripts/apt-packages.txt); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "缺少系统软件包 / missing system packages: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
