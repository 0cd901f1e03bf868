#include "hashed_embedder.h"

#include <cmath>

#include "rag/unicode_text.h"

namespace suanli::bench {

namespace {

uint64_t HashPair(char32_t a, char32_t b) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the two code points
  for (char32_t cp : {a, b}) {
    for (int i = 0; i < 4; ++i) {
      h ^= (cp >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  }
  return h ^ (h >> 29);
}

}  // namespace

std::vector<float> HashedEmbedding(std::string_view text, size_t dimension) {
  std::vector<rag::NormalizedChar> chars;
  rag::NormalizeForSearch(text, &chars);
  std::u32string seq;
  seq.reserve(chars.size());
  for (const auto& c : chars) {
    const bool keep = rag::IsCjkChar(c.cp) || rag::IsWordChar(c.cp);
    if (keep) {
      seq.push_back(c.cp);
    } else if (!seq.empty() && seq.back() != U' ') {
      seq.push_back(U' ');
    }
  }
  std::vector<float> v(dimension, 0.0f);
  for (size_t i = 0; i + 1 < seq.size(); ++i) {
    const uint64_t h = HashPair(seq[i], seq[i + 1]);
    v[h % dimension] += (h >> 63) != 0 ? -1.0f : 1.0f;
  }
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  if (norm == 0) {
    v[0] = 1.0f;
    return v;
  }
  const float scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : v) x *= scale;
  return v;
}

rag::EmbedFn HashedEmbedder(size_t dimension) {
  return [dimension](const std::vector<std::string>& texts) -> StatusOr<std::vector<std::vector<float>>> {
    std::vector<std::vector<float>> out;
    out.reserve(texts.size());
    for (const std::string& text : texts) out.push_back(HashedEmbedding(text, dimension));
    return out;
  };
}

}  // namespace suanli::bench
