#!/usr/bin/env bash
# The Quick start's main job: starts `suanli serve` in the background if no
# server answers, creates the demo model (random weights with the shapes of
# Qwen2.5-0.5B and its real tokenizer: it answers gibberish, quickly) and
# streams an answer through the CLI, exactly as with a real model. Then the
# built-in RAG: a collection of this repository's documentation, a keyword
# search (real retrieval) and an answer grounded in it, with its sources.
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

if [ ! -f "$demo/embed.gguf" ]; then
  echo "==> writing the demo embedding model (random weights, real bge tokenizer)"
  "$bin/make_test_model" --preset tiny-embed --out "$demo/embed.gguf"
fi
printf 'FROM ./embed.gguf\n' >"$demo/Modelfile.embed"
"$bin/suanli" create demo-embed -f "$demo/Modelfile.embed"
echo "==> suanli rag create docs; suanli rag add docs README.md docs/"
"$bin/suanli" rag ls docs >/dev/null 2>&1 || "$bin/suanli" rag create docs --embed demo-embed
"$bin/suanli" rag add docs "$root/README.md" "$root/docs"
echo "==> suanli rag search docs \"释放显存 unload memory\" --mode keyword -k 2"
"$bin/suanli" rag search docs "释放显存 unload memory" --mode keyword -k 2
echo "==> suanli rag ask docs \"How is memory given back?\" --model demo  (gibberish, with real sources)"
"$bin/suanli" rag ask docs "How is memory given back?" --model demo --mode keyword -k 2
echo "The server keeps running; stop it with: pkill -f 'suanli serve'"
