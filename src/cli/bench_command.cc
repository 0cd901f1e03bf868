// `suanli bench`: measures the engine in-process the way llama-bench measures
// llama.cpp: prompt processing (pp) and generation (tg) tokens/s as median,
// min and max over repetitions, plus aggregate generation with N parallel
// sequences through the continuous-batching loop.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "engine/engine.h"
#include "engine/model.h"

namespace suanli::cli {

namespace {

struct BenchFlags {
  std::string model;
  int prompt_tokens = 512;
  int gen_tokens = 128;
  int threads = 0;
  int reps = 5;
  int parallel = 4;
  std::string output = "md";
};

struct Series {
  int n = 0;
  std::vector<double> tps;
  double Median() const {
    auto v = tps;
    std::sort(v.begin(), v.end());
    if (v.empty()) return 0;
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  }
  double Min() const { return tps.empty() ? 0 : *std::min_element(tps.begin(), tps.end()); }
  double Max() const { return tps.empty() ? 0 : *std::max_element(tps.begin(), tps.end()); }
  nlohmann::json Json() const {
    return {{"n", n}, {"tps_median", Median()}, {"tps_min", Min()}, {"tps_max", Max()}};
  }
};

std::vector<engine::Token> RandomTokens(std::mt19937& rng, int n, int vocab) {
  std::uniform_int_distribution<int> dist(0, std::min(vocab, 32000) - 1);
  std::vector<engine::Token> out(n);
  for (auto& t : out) t = dist(rng);
  return out;
}

// Runs one request to completion; returns its final event.
StatusOr<engine::CompletionEvent> RunOne(engine::Engine& eng, std::vector<engine::Token> prompt, int n_predict) {
  engine::CompletionRequest req;
  req.prompt = std::move(prompt);
  req.sampling.temperature = 0;
  req.sampling.num_predict = n_predict;
  req.ignore_eos = true;
  ASSIGN_OR_RETURN(auto completion, eng.Submit(std::move(req)));
  while (true) {
    engine::CompletionEvent ev = completion->Next();
    if (ev.kind == engine::CompletionEvent::Kind::kDone) return ev;
    if (ev.kind == engine::CompletionEvent::Kind::kError) return ev.error;
  }
}

int Fail(const Status& s) {
  std::fprintf(stderr, "Error: %s\n", s.message().c_str());
  return 1;
}

int RunBench(const BenchFlags& f) {
  if (f.prompt_tokens < 1 || f.gen_tokens < 2 || f.reps < 1 || f.parallel < 1) {
    return Fail(InvalidArgumentError("-p must be >= 1, -n >= 2, -r >= 1 and --parallel >= 1"));
  }
  auto model = engine::Model::Load(f.model, engine::LoadOptions{});
  if (!model.ok()) return Fail(model.status());
  engine::EngineOptions eo;
  eo.num_parallel = f.parallel;
  eo.num_ctx = f.prompt_tokens + f.gen_tokens + 16;
  eo.num_batch = 512;
  eo.num_thread = f.threads;
  auto eng = engine::Engine::Create(**model, eo);
  if (!eng.ok()) return Fail(eng.status());
  engine::Engine& e = **eng;
  const int vocab = (*model)->VocabSize();
  std::mt19937 rng(1234);

  Series pp{f.prompt_tokens, {}}, tg{f.gen_tokens, {}}, par{f.gen_tokens * f.parallel, {}};
  // One warm-up, then `reps` measured runs; fresh random prompts defeat the prefix cache.
  for (int rep = -1; rep < f.reps; ++rep) {
    auto ev = RunOne(e, RandomTokens(rng, f.prompt_tokens, vocab), 1);
    if (!ev.ok()) return Fail(ev.status());
    if (rep >= 0) pp.tps.push_back(f.prompt_tokens * 1e9 / std::max<int64_t>(1, ev->timings.prompt_eval_duration_ns));
  }
  for (int rep = -1; rep < f.reps; ++rep) {
    auto ev = RunOne(e, RandomTokens(rng, 1, vocab), f.gen_tokens);
    if (!ev.ok()) return Fail(ev.status());
    // eval_duration spans the decodes of tokens 2..n (the first comes from the prompt step).
    if (rep >= 0) tg.tps.push_back((ev->timings.eval_count - 1) * 1e9 / std::max<int64_t>(1, ev->timings.eval_duration_ns));
  }
  if (f.parallel > 1) {
    for (int rep = -1; rep < f.reps; ++rep) {
      std::vector<std::thread> workers;
      std::vector<int64_t> generated(f.parallel, 0);
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < f.parallel; ++i) {
        workers.emplace_back([&, i, prompt = RandomTokens(rng, 1, vocab)] {
          auto ev = RunOne(e, prompt, f.gen_tokens);
          if (ev.ok()) generated[i] = ev->timings.eval_count;
        });
      }
      for (auto& w : workers) w.join();
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      int64_t total = 0;
      for (auto g : generated) total += g;
      if (rep >= 0) par.tps.push_back(total / secs);
    }
  }

  const auto& info = (*model)->info();
  if (f.output == "json") {
    nlohmann::json out = {{"model", info.description}, {"threads", e.threads()},
                          {"pp", pp.Json()}, {"tg", tg.Json()}};
    if (f.parallel > 1) {
      out["parallel"] = par.Json();
      out["parallel"]["sequences"] = f.parallel;
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  std::printf("| model | threads | test | t/s (median) | min | max |\n|---|---:|---|---:|---:|---:|\n");
  auto row = [&](const char* test, const Series& s) {
    std::printf("| %s | %d | %s | %.2f | %.2f | %.2f |\n", info.description.c_str(), e.threads(), test, s.Median(),
                s.Min(), s.Max());
  };
  row(("pp" + std::to_string(f.prompt_tokens)).c_str(), pp);
  row(("tg" + std::to_string(f.gen_tokens)).c_str(), tg);
  if (f.parallel > 1) row(("tg" + std::to_string(f.gen_tokens) + " x" + std::to_string(f.parallel)).c_str(), par);
  return 0;
}

}  // namespace

CommandFn RegisterBenchCommand(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  auto* cmd = app.add_subcommand("bench", "Measure prompt and generation speed of a GGUF model");
  cmd->add_option("model", flags->model, "GGUF file")->required();
  cmd->add_option("-p,--n-prompt", flags->prompt_tokens, "prompt tokens")->capture_default_str();
  cmd->add_option("-n,--n-gen", flags->gen_tokens, "generated tokens")->capture_default_str();
  cmd->add_option("-t,--threads", flags->threads, "threads (0 = one per hardware thread)")->capture_default_str();
  cmd->add_option("-r,--repetitions", flags->reps, "repetitions")->capture_default_str();
  cmd->add_option("--parallel", flags->parallel, "parallel sequences for the aggregate test")->capture_default_str();
  cmd->add_option("-o,--output", flags->output, "md or json")->check(CLI::IsMember({"md", "json"}))->capture_default_str();
  return [flags] { return RunBench(*flags); };
}

}  // namespace suanli::cli
