// Splits a document's text into overlapping chunks for retrieval, recursively:
// by paragraph (blank lines), then sentence (。！？；!?; … newlines, and ". "; a
// closing quote or bracket stays with its sentence), then clause (，、：and ", "
// ": "), then word (white space), then character (grapheme cluster), and merges
// neighbouring pieces greedily up to `chunk_size`. Consecutive chunks of one
// merge share trailing pieces of at most `chunk_overlap` code points (never the
// whole previous chunk). Sizes and offsets are in Unicode code points; chunks
// are trimmed of white space and satisfy
// text == substring(document, start, end) (in code points).
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace suanli::rag {

struct ChunkerOptions {
  size_t chunk_size = 500;    // code points, > 0
  size_t chunk_overlap = 80;  // code points, < chunk_size
};

struct TextChunk {
  std::string text;
  size_t start;  // code-point offsets into the document text, [start, end)
  size_t end;
};

// Largest chunk_size accepted.
inline constexpr size_t kMaxChunkSize = 100000;

// OK, or InvalidArgument naming the field when chunk_size is 0 or above
// kMaxChunkSize, or chunk_overlap >= chunk_size. Call it on untrusted options
// before ChunkText.
Status ValidateChunkerOptions(const ChunkerOptions& options);

// The chunks of `utf8`, in document order; none for empty or white-space-only
// text. Every chunk has 1 to chunk_size code points and never splits a
// character (an invalid UTF-8 byte counts as one code point and is kept as is).
// REQUIRES: ValidateChunkerOptions(options).ok(); other options are clamped
// (chunk_size to 1..kMaxChunkSize, chunk_overlap below chunk_size), never UB.
std::vector<TextChunk> ChunkText(std::string_view utf8, const ChunkerOptions& options);

}  // namespace suanli::rag
