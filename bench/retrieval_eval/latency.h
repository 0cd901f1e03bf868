// Search latency at scale: a synthetic corpus (SyntheticCorpus, vectors
// from the hashed embedder) is ingested once into a collection configured
// as the server's (default HNSW threshold), then questions from the
// evaluation sets are searched in keyword, hybrid and dense mode and the
// p50/p95 latencies are reported against the targets. Single-threaded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "eval_set.h"

namespace suanli::bench {

struct LatencyOptions {
  size_t chunks = 100000;
  size_t chunks_per_document = 1000;
  size_t dimension = 384;
  size_t queries = 300;
  uint64_t seed = 1;
  std::vector<std::string> modes = {"keyword", "hybrid", "dense"};
  // When set: the store folder to keep (created and filled when it holds no
  // corpus yet, reused as it is otherwise). Empty: a temporary folder.
  std::string store_dir;
};

// Prints the ingest time and a table of latencies to stdout.
Status RunLatency(const std::vector<EvalSet>& sets, const LatencyOptions& options);

}  // namespace suanli::bench
