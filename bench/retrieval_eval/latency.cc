#include "latency.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "bench_store.h"
#include "hashed_embedder.h"
#include "rag/fts_search_config.h"
#include "rag/unicode_text.h"
#include "synthetic_corpus.h"

namespace suanli::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kCollection[] = "synthetic";

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

bool IsChinese(const std::string& text) {
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp = 0;
    pos += rag::DecodeUtf8At(text, pos, &cp);
    if (rag::IsCjkChar(cp)) return true;
  }
  return false;
}

Status Ingest(rag::Collection& collection, const std::vector<EvalSet>& sets, const LatencyOptions& options) {
  std::vector<std::string> chinese, english;
  for (const EvalSet& set : sets) {
    for (const std::string& p : set.passages) (IsChinese(p) ? chinese : english).push_back(p);
  }
  SyntheticCorpus corpus(chinese, english, options.seed);
  const rag::EmbedFn embed = HashedEmbedder(options.dimension);
  const auto start = Clock::now();
  size_t done = 0;
  for (size_t doc = 0; done < options.chunks; ++doc) {
    rag::DocumentInput input;
    input.source = "synthetic/" + std::to_string(doc);
    int64_t offset = 0;
    for (size_t i = 0; i < options.chunks_per_document && done < options.chunks; ++i, ++done) {
      std::string text = corpus.NextChunk();
      const int64_t length = static_cast<int64_t>(rag::CountCodePoints(text));
      input.content += text;
      input.chunks.push_back({std::move(text), offset, offset + length, nullptr});
      offset += length;
    }
    RETURN_IF_ERROR(collection.AddDocument(input, embed).status());
    if ((doc + 1) % 10 == 0 || done == options.chunks) {
      std::fprintf(stderr, "\r  ingested %zu / %zu chunks", done, options.chunks);
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr, "\n");
  std::printf("ingest: %zu chunks in %zu documents, %.1f s (%.0f chunks/s, hashed embedder included)\n", done,
              (done + options.chunks_per_document - 1) / options.chunks_per_document, seconds, done / seconds);
  return OkStatus();
}

// Three Chinese questions for every English one, spread over the sets.
std::vector<std::string> PickQueries(const std::vector<EvalSet>& sets, size_t count) {
  std::vector<std::string> chinese, english, out;
  for (const EvalSet& set : sets) {
    for (const EvalQuestion& q : set.questions) (IsChinese(q.text) ? chinese : english).push_back(q.text);
  }
  for (size_t i = 0; out.size() < count && (i < chinese.size() || i < english.size()); ++i) {
    if (i < chinese.size()) out.push_back(chinese[i * 7 % chinese.size()]);
    if (i % 3 == 2 && i / 3 < english.size()) out.push_back(english[(i / 3) * 5 % english.size()]);
  }
  if (out.size() > count) out.resize(count);
  return out;
}

struct Case {
  const char* mode;
  int k;
  double target_ms;  // 0: none
};

}  // namespace

Status RunLatency(const std::vector<EvalSet>& sets, const LatencyOptions& options) {
  std::unique_ptr<BenchStore> temp;
  std::unique_ptr<rag::CollectionManager> kept;
  rag::CollectionManager* manager = nullptr;
  if (options.store_dir.empty()) {
    ASSIGN_OR_RETURN(temp, BenchStore::Create());
    manager = &temp->manager();
  } else {
    rag::StoreOptions store_options;
    store_options.root = options.store_dir;
    rag::UseSuanliKeywordSearch(&store_options);
    ASSIGN_OR_RETURN(kept, rag::CollectionManager::Open(store_options));
    manager = kept.get();
  }
  const rag::EmbedFn embed = HashedEmbedder(options.dimension);
  auto collection = manager->Get(kCollection);
  if (!collection.ok()) {
    rag::CollectionConfig config;
    config.embed_model = "hashed-" + std::to_string(options.dimension);
    ASSIGN_OR_RETURN(collection, manager->Create(kCollection, config));
    RETURN_IF_ERROR(Ingest(**collection, sets, options));
  } else {
    std::printf("ingest: reusing the corpus in %s\n", options.store_dir.c_str());
  }
  ASSIGN_OR_RETURN(rag::CollectionStats stats, (*collection)->Stats());
  std::printf("collection: %lld chunks, %lld-d vectors, vector index: %s (HNSW from %zu vectors)\n",
              static_cast<long long>(stats.chunks), static_cast<long long>(stats.info.dimension),
              stats.index_kind.c_str(), rag::StoreOptions().hnsw_threshold);

  const std::vector<std::string> queries = PickQueries(sets, options.queries);
  const Case cases[] = {{"keyword", 4, 10}, {"keyword", 10, 10}, {"hybrid", 4, 30},
                        {"hybrid", 10, 30}, {"dense", 4, 0},     {"dense", 10, 0}};
  std::printf("%zu queries (3 Chinese : 1 English), after one warm-up pass\n", queries.size());
  std::printf("%-8s %3s %9s %9s %9s %8s %s\n", "mode", "k", "p50 ms", "p95 ms", "max ms", "target", "p50/target");
  for (const Case& c : cases) {
    if (std::find(options.modes.begin(), options.modes.end(), c.mode) == options.modes.end()) continue;
    rag::SearchRequest request;
    request.mode = c.mode;
    request.k = c.k;
    std::vector<double> times;
    for (int pass = 0; pass < 2; ++pass) {
      for (const std::string& query : queries) {
        request.query = query;
        const auto start = Clock::now();
        ASSIGN_OR_RETURN(auto hits, (*collection)->Search(request, embed));
        if (pass == 1) times.push_back(Millis(Clock::now() - start));
      }
    }
    std::sort(times.begin(), times.end());
    const double p50 = times[times.size() / 2];
    const double p95 = times[std::min(times.size() - 1, times.size() * 95 / 100)];
    if (c.target_ms > 0) {
      std::printf("%-8s %3d %9.2f %9.2f %9.2f %8.0f %.2f%s\n", c.mode, c.k, p50, p95, times.back(), c.target_ms,
                  p50 / c.target_ms, p50 <= c.target_ms ? "" : "  (above target)");
    } else {
      std::printf("%-8s %3d %9.2f %9.2f %9.2f %8s\n", c.mode, c.k, p50, p95, times.back(), "-");
    }
    std::fflush(stdout);
  }
  return OkStatus();
}

}  // namespace suanli::bench
