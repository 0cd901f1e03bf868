#!/usr/bin/env bash
# Installs everything suanli needs on a Debian machine, fetches the pinned
# llama.cpp source and builds suanli. Idempotent: a second run only rebuilds
# what changed (ccache keeps llama.cpp's objects).
#   scripts/setup.sh            install + build
#   SUANLI_SKIP_APT=1 ...       skip the package step (no root, or done already)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

packages=(build-essential cmake ninja-build ccache git ca-certificates openssl
          libcli11-dev libedit-dev libgtest-dev libgmock-dev libssl-dev psmisc
          libcurl4-openssl-dev libsqlite3-dev libfaiss-dev libblas-dev liblapack-dev
          libstemmer-dev libgumbo-dev libpoppler-cpp-dev libutf8proc-dev pkg-config)
# Node.js and npm may come from elsewhere than Debian (the distribution's npm
# package then conflicts); install them only when the commands are missing.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

if [ "${SUANLI_SKIP_APT:-0}" != "1" ]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# ccache: share objects between clones of the repository.
export CCACHE_BASEDIR="$root"
export CCACHE_NOHASHDIR=true

echo "==> llama.cpp source"
bash scripts/fetch_llama_cpp.sh

echo "==> npm packages for tests/clients (ollama, LangChain)"
npm ci --prefix tests/clients --no-audit --no-fund >/dev/null

echo "==> configuring"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release ${SUANLI_CMAKE_ARGS:-} >/dev/null
fi

echo "==> building (the first build compiles llama.cpp and takes several minutes)"
cmake --build build -j"$(nproc)"
echo "==> built build/bin/suanli and build/bin/make_test_model"
