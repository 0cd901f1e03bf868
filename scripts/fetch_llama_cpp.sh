#!/usr/bin/env bash
# Fetches the pinned llama.cpp source into third_party/llama.cpp (git-ignored).
# Source: the git bundle inside the npm package node-llama-cpp@3.21.1, whose
# tarball integrity and bundle commit are both checked. Idempotent.
set -euo pipefail

readonly PKG="node-llama-cpp@3.21.1"
readonly INTEGRITY="sha512-E3N0Ev2Va0wzydvXYFwM9Hvyo07PoWjt8T/9GMc43Cvt8YkV/NU/tYUgEMC1grTPv2o9PRjQi0G3Wb5P/awiMg=="
readonly COMMIT="80fb11ac73e66d89eae2c6a91d8a77428fa733ed"

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/third_party/llama.cpp"
cache="${SUANLI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/suanli}"

if [ -n "${SUANLI_LLAMA_CPP_DIR:-}" ]; then
  echo "using llama.cpp from SUANLI_LLAMA_CPP_DIR=$SUANLI_LLAMA_CPP_DIR"
  exit 0
fi

if [ -d "$dest/.git" ] && [ "$(git -C "$dest" rev-parse HEAD)" = "$COMMIT" ]; then
  echo "llama.cpp $COMMIT already present"
  exit 0
fi

mkdir -p "$cache"
tarball="$cache/node-llama-cpp-3.21.1.tgz"
if [ ! -f "$tarball" ]; then
  echo "fetching $PKG"
  (cd "$cache" && npm pack "$PKG" --silent >/dev/null)
fi
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  rm -f "$tarball"
  echo "error: $PKG integrity mismatch (got $actual); removed the tarball, run again" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work" package/llama/gitRelease.bundle
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
git -c advice.detachedHead=false clone --quiet "$work/package/llama/gitRelease.bundle" "$dest"
git -C "$dest" -c advice.detachedHead=false checkout --quiet "$COMMIT" 2>/dev/null || true
head="$(git -C "$dest" rev-parse HEAD)"
if [ "$head" != "$COMMIT" ]; then
  rm -rf "$dest"
  echo "error: llama.cpp bundle HEAD is $head, expected $COMMIT" >&2
  exit 1
fi
echo "llama.cpp $COMMIT ready in third_party/llama.cpp"
