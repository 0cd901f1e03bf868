// A deterministic stand-in for an embedding model that still ranks by
// meaning of a sort: feature hashing of character bigrams. The text is
// normalised as for keyword search (NFKC, case folding), every run of
// characters that are neither letters, digits nor CJK becomes one space,
// and each pair of adjacent characters adds +1 or -1 (by a hash bit) to one
// of `dimension` buckets; the vector is L2-normalised. Thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "rag/collection.h"

namespace suanli::bench {

std::vector<float> HashedEmbedding(std::string_view text, size_t dimension);

// An EmbedFn over HashedEmbedding (never fails; an empty text gets a fixed
// unit vector).
rag::EmbedFn HashedEmbedder(size_t dimension);

}  // namespace suanli::bench
