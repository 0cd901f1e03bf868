// Retrieval quality on an evaluation set: every passage is ingested as one
// document of one chunk (no chunker, so the gold passage is exactly one
// chunk) into a temporary collection configured as the server's, every
// question is searched (k = 10) in keyword mode and, per embedder, in dense
// and hybrid mode, and the rank of the question's own passage gives
// recall@1/3/5/10 and MRR@10. Single-threaded.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "eval_set.h"
#include "rag/collection.h"
#include "rank_metrics.h"

namespace suanli::bench {

struct NamedEmbedder {
  std::string name;  // "hashed-256", "tiny-embed"
  rag::EmbedFn embed;
};

struct QualityResult {
  std::string mode;      // "keyword", "dense" or "hybrid"
  std::string embedder;  // empty for keyword
  RankMetrics metrics;
  double ingest_s = 0;   // ingest of the passages (for the embedder's collection)
  double search_ms = 0;  // mean time per search
};

// Runs the evaluation; keyword mode once (in the first embedder's
// collection), dense and hybrid once per embedder. REQUIRES: at least one
// embedder (the ingest needs vectors).
StatusOr<std::vector<QualityResult>> EvaluateRetrieval(const EvalSet& set, const std::vector<NamedEmbedder>& embedders);

}  // namespace suanli::bench
