#include "rag/rag_test_util.h"

#include <stdlib.h>

#include <cctype>
#include <cmath>
#include <filesystem>

namespace suanli::rag::testing {

namespace {

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void AddFeature(std::string_view feature, float weight, std::vector<float>& v) {
  const uint64_t h = Fnv1a(feature);
  v[h % v.size()] += (h >> 63) ? -weight : weight;
}

}  // namespace

std::vector<float> HashEmbed(std::string_view text, size_t dimension) {
  std::vector<float> v(dimension, 0.0f);
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Words (runs of letters and digits) weigh more than character bigrams.
  std::string word;
  for (size_t i = 0; i <= lower.size(); ++i) {
    const bool alnum = i < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[i])) || lower[i] & 0x80);
    if (alnum) {
      word += lower[i];
    } else if (!word.empty()) {
      AddFeature("w:" + word, 2.0f, v);
      word.clear();
    }
  }
  for (size_t i = 0; i + 1 < lower.size(); ++i) AddFeature("b:" + lower.substr(i, 2), 0.5f, v);
  double norm = 0;
  for (float x : v) norm += x * x;
  if (norm == 0) {
    v[0] = 1.0f;
    return v;
  }
  for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

EmbedFn FakeEmbedder(size_t dimension, std::atomic<int>* calls, std::atomic<int>* texts) {
  return [=](const std::vector<std::string>& input) -> StatusOr<std::vector<std::vector<float>>> {
    if (calls != nullptr) ++*calls;
    if (texts != nullptr) *texts += static_cast<int>(input.size());
    std::vector<std::vector<float>> out;
    for (const std::string& text : input) out.push_back(HashEmbed(text, dimension));
    return out;
  };
}

TempDir::TempDir() {
  char pattern[] = "/tmp/suanli-rag-XXXXXX";
  path_ = ::mkdtemp(pattern);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

DocumentInput MakeDocument(const std::string& source, const std::vector<std::string>& texts, nlohmann::json metadata) {
  DocumentInput doc;
  doc.source = source;
  doc.metadata = std::move(metadata);
  int64_t offset = 0;
  for (const std::string& text : texts) {
    doc.content += text + "\n";
    doc.chunks.push_back({text, offset, offset + static_cast<int64_t>(text.size()), nlohmann::json::object()});
    offset += static_cast<int64_t>(text.size()) + 1;
  }
  return doc;
}

StoreOptions TestOptions(const std::string& root, size_t hnsw_threshold) {
  StoreOptions options;
  options.root = root;
  options.embed_batch_size = 4;
  options.hnsw_threshold = hnsw_threshold;
  return options;
}

std::vector<int64_t> ChunkIds(const std::vector<SearchHit>& hits) {
  std::vector<int64_t> ids;
  for (const SearchHit& hit : hits) ids.push_back(hit.chunk_id);
  return ids;
}

std::vector<std::string> Texts(const std::vector<SearchHit>& hits) {
  std::vector<std::string> texts;
  for (const SearchHit& hit : hits) texts.push_back(hit.text);
  return texts;
}

}  // namespace suanli::rag::testing
