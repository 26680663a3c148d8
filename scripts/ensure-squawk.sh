#!/usr/bin/env bash
# Makes sure the squawk migration linter is installed and prints the path of its executable.
# The analysis tests run squawk as a peer to compare verdicts with; the version is pinned so a
# new squawk release cannot change what the comparison reports. The binary arrives through npm
# (squawk-cli pulls a per-platform package such as @squawk-cli/linux-x64), so only the npm
# registry is needed. Quiet on success: the only output is the path.
set -euo pipefail

SQUAWK_VERSION=2.66.0
prefix="${DBSHIFT_TOOLS:-$HOME/.cache/dbshift}/squawk"
bin="$prefix/$SQUAWK_VERSION/node_modules/.bin/squawk"

if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "squawk $SQUAWK_VERSION is not installed under $prefix and npm is missing to install it" >&2
  echo "(Debian: apt-get install npm)." >&2
  exit 1
fi

# Install into a scratch directory and move it into place, so an interrupted install never
# leaves a half-populated directory that the check above would take for a good one.
mkdir -p "$prefix"
scratch="$(mktemp -d "$prefix/.install.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
if ! log="$(npm install --prefix "$scratch" --no-audit --no-fund --no-save --loglevel=error \
    "squawk-cli@$SQUAWK_VERSION" 2>&1)"; then
  echo "could not install squawk-cli@$SQUAWK_VERSION with npm:" >&2
  echo "$log" >&2
  exit 1
fi
if ! "$scratch/node_modules/.bin/squawk" --version >/dev/null 2>&1; then
  echo "squawk-cli@$SQUAWK_VERSION installed but its binary does not run on $(uname -sm)" >&2
  exit 1
fi
rm -rf "$prefix/$SQUAWK_VERSION"
mv "$scratch" "$prefix/$SQUAWK_VERSION"
trap - EXIT
echo "$bin"
