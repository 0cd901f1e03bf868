// HTTP client side of bench/server_vs_llama_server.sh. Measures one server
// (suanli's native API or llama-server's /completion) with raw prompts and
// greedy sampling, and prints one JSON object:
//   single:   client-side generation rate of one stream (tokens after the
//             first / time between the first and the last token)
//   ttft:     time to first token for a ~200-token prompt, and the server's
//             own prompt time for it (the difference is HTTP + queueing cost)
//   parallel: aggregate tokens/s of N concurrent streams
//   rejected: requests the server answered with an HTTP error
// Usage: node server_http_client.mjs suanli|llama URL MODEL N_GEN REPS PARALLEL
const [kind, base, model, nGenS, repsS, parS] = process.argv.slice(2);
const nGen = Number(nGenS), reps = Number(repsS), par = Number(parS);
let rejected = 0;
const errors = new Set();  // distinct error messages, for the report

const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa'.split(' ');
function prompt(seed, nWords) {
  const out = [`request ${seed}:`];
  for (let i = 0; i < nWords; i++) out.push(words[(seed * 7 + i * 13) % words.length]);
  return out.join(' ');
}

// Streams one completion; returns {tokens, firstMs, lastMs, promptMs, startMs}.
async function stream(text) {
  const start = performance.now();
  const body = kind === 'suanli'
    ? { model, prompt: text, raw: true, stream: true, options: { temperature: 0, num_predict: nGen } }
    : { prompt: text, stream: true, n_predict: nGen, temperature: 0, cache_prompt: true };
  const res = await fetch(kind === 'suanli' ? `${base}/api/generate` : `${base}/completion`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok) { rejected++; errors.add(`${res.status} ${(await res.text()).slice(0, 160)}`); return null; }
  const decoder = new TextDecoder();
  let buf = '', first = 0, last = 0, tokens = 0, promptMs = 0;
  for await (const chunk of res.body) {
    buf += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      let line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      if (kind === 'llama') { if (!line.startsWith('data: ')) continue; line = line.slice(6); }
      const j = JSON.parse(line);
      if (j.error) { rejected++; errors.add(JSON.stringify(j.error).slice(0, 160)); return null; }
      const now = performance.now();
      const piece = kind === 'suanli' ? j.response : j.content;
      if (piece && !first) first = now;
      if (piece) last = now;
      if (kind === 'suanli' && j.done) { tokens = j.eval_count; promptMs = j.prompt_eval_duration / 1e6; }
      if (kind === 'llama' && j.stop) { tokens = j.timings.predicted_n; promptMs = j.timings.prompt_ms; }
    }
  }
  return { tokens, firstMs: first - start, lastMs: last - start, promptMs };
}

const median = (a) => { const v = [...a].sort((x, y) => x - y); const m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };

// llama-server rejects some random-weight outputs (HTTP 500 "does not match
// the expected Content-only format"); such prompts are skipped and counted.
// Greedy decoding makes the outcome of a prompt repeatable.
let nextSeed = 1000;
async function completed(nWords) {
  for (let tries = 0; tries < 20; tries++) {
    const seed = nextSeed++;
    const s = await stream(prompt(seed, nWords));
    if (s) return { s, seed };
  }
  throw new Error('the server rejected 20 prompts in a row');
}

await completed(8);  // warm-up (loads the model)
const single = [], ttft = [], server = [];
for (let r = 0; r < reps; r++) {
  const { s } = await completed(8);
  if (s.tokens > 1 && s.lastMs > s.firstMs) single.push((s.tokens - 1) / ((s.lastMs - s.firstMs) / 1000));
  const { s: t } = await completed(190);  // about 200 tokens with the qwen2 tokenizer
  ttft.push(t.firstMs);
  server.push(t.promptMs);
}
// Prompts for the concurrent rounds: ones the server completes on their own.
const seeds = [];
for (let i = 0; i < reps * par; i++) seeds.push((await completed(8)).seed);
const aggregate = [];
for (let r = 0; r < reps; r++) {
  const start = performance.now();
  const runs = await Promise.all([...Array(par).keys()].map((i) => stream(prompt(seeds[r * par + i], 8))));
  const secs = (performance.now() - start) / 1000;
  aggregate.push(runs.reduce((n, s) => n + (s ? s.tokens : 0), 0) / secs);
}
console.log(JSON.stringify({
  kind,
  single_tps: median(single),
  ttft_ms: median(ttft),
  server_prompt_ms: median(server),
  ttft_overhead_ms: median(ttft.map((t, i) => t - server[i])),
  parallel: par,
  aggregate_tps: median(aggregate),
  rejected,
  errors: [...errors],
}));
