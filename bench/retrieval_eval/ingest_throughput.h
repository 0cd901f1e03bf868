// Ingestion throughput through a running server against the raw embedding
// throughput of the same model: the same chunk texts (documents chunked
// here exactly as the server chunks them) are embedded with POST /api/embed
// in the batches the collection would use, and ingested as documents with
// POST /api/rag/collections/{name}/documents; rounds alternate between the
// two. Single-threaded client.
#pragma once

#include <string>
#include <vector>

#include "api/client.h"
#include "base/status.h"
#include "eval_set.h"

namespace suanli::bench {

struct IngestOptions {
  std::string model = "tiny-embed";
  size_t documents = 60;
  size_t passages_per_document = 8;
  int rounds = 3;
};

// Prints chunks/s of both sides per round and the ratio ingest / embed
// (target >= 0.90).
Status RunIngestThroughput(const api::ApiClient& client, const std::vector<EvalSet>& sets,
                           const IngestOptions& options);

}  // namespace suanli::bench
