// retrieval_eval: retrieval quality, search latency and ingestion throughput
// of suanli's RAG store, configured exactly as `suanli serve` configures it.
// A benchmark, not a test: it prints figures and their ratios to the
// targets, and fails only when something cannot run.
//
//   retrieval_eval quality --data FILE... [--server HOST:PORT [--model NAME]]
//   retrieval_eval latency --data FILE... [--chunks 100000] [--queries 300]
//   retrieval_eval ingest  --data FILE... --server HOST:PORT [--model NAME] [--documents N]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <memory>

#include "api/client.h"
#include "api/host.h"
#include "api_embedder.h"
#include "eval_set.h"
#include "hashed_embedder.h"
#include "ingest_throughput.h"
#include "latency.h"
#include "quality.h"

namespace suanli::bench {
namespace {

struct Target {
  size_t k;  // recall@k
  double value;
};

// Keyword-mode targets per evaluation set (file stem).
const std::map<std::string, std::vector<Target>>& KeywordTargets() {
  static const auto* targets = new std::map<std::string, std::vector<Target>>{
      {"cmrc2018_dev", {{1, 0.965}, {5, 0.997}}},
      {"squad_small", {{5, 0.96}}},
  };
  return *targets;
}

std::unique_ptr<api::ApiClient> MakeClient(const std::string& server) {
  api::ClientOptions options;
  options.host = api::ParseClientHost(server);
  options.user_agent = "suanli-retrieval-eval";
  return std::make_unique<api::ApiClient>(options);
}

int RunQuality(const std::vector<std::string>& files, const std::string& server, const std::string& model,
               size_t hashed_dim) {
  std::unique_ptr<api::ApiClient> client;
  std::vector<NamedEmbedder> embedders = {{"hashed-" + std::to_string(hashed_dim), HashedEmbedder(hashed_dim)}};
  if (!server.empty()) {
    client = MakeClient(server);
    embedders.push_back({model, ApiEmbedder(client.get(), model)});
  }
  for (const std::string& file : files) {
    auto set = LoadSquadFile(file);
    if (!set.ok()) {
      std::fprintf(stderr, "error: %s\n", set.status().message().c_str());
      return 1;
    }
    std::printf("== %s: %zu passages (one document and one chunk each), %zu questions, k = 10\n", set->name.c_str(),
                set->passages.size(), set->questions.size());
    std::fflush(stdout);
    auto results = EvaluateRetrieval(*set, embedders);
    if (!results.ok()) {
      std::fprintf(stderr, "error: %s\n", results.status().message().c_str());
      return 1;
    }
    for (const QualityResult& r : *results) {
      std::printf("%-7s %-12s %s   (%.2f ms/search)\n", r.mode.c_str(), r.embedder.c_str(), r.metrics.Summary().c_str(),
                  r.search_ms);
    }
    auto targets = KeywordTargets().find(set->name);
    if (targets != KeywordTargets().end()) {
      const RankMetrics& keyword = results->front().metrics;
      for (const Target& t : targets->second) {
        const double got = keyword.RecallAt(t.k);
        std::printf("target keyword R@%zu >= %.3f: %.3f, ratio %.4f%s\n", t.k, t.value, got, got / t.value,
                    got >= t.value ? "" : "  (below target)");
      }
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}

StatusOr<std::vector<EvalSet>> LoadSets(const std::vector<std::string>& files) {
  std::vector<EvalSet> sets;
  for (const std::string& file : files) {
    ASSIGN_OR_RETURN(EvalSet set, LoadSquadFile(file));
    sets.push_back(std::move(set));
  }
  return sets;
}

int Report(const Status& status) {
  if (status.ok()) return 0;
  std::fprintf(stderr, "error: %s\n", status.message().c_str());
  return 1;
}

int RunLatencyCommand(const std::vector<std::string>& files, const LatencyOptions& options) {
  auto sets = LoadSets(files);
  if (!sets.ok()) return Report(sets.status());
  return Report(RunLatency(*sets, options));
}

int RunIngestCommand(const std::vector<std::string>& files, const std::string& server, const IngestOptions& options) {
  auto sets = LoadSets(files);
  if (!sets.ok()) return Report(sets.status());
  std::unique_ptr<api::ApiClient> client = MakeClient(server);
  return Report(RunIngestThroughput(*client, *sets, options));
}

}  // namespace
}  // namespace suanli::bench

int main(int argc, char** argv) {
  CLI::App app{"Retrieval quality, search latency and ingestion throughput of suanli's RAG store"};
  app.require_subcommand(1);

  std::vector<std::string> files;
  std::string server, model = "tiny-embed";
  size_t hashed_dim = 256;
  auto* quality = app.add_subcommand("quality", "recall@k and MRR@10 on SQuAD-format files");
  quality->add_option("--data", files, "SQuAD-format JSON file(s)")->required()->check(CLI::ExistingFile);
  quality->add_option("--server", server, "also embed through this suanli server's /api/embed (host:port)");
  quality->add_option("--model", model, "embedding model on --server")->capture_default_str();
  quality->add_option("--hashed-dim", hashed_dim, "dimension of the hashed bigram embedder")->capture_default_str();

  suanli::bench::LatencyOptions latency_options;
  auto* latency =
      app.add_subcommand("latency", "search latency over a synthetic corpus built from the data's vocabulary");
  latency->add_option("--data", files, "SQuAD-format JSON file(s): vocabulary and queries")
      ->required()
      ->check(CLI::ExistingFile);
  latency->add_option("--chunks", latency_options.chunks, "chunks in the corpus")->capture_default_str();
  latency->add_option("--chunks-per-document", latency_options.chunks_per_document)->capture_default_str();
  latency->add_option("--dim", latency_options.dimension, "vector dimension")->capture_default_str();
  latency->add_option("--queries", latency_options.queries, "queries per mode")->capture_default_str();
  latency->add_option("--modes", latency_options.modes, "search modes to time")
      ->check(CLI::IsMember({"keyword", "hybrid", "dense"}))
      ->capture_default_str();
  latency->add_option("--store", latency_options.store_dir, "keep the store here and reuse it on later runs");

  suanli::bench::IngestOptions ingest_options;
  auto* ingest = app.add_subcommand("ingest", "ingestion through a server vs raw /api/embed of the same chunks");
  ingest->add_option("--data", files, "SQuAD-format JSON file(s): the documents' text")
      ->required()
      ->check(CLI::ExistingFile);
  ingest->add_option("--server", server, "the suanli server (host:port)")->required();
  ingest->add_option("--model", ingest_options.model, "embedding model on the server")->capture_default_str();
  ingest->add_option("--documents", ingest_options.documents)->capture_default_str();
  ingest->add_option("--passages-per-document", ingest_options.passages_per_document)->capture_default_str();
  ingest->add_option("--rounds", ingest_options.rounds)->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  if (quality->parsed()) return suanli::bench::RunQuality(files, server, model, hashed_dim);
  if (latency->parsed()) return suanli::bench::RunLatencyCommand(files, latency_options);
  if (ingest->parsed()) return suanli::bench::RunIngestCommand(files, server, ingest_options);
  return 2;
}
