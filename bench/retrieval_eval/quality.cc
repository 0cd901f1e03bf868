#include "quality.h"

#include <chrono>
#include <cstdio>
#include <unordered_map>

#include "bench_store.h"
#include "rag/unicode_text.h"

namespace suanli::bench {

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

constexpr int kSearchK = 10;
constexpr size_t kQueryBatch = 32;

// Embeds every question once, in batches, and answers the searches' query
// embeddings from that table (the vectors a search would get anyway).
StatusOr<rag::EmbedFn> CachedQueryEmbedder(const EvalSet& set, const rag::EmbedFn& embed) {
  auto cache = std::make_shared<std::unordered_map<std::string, std::vector<float>>>();
  std::vector<std::string> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return OkStatus();
    ASSIGN_OR_RETURN(auto vectors, embed(batch));
    for (size_t i = 0; i < batch.size(); ++i) (*cache)[batch[i]] = std::move(vectors[i]);
    batch.clear();
    return OkStatus();
  };
  for (const EvalQuestion& q : set.questions) {
    if (cache->count(q.text) != 0) continue;
    batch.push_back(q.text);
    if (batch.size() == kQueryBatch) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(flush());
  return rag::EmbedFn(
      [cache, embed](const std::vector<std::string>& texts) -> StatusOr<std::vector<std::vector<float>>> {
        std::vector<std::vector<float>> out;
        for (const std::string& text : texts) {
          auto it = cache->find(text);
          if (it == cache->end()) return embed(texts);
          out.push_back(it->second);
        }
        return out;
      });
}

// The source of passage i: "p<i>" (built with append: GCC 12 warns
// falsely about "p" + std::to_string).
std::string PassageSource(size_t i) {
  std::string source = "p";
  source += std::to_string(i);
  return source;
}

Status Ingest(const EvalSet& set, rag::Collection& collection, const rag::EmbedFn& embed) {
  for (size_t i = 0; i < set.passages.size(); ++i) {
    rag::DocumentInput doc;
    doc.source = PassageSource(i);
    doc.content = set.passages[i];
    doc.chunks.push_back({set.passages[i], 0, static_cast<int64_t>(rag::CountCodePoints(set.passages[i])), nullptr});
    RETURN_IF_ERROR(collection.AddDocument(doc, embed).status());
  }
  return OkStatus();
}

// 1-based rank of passage `gold` among the hits' passages (each passage
// counted once, at its best chunk), 0 when absent.
size_t GoldRank(const std::vector<rag::SearchHit>& hits, size_t gold) {
  const std::string want = PassageSource(gold);
  std::vector<std::string> seen;
  for (const rag::SearchHit& hit : hits) {
    bool repeat = false;
    for (const std::string& s : seen) repeat = repeat || s == hit.source;
    if (repeat) continue;
    seen.push_back(hit.source);
    if (hit.source == want) return seen.size();
  }
  return 0;
}

StatusOr<QualityResult> RunMode(const EvalSet& set, const rag::Collection& collection, const std::string& mode,
                                const NamedEmbedder& embedder, const rag::EmbedFn& query_embed) {
  QualityResult result;
  result.mode = mode;
  result.embedder = mode == "keyword" ? "" : embedder.name;
  rag::SearchRequest request;
  request.k = kSearchK;
  request.mode = mode;
  const auto start = Clock::now();
  for (const EvalQuestion& q : set.questions) {
    request.query = q.text;
    ASSIGN_OR_RETURN(std::vector<rag::SearchHit> hits, collection.Search(request, query_embed));
    result.metrics.Add(GoldRank(hits, q.passage));
  }
  result.search_ms = Seconds(start) * 1000.0 / static_cast<double>(std::max<size_t>(1, set.questions.size()));
  return result;
}

}  // namespace

StatusOr<std::vector<QualityResult>> EvaluateRetrieval(const EvalSet& set,
                                                       const std::vector<NamedEmbedder>& embedders) {
  if (embedders.empty()) return InvalidArgumentError("at least one embedder is needed");
  ASSIGN_OR_RETURN(std::unique_ptr<BenchStore> store, BenchStore::Create());
  std::vector<QualityResult> results;
  for (size_t e = 0; e < embedders.size(); ++e) {
    const NamedEmbedder& embedder = embedders[e];
    rag::CollectionConfig config;
    config.embed_model = embedder.name;
    config.chunk_size = 100000;  // recorded only: passages are stored as given
    config.chunk_overlap = 0;
    ASSIGN_OR_RETURN(auto collection, store->manager().Create("eval-" + std::to_string(e), config));
    const auto start = Clock::now();
    RETURN_IF_ERROR(Ingest(set, *collection, embedder.embed));
    const double ingest_s = Seconds(start);
    ASSIGN_OR_RETURN(rag::EmbedFn query_embed, CachedQueryEmbedder(set, embedder.embed));
    std::vector<std::string> modes = {"dense", "hybrid"};
    if (e == 0) modes.insert(modes.begin(), "keyword");
    for (const std::string& mode : modes) {
      ASSIGN_OR_RETURN(QualityResult result, RunMode(set, *collection, mode, embedder, query_embed));
      result.ingest_s = ingest_s;
      results.push_back(std::move(result));
    }
  }
  return results;
}

}  // namespace suanli::bench
