#!/usr/bin/env bash
# Compares suanli's engine with llama.cpp's own llama-bench, built from the
# same pinned llama.cpp source, on the same models with the same thread count
# and the same prompt / generation lengths.
#
#   bench/engine_vs_llama_bench.sh [-p N_PROMPT] [-n N_GEN] [-t THREADS] [-r REPS]
#
# Environment (flags win over environment):
#   SUANLI_BENCH_P        prompt tokens              (default 512)
#   SUANLI_BENCH_N        generated tokens           (default 128)
#   SUANLI_BENCH_T        threads                    (default: nproc)
#   SUANLI_BENCH_R        repetitions per run        (default 5)
#   SUANLI_BENCH_ROUNDS   llama-bench/suanli pairs   (default 2; the best ratio is kept)
#   SUANLI_BUILD_JOBS     compile jobs for the tool build (default: nproc)
#   SUANLI_LLAMA_CPP_DIR  llama.cpp source tree      (default: third_party/llama.cpp)
#   SUANLI_CACHE_DIR      cache folder               (default: $XDG_CACHE_HOME/suanli or ~/.cache/suanli)
#
# What it does:
#   1. builds llama-bench (and llama-server, for a later benchmark) from the
#      pinned llama.cpp source into $cache/llama-tools-build, with ggml's AMX
#      kernels disabled exactly as our own CMakeLists.txt does (skipped when
#      already built from the same source commit);
#   2. generates the benchmark models (random weights, real qwen2 tokenizer)
#      into $cache/models with build/bin/make_test_model;
#   3. runs llama-bench and `suanli bench` alternately on each model and
#      prints a table of tokens/s and the ratio suanli / llama-bench;
#   4. runs `suanli bench --parallel 4` once for the aggregate generation rate.
#
# This is a benchmark, not a test: it exits non-zero only when something fails
# to build or run, never because a ratio misses its target.
set -euo pipefail

# ---- locations ---------------------------------------------------------------
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---- options ---------------------------------------------------------------
n_prompt="${SUANLI_BENCH_P:-512}"
n_gen="${SUANLI_BENCH_N:-128}"
threads="${SUANLI_BENCH_T:-$(nproc)}"
reps="${SUANLI_BENCH_R:-5}"
rounds="${SUANLI_BENCH_ROUNDS:-2}"

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while getopts ":p:n:t:r:h" opt; do
  case "$opt" in
    p) n_prompt="$OPTARG" ;;
    n) n_gen="$OPTARG" ;;
    t) threads="$OPTARG" ;;
    r) reps="$OPTARG" ;;
    h) usage; exit 0 ;;
    :) echo "error: -$OPTARG needs a value" >&2; exit 2 ;;
    *) echo "error: unknown option -$OPTARG" >&2; usage >&2; exit 2 ;;
  esac
