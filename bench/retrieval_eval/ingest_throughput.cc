#include "ingest_throughput.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "rag/chunker.h"
#include "rag/document_loader.h"
#include "rag/document_pipeline.h"
#include "rag/store_options.h"

namespace suanli::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kTarget = 0.90;

struct BenchDocument {
  std::string source;
  std::string text;
  std::vector<std::string> chunks;  // as the server will cut them
};

// Documents of consecutive passages (taken from every set in turn), chunked
// with the collection's settings by the server's own pipeline.
StatusOr<std::vector<BenchDocument>> MakeDocuments(const std::vector<EvalSet>& sets, const IngestOptions& options,
                                                   const rag::ChunkerOptions& chunker) {
  std::vector<const std::string*> passages;
  for (size_t i = 0; passages.size() < options.documents * options.passages_per_document; ++i) {
    bool any = false;
    for (const EvalSet& set : sets) {
      if (i < set.passages.size()) {
        passages.push_back(&set.passages[i]);
        any = true;
      }
    }
    if (!any) break;
  }
  std::vector<BenchDocument> documents;
  for (size_t start = 0; start < passages.size(); start += options.passages_per_document) {
    BenchDocument doc;
    doc.source = "bench-" + std::to_string(documents.size()) + ".txt";
    for (size_t i = start; i < std::min(passages.size(), start + options.passages_per_document); ++i) {
      if (!doc.text.empty()) doc.text += "\n\n";
      doc.text += *passages[i];
    }
    ASSIGN_OR_RETURN(rag::LoadedDocument loaded, rag::LoadDocument(doc.text, doc.source, ""));
    ASSIGN_OR_RETURN(rag::DocumentInput input, rag::PrepareDocument(doc.source, loaded, nullptr, chunker));
    for (const rag::ChunkInput& chunk : input.chunks) doc.chunks.push_back(chunk.text);
    documents.push_back(std::move(doc));
  }
  return documents;
}

// Seconds to embed every document's chunks in batches of `batch` texts.
StatusOr<double> TimeEmbed(const api::ApiClient& client, const std::string& model,
                           const std::vector<BenchDocument>& documents, size_t batch) {
  const auto start = Clock::now();
  for (const BenchDocument& doc : documents) {
    for (size_t i = 0; i < doc.chunks.size(); i += batch) {
      const std::vector<std::string> texts(doc.chunks.begin() + i,
                                           doc.chunks.begin() + std::min(doc.chunks.size(), i + batch));
      ASSIGN_OR_RETURN(nlohmann::json reply, client.Post("/api/embed", {{"model", model}, {"input", texts}}));
      if (reply["embeddings"].size() != texts.size()) return InternalError("/api/embed returned too few vectors");
    }
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Seconds to ingest every document into a new collection `name`.
StatusOr<double> TimeIngest(const api::ApiClient& client, const std::string& model, const std::string& name,
                            const std::vector<BenchDocument>& documents, const rag::ChunkerOptions& chunker,
                            size_t expected_chunks) {
  (void)client.Delete("/api/rag/collections/" + name, nlohmann::json::object());
  RETURN_IF_ERROR(client
                      .Post("/api/rag/collections", {{"name", name},
                                                     {"embed_model", model},
                                                     {"chunk_size", chunker.chunk_size},
                                                     {"chunk_overlap", chunker.chunk_overlap}})
                      .status());
  size_t chunks = 0;
  const auto start = Clock::now();
  for (const BenchDocument& doc : documents) {
    ASSIGN_OR_RETURN(nlohmann::json reply, client.Post("/api/rag/collections/" + name + "/documents",
                                                       {{"text", doc.text}, {"source", doc.source}}));
    chunks += reply.value("chunks", size_t{0});
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  RETURN_IF_ERROR(client.Delete("/api/rag/collections/" + name, nlohmann::json::object()).status());
  if (chunks != expected_chunks) {
    return InternalError("the server stored " + std::to_string(chunks) + " chunks, the benchmark expected " +
                         std::to_string(expected_chunks));
  }
  return seconds;
}

}  // namespace

Status RunIngestThroughput(const api::ApiClient& client, const std::vector<EvalSet>& sets,
                           const IngestOptions& options) {
  const rag::ChunkerOptions chunker;  // the server's defaults for a new collection
  const size_t batch = rag::StoreOptions().embed_batch_size;
  ASSIGN_OR_RETURN(std::vector<BenchDocument> documents, MakeDocuments(sets, options, chunker));
  size_t chunks = 0;
  for (const BenchDocument& doc : documents) chunks += doc.chunks.size();
  std::printf("%zu documents, %zu chunks (chunk size %zu, overlap %zu), embedding batches of %zu, model %s\n",
              documents.size(), chunks, chunker.chunk_size, chunker.chunk_overlap, batch, options.model.c_str());
  // Loads the model and warms both paths (the first pass over the texts is
  // slower than the next ones).
  RETURN_IF_ERROR(TimeEmbed(client, options.model, documents, batch).status());
  RETURN_IF_ERROR(
      TimeIngest(client, options.model, "bench-warmup", {documents.front()}, chunker, documents.front().chunks.size())
          .status());
  std::printf("%-6s %14s %14s %8s\n", "round", "embed chunk/s", "ingest chunk/s", "ratio");
  std::vector<double> ratios;
  double best_embed = 0, best_ingest = 0;
  for (int round = 1; round <= options.rounds; ++round) {
    ASSIGN_OR_RETURN(double embed_s, TimeEmbed(client, options.model, documents, batch));
    ASSIGN_OR_RETURN(double ingest_s, TimeIngest(client, options.model, "bench-ingest", documents, chunker, chunks));
    const double embed_rate = chunks / embed_s, ingest_rate = chunks / ingest_s;
    best_embed = std::max(best_embed, embed_rate);
    best_ingest = std::max(best_ingest, ingest_rate);
    ratios.push_back(ingest_rate / embed_rate);
    std::printf("%-6d %14.1f %14.1f %8.3f\n", round, embed_rate, ingest_rate, ratios.back());
    std::fflush(stdout);
  }
  std::sort(ratios.begin(), ratios.end());
  const double median = ratios[ratios.size() / 2];
  std::printf(
      "best rates: embed %.1f, ingest %.1f chunks/s; ratio of the bests %.3f, median ratio %.3f "
      "(target >= %.2f)%s\n",
      best_embed, best_ingest, best_ingest / best_embed, median, kTarget, median >= kTarget ? "" : "  (below target)");
  const double extra_ms = 1000.0 / best_ingest - 1000.0 / best_embed;
  std::printf("ingest cost beyond embedding (best rates): %.2f ms per chunk, %.1f ms per document\n", extra_ms,
              extra_ms * static_cast<double>(chunks) / static_cast<double>(documents.size()));
  return OkStatus();
}

}  // namespace suanli::bench
