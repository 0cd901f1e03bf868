#!/usr/bin/env bash
# RAG benchmarks with build/bin/retrieval_eval, through a real server where
# an embedding model is involved:
#   quality  recall@1/3/5/10 and MRR@10 of keyword, dense and hybrid search on
#            CMRC2018 dev and SQuAD small (bench/data), dense/hybrid with a
#            hashed bigram embedder (256-d) and with the tiny-embed test model
#            through the server's POST /api/embed;
#   latency  keyword/hybrid/dense search latency over a synthetic corpus of
#            100k chunks with 384-d vectors (in process, the server's store
#            configuration; no server needed);
#   ingest   ingestion through POST /api/rag/collections/{name}/documents
#            against raw POST /api/embed throughput of the same chunks.
#
#   bench/retrieval_eval.sh [quality|latency|ingest|all] [-- extra retrieval_eval flags]
#
# The server runs on a free port with a temporary SUANLI_HOME; the tiny-embed
# model (random weights, bge vocabulary) is written by make_test_model and
# created through the API (`suanli create`). A benchmark, not a test: it
# fails only when something cannot run, never because of a figure.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

what="${1:-all}"
shift || true
[ "${1:-}" = "--" ] && shift
case "$what" in
  quality | latency | ingest | all) ;;
  -h | --help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown benchmark '$what' (quality, latency, ingest or all)" ;;
esac

eval_bin="$root/build/bin/retrieval_eval"
data=(--data "$root/bench/data/cmrc2018_dev.json" --data "$root/bench/data/squad_small.json")
[ -f "$root/build/build.ninja" ] || [ -f "$root/build/Makefile" ] || die "no build folder: run scripts/setup.sh first"
echo "==> building retrieval_eval, suanli and make_test_model"
cmake --build "$root/build" --target retrieval_eval suanli make_test_model --parallel "$jobs" >/dev/null ||
  die "the build failed (run: cmake --build build --target retrieval_eval)"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && [ -f "$work/server.log" ]; then
    echo "--- last lines of the server log:" >&2
    tail -n 20 "$work/server.log" >&2
  fi
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() {
  port="$(free_port)"
  export SUANLI_HOST="127.0.0.1:$port" SUANLI_HOME="$work/home" SUANLI_MODELS="$work/models"
  "$suanli" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || die "suanli serve exited: $(tail -n 5 "$work/server.log")"
    sleep 0.1
  done
  "$make_test_model" --preset tiny-embed --out "$work/tiny-embed.gguf" >/dev/null || die "make_test_model failed"
  printf 'FROM %s\n' "$work/tiny-embed.gguf" >"$work/Modelfile"
  "$suanli" create tiny-embed -f "$work/Modelfile" >/dev/null 2>&1 || die "suanli create tiny-embed failed"
  echo "==> suanli serve on 127.0.0.1:$port with tiny-embed"
}

echo "==> $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
if [ "$what" = quality ] || [ "$what" = ingest ] || [ "$what" = all ]; then start_server; fi
if [ "$what" = quality ] || [ "$what" = all ]; then
  echo "==> retrieval quality"
  "$eval_bin" quality "${data[@]}" --server "127.0.0.1:$port" --model tiny-embed "$@"
fi
if [ "$what" = ingest ] || [ "$what" = all ]; then
  echo "==> ingestion throughput"
  "$eval_bin" ingest "${data[@]}" --server "127.0.0.1:$port" --model tiny-embed "$@"
fi
if [ "$what" = latency ] || [ "$what" = all ]; then
  echo "==> search latency"
  "$eval_bin" latency "${data[@]}" "$@"
fi