done
for v in n_prompt n_gen threads reps rounds jobs; do
  if ! [[ "${!v}" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: $v must be a positive integer (got '${!v}')" >&2
    exit 2
  fi
done


# JSON is read with node (scripts/setup.sh installs it); jq is not assumed.
command -v node >/dev/null || die "node is needed to read the benchmark JSON (run scripts/setup.sh)"

# ---- 0. our own binaries ---------------------------------------------------
# Checked first so that a missing build fails fast, before the tool build.
for bin in "$suanli" "$make_test_model"; do
  [ -x "$bin" ] || die "$bin not found: run scripts/setup.sh first"
done
[ -f "$llama_src/CMakeLists.txt" ] ||
  die "llama.cpp source not found in $llama_src: run scripts/setup.sh (or set SUANLI_LLAMA_CPP_DIR)"

# ---- 1. llama-bench / llama-server from the pinned source ------------------
ensure_llama_tools

# ---- 2. benchmark models ---------------------------------------------------
presets=(qwen2-0.5b-q4_0 qwen2-0.5b-q8_0)
for preset in "${presets[@]}"; do bench_model "$preset" >/dev/null; done

# ---- 3. alternating runs -----------------------------------------------------
results="$cache/bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"

# run NAME CMD...: runs CMD with stdout to $results/NAME.json and stderr to
# $results/NAME.log; on failure shows the log and stops the script.
run() {
  local name="$1"; shift
  echo "    $*" >&2
  if ! "$@" >"$results/$name.json" 2>"$results/$name.log"; then
    echo "--- $name failed; last lines of $results/$name.log:" >&2
    tail -n 30 "$results/$name.log" >&2
    die "$1 failed (exit status above; output kept in $results)"
  fi
}

# Other work on the machine distorts the figures; say so up front.
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${load_before%% *}" 'BEGIN { exit !(l > 0.5) }'; then
  echo "warning: load average is $load_before before the benchmark;" \
       "other processes are using the CPUs and the figures will be noisy" >&2
fi
echo "==> $rounds rounds of llama-bench then suanli bench per model," \
     "threads=$threads -p $n_prompt -n $n_gen -r $reps (results: $results)"
for round in $(seq 1 "$rounds"); do
  for preset in "${presets[@]}"; do
    model="$models_dir/$preset.gguf"
    echo "--> round $round/$rounds, $preset" >&2
    run "llama-$preset-$round" "$llama_bench" -m "$model" -p "$n_prompt" -n "$n_gen" \
      -t "$threads" -r "$reps" -o json
    run "suanli-$preset-$round" "$suanli" bench "$model" -p "$n_prompt" -n "$n_gen" \
      -t "$threads" -r "$reps" --parallel 1 -o json
  done
done

# ---- 4. aggregate generation with 4 parallel sequences ---------------------
par_preset=qwen2-0.5b-q4_0
echo "--> suanli bench --parallel 4, $par_preset" >&2
run "suanli-$par_preset-parallel4" "$suanli" bench "$models_dir/$par_preset.gguf" \
  --parallel 4 -n "$n_gen" -p 32 -t "$threads" -r "$reps" -o json

# ---- 5. table ----------------------------------------------------------------
# The summary is computed by a small node script that reads the JSON files
# written above. llama-bench reports per-repetition rates in samples_ts;
# their median is compared with suanli's tps_median.
# shellcheck disable=SC2016 # JavaScript template literals, not shell
summary_js='
const fs = require("fs");
const [results, roundsS, nPrompt, nGen, parPreset, ...presets] = process.argv.slice(1);
const rounds = Number(roundsS);
const load = (n) => JSON.parse(fs.readFileSync(`${results}/${n}.json`, "utf8"));
const median = (a) => { const v = [...a].sort((x, y) => x - y); const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
const llamaRate = (entries, test) => {
  for (const e of entries)
    if ((test === "pp" && e.n_prompt > 0 && e.n_gen === 0) || (test === "tg" && e.n_gen > 0 && e.n_prompt === 0))
      return median(e.samples_ts);
  throw new Error(`llama-bench output has no ${test} test`);
};
console.log("\n| model | test | llama-bench t/s | suanli t/s | suanli/llama-bench | ratio per round |");
console.log("|---|---|---:|---:|---:|---|");
const bestTg = {};
const range = [...Array(rounds).keys()].map((i) => i + 1);
for (const preset of presets) {
  for (const [test, label] of [["pp", "pp" + nPrompt], ["tg", "tg" + nGen]]) {
    const lbs = range.map((r) => llamaRate(load(`llama-${preset}-${r}`), test));
    const sus = range.map((r) => load(`suanli-${preset}-${r}`)[test].tps_median);
    // Interference only ever slows a run down, so each tool is represented by
    // its fastest round; the per-round ratios show the spread.
    const lb = Math.max(...lbs), su = Math.max(...sus);
    if (test === "tg") bestTg[preset] = su;
    const per = lbs.map((l, i) => (l > 0 ? (sus[i] / l).toFixed(2) : "n/a")).join(", ");
    const ratio = lb > 0 ? (su / lb).toFixed(2) : "n/a";
    console.log(`| ${preset} | ${label} | ${lb.toFixed(2)} | ${su.toFixed(2)} | ${ratio} | ${per} |`);
  }
}
const par = load(`suanli-${parPreset}-parallel4`);
const agg = par.parallel.tps_median, sameRun = par.tg.tps_median;
console.log(`\nsuanli ${parPreset}, ${par.parallel.sequences} parallel sequences x tg${nGen} (prompt 32): aggregate ${agg.toFixed(2)} t/s (median);`);
console.log(`  ${(agg / sameRun).toFixed(2)}x the single-stream tg${nGen} of the same run (${sameRun.toFixed(2)} t/s),`);
console.log(`  ${(agg / bestTg[parPreset]).toFixed(2)}x the best single-stream tg${nGen} above (${bestTg[parPreset].toFixed(2)} t/s)`);
'
summary_args=("$results" "$rounds" "$n_prompt" "$n_gen" "$par_preset" "${presets[@]}")
node -e "$summary_js" "${summary_args[@]}" || die "could not read the benchmark JSON in $results"

cat <<EOF

Method: threads=$threads, -p $n_prompt, -n $n_gen, $reps repetitions per run (each tool
also does its own warm-up). The machine is noisy, so llama-bench and suanli
bench ran alternately, $rounds rounds per model (llama-bench, suanli, llama-bench,
suanli, ...). A run's t/s is its median over repetitions (llama-bench: median
of samples_ts; suanli: tps_median); the table shows each tool's fastest round
(interference only slows a run down) and the ratio of the two, and the last
column lists the ratio within each round.
Load average (1, 5, 15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)
Raw JSON and logs: $results
EOF
