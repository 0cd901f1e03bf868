// Embedding vectors as the store keeps them: checked (right dimension, finite,
// not all zero), L2-normalised float32, and stored in SQLite as a blob of
// little-endian float32 values. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace suanli::rag {

// Checks `v` (InvalidArgument when empty, not `dimension` long (when
// dimension > 0), non-finite or all zero) and L2-normalises it in place.
// `what` names the vector in the message ("the embedding of chunk 3").
Status NormalizeEmbedding(std::vector<float>& v, size_t dimension, std::string_view what);

// The blob form of n floats, and back (false when the blob is not
// `dimension` floats long).
std::string EmbeddingToBlob(const float* v, size_t dimension);
bool EmbeddingFromBlob(std::string_view blob, size_t dimension, float* out);

// Inner product of two vectors of `dimension` floats (their cosine when both
// are normalised).
double Dot(const float* a, const float* b, size_t dimension);

}  // namespace suanli::rag
