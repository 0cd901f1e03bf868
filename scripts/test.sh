#!/usr/bin/env bash
# Runs the whole test suite: set-up and build (idempotent, quick when nothing
# changed), then every CTest test: unit tests, engine and runner tests with
# models that tools/make_test_model writes at test time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
