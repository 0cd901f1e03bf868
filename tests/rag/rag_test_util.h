// Helpers for the RAG store tests: a deterministic fake embedder (feature
// hashing of lower-cased words and character bigrams into 64 dimensions,
// L2-normalised), temporary store folders and document builders.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rag/collection.h"
#include "rag/collection_manager.h"

namespace suanli::rag::testing {

constexpr size_t kTestDimension = 64;

std::vector<float> HashEmbed(std::string_view text, size_t dimension = kTestDimension);

// Embeds with HashEmbed; counts calls and texts when the counters are given.
EmbedFn FakeEmbedder(size_t dimension = kTestDimension, std::atomic<int>* calls = nullptr,
                     std::atomic<int>* texts = nullptr);

// A temporary folder removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A document whose chunks are `texts` (offsets laid end to end).
DocumentInput MakeDocument(const std::string& source, const std::vector<std::string>& texts,
                           nlohmann::json metadata = nlohmann::json::object());

// Store options rooted at `root` (with the given HNSW threshold).
StoreOptions TestOptions(const std::string& root, size_t hnsw_threshold = 50000);

// Chunk ids of hits, in order.
std::vector<int64_t> ChunkIds(const std::vector<SearchHit>& hits);
// Texts of hits, in order.
std::vector<std::string> Texts(const std::vector<SearchHit>& hits);

}  // namespace suanli::rag::testing
