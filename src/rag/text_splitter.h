// The separator levels of the chunker: each splits a range of decoded text
// into consecutive pieces that cover it exactly, each piece keeping its
// separator (and the white space after it) at its end. Internal to the rag
// library. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <vector>

namespace suanli::rag {

enum class SplitLevel { kParagraph, kSentence, kClause, kWord, kGrapheme, kCodePoint };

struct TextRange {
  size_t begin;
  size_t end;
  size_t size() const { return end - begin; }
};

// Pieces of [range.begin, range.end) of `text` (code points) at `level`. A
// piece of white space only is joined to its neighbour, so every piece has a
// visible character unless the whole range is white space. kCodePoint gives
// one piece per code point.
std::vector<TextRange> SplitRange(const std::vector<char32_t>& text, TextRange range, SplitLevel level);

}  // namespace suanli::rag
