#!/usr/bin/env bash
# The Quick start's main job: starts `suanli serve` in the background if no
# server answers, creates the demo model (random weights with the shapes of
# Qwen2.5-0.5B and its real tokenizer: it answers gibberish, quickly) and
# streams an answer through the CLI, exactly as with a real model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/bin"
home="${SUANLI_HOME:-$HOME/.suanli}"
mkdir -p "$home"

if ! "$bin/suanli" list >/dev/null 2>&1; then
  echo "==> starting suanli serve (log: $home/serve.log)"
  nohup "$bin/suanli" serve >"$home/serve.log" 2>&1 &
  for _ in $(seq 1 100); do
    "$bin/suanli" list >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

demo="$home/demo"
mkdir -p "$demo"
if [ ! -f "$demo/demo.gguf" ]; then
  echo "==> writing the demo model (random weights, real Qwen2 tokenizer)"
  "$bin/make_test_model" --preset qwen2-0.5b-q4_0 --out "$demo/demo.gguf"
fi
cat >"$demo/Modelfile" <<'MODELFILE'
FROM ./demo.gguf
PARAMETER temperature 0.7
PARAMETER num_predict 48
SYSTEM You are Mario from Super Mario Bros.
MODELFILE
"$bin/suanli" create demo -f "$demo/Modelfile"
echo "==> suanli run demo \"Why is the sky blue?\"  (random weights: expect gibberish)"
"$bin/suanli" run demo "Why is the sky blue?" --verbose
echo
echo "The server keeps running; stop it with: pkill -f 'suanli serve'"
