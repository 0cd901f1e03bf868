#!/usr/bin/env bash
# Runs the npm-client tests (ollama, LangChain, ...) against the real `suanli serve`.
# Installs nothing: scripts/setup.sh runs `npm ci` here. Each *.test.mjs starts its
# own server through harness.mjs. Environment: SUANLI_BIN, MAKE_TEST_MODEL (defaults:
# <repo>/build/bin/suanli and <repo>/build/bin/make_test_model).
#   run.sh                                   every *.test.mjs
#   run.sh ollama.test.mjs                   one file (relative to here or to the caller)
#   run.sh --test-name-pattern=embed         options go to `node --test` (write them with =)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

opts=()
files=()
for a in "$@"; do
  case "$a" in
    -*) opts+=("$a") ;;
    *) if [ -f "$a" ]; then files+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")"); else files+=("$here/$a"); fi ;;
  esac
done
cd "$here"
[ ${#files[@]} -eq 0 ] && files=(./*.test.mjs)

if ! command -v node >/dev/null; then
  echo "run.sh: node is not installed" >&2
  exit 1
fi
if [ ! -d node_modules/ollama ]; then
  echo "run.sh: $here/node_modules is missing; run 'npm ci' in $here (scripts/setup.sh does)" >&2
  exit 1
fi

exec node --test --test-concurrency=1 --test-reporter=spec "${opts[@]}" "${files[@]}"
