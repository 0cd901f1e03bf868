#!/usr/bin/env bash
# Compares `suanli serve` with llama.cpp's own llama-server (built from the
# same pinned source) over HTTP, on the same 0.5B-shaped Q4_0 model with the
# same threads and 4 parallel slots:
#   (a) single-stream generation tokens/s through the HTTP API, against
#       llama-bench's tg figure for the same model and threads;
#   (b) time to first token for a ~200-token prompt, and how much of it is
#       not the engine's own prompt time (HTTP, scheduling, streaming);
#   (c) aggregate tokens/s with 4 concurrent streams.
# Both get raw prompts (suanli: /api/generate with raw:true; llama-server:
# /completion), greedy sampling and the same number of tokens to generate.
#
#   bench/server_vs_llama_server.sh [-n N_GEN] [-t THREADS] [-r REPS]
#
# A benchmark, not a test: it fails only when something cannot run.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n_gen=128
threads="$(nproc)"
reps=5
while getopts ":n:t:r:h" opt; do
  case "$opt" in
    n) n_gen="$OPTARG" ;;
    t) threads="$OPTARG" ;;
    r) reps="$OPTARG" ;;
    h) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [-n N_GEN] [-t THREADS] [-r REPS]" >&2; exit 2 ;;
  esac
done
for bin in "$suanli" "$make_test_model"; do
  [ -x "$bin" ] || die "$bin not found: run scripts/setup.sh first"
done
command -v node >/dev/null || die "node is needed (run scripts/setup.sh)"
ensure_llama_tools
model="$(bench_model qwen2-0.5b-q4_0)"

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() {
  for _ in $(seq 1 600); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "$1 did not come up"
}
client() { node "$root/bench/server_http_client.mjs" "$@"; }
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "==> llama-bench tg$n_gen, $threads threads"
"$llama_bench" -m "$model" -p 0 -n "$n_gen" -t "$threads" -r "$reps" -o json >"$work/llama-bench.json" 2>"$work/llama-bench.log" ||
  die "llama-bench failed: $(tail -n 5 "$work/llama-bench.log")"

echo "==> llama-server (-np 4, -c $((4 * 4096)), $threads threads)"
lport="$(free_port)"
"$llama_server" -m "$model" --host 127.0.0.1 --port "$lport" -t "$threads" -np 4 -c $((4 * 4096)) \
  --no-webui >"$work/llama-server.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$lport/health"
client llama "http://127.0.0.1:$lport" model "$n_gen" "$reps" 4 >"$work/llama.json"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

echo "==> suanli serve (SUANLI_NUM_PARALLEL=4, num_ctx 4096 per slot, $threads threads)"
sport="$(free_port)"
export SUANLI_HOST="127.0.0.1:$sport" SUANLI_HOME="$work/home" SUANLI_MODELS="$work/models" SUANLI_NUM_PARALLEL=4
"$suanli" serve >"$work/suanli.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$sport/"
printf 'FROM %s\nPARAMETER num_thread %s\n' "$model" "$threads" >"$work/Modelfile"
"$suanli" create bench -f "$work/Modelfile" >/dev/null 2>&1 || die "suanli create failed"
client suanli "http://127.0.0.1:$sport" bench "$n_gen" "$reps" 4 >"$work/suanli.json"

node - "$work" "$n_gen" <<'JS'
const fs = require('fs');
const [work, nGen] = process.argv.slice(2);
const read = (f) => JSON.parse(fs.readFileSync(`${work}/${f}`, 'utf8'));
const lb = read('llama-bench.json').find((e) => e.n_gen > 0);
const med = (a) => { const v = [...a].sort((x, y) => x - y), m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
const bench = med(lb.samples_ts);
const s = read('suanli.json'), l = read('llama.json');
const f = (x) => x.toFixed(2);
console.log(`\n| measure | suanli | llama-server | reference | suanli ratio |`);
console.log(`|---|---:|---:|---:|---:|`);
console.log(`| (a) single stream tg${nGen}, t/s over HTTP | ${f(s.single_tps)} | ${f(l.single_tps)} | llama-bench ${f(bench)} | ${f(s.single_tps / bench)} of llama-bench (llama-server: ${f(l.single_tps / bench)}) |`);
console.log(`| (b) time to first token, ~200-token prompt, ms | ${f(s.ttft_ms)} | ${f(l.ttft_ms)} | | |`);
console.log(`| (b) ... of which not the engine's prompt time, ms | ${f(s.ttft_overhead_ms)} | ${f(l.ttft_overhead_ms)} | target < 5 | |`);
console.log(`| (c) 4 concurrent streams, aggregate t/s | ${f(s.aggregate_tps)} | ${f(l.aggregate_tps)} | | ${f(s.aggregate_tps / l.aggregate_tps)} of llama-server |`);
console.log(`\nrequests rejected with an HTTP error: suanli ${s.rejected}, llama-server ${l.rejected}`);
JS
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
