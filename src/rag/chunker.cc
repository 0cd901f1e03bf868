#include "rag/chunker.h"

#include <algorithm>
#include <deque>

#include "rag/text_splitter.h"
#include "rag/unicode_text.h"

namespace suanli::rag {

namespace {

SplitLevel NextLevel(SplitLevel level) { return static_cast<SplitLevel>(static_cast<int>(level) + 1); }

class Chunker {
 public:
  Chunker(std::string_view utf8, size_t size, size_t overlap, std::vector<TextChunk>* out)
      : utf8_(utf8), size_(size), overlap_(overlap), out_(out) {
    for (size_t pos = 0; pos < utf8.size();) {
      char32_t cp;
      const size_t length = DecodeUtf8At(utf8, pos, &cp);
      text_.push_back(cp);
      byte_at_.push_back(pos);
      pos += length;
    }
    byte_at_.push_back(utf8.size());
  }

  void Run() { Process({0, text_.size()}, SplitLevel::kParagraph); }

 private:
  // Pieces that fit are merged in runs; a piece too long is split at the next
  // level on its own (so chunks prefer the boundaries of the higher levels).
  void Process(TextRange range, SplitLevel level) {
    const std::vector<TextRange> pieces = SplitRange(text_, range, level);
    std::vector<TextRange> fitting;
    for (const TextRange& piece : pieces) {
      if (piece.size() <= size_ || level == SplitLevel::kCodePoint) {
        fitting.push_back(piece);
        continue;
      }
      Merge(fitting);
      fitting.clear();
      Process(piece, NextLevel(level));
    }
    Merge(fitting);
  }

  // Greedy merge up to size_; the next chunk starts with trailing pieces of the
  // previous one worth at most overlap_. Those never start where the previous
  // chunk's text starts, so a chunk is never repeated whole.
  void Merge(const std::vector<TextRange>& pieces) {
    std::deque<TextRange> current;
    size_t total = 0;
    for (const TextRange& piece : pieces) {
      if (!current.empty() && total + piece.size() > size_) {
        const size_t emitted_begin = Emit(current.front().begin, current.back().end);
        while (!current.empty() &&
               (total > overlap_ || total + piece.size() > size_ || current.front().begin <= emitted_begin)) {
          total -= current.front().size();
          current.pop_front();
        }
      }
      current.push_back(piece);
      total += piece.size();
    }
    if (!current.empty()) Emit(current.front().begin, current.back().end);
  }

  // Adds the chunk [begin, end) without its surrounding white space, unless
  // that leaves nothing new. Returns where its text begins (0 when skipped).
  size_t Emit(size_t begin, size_t end) {
    while (begin < end && IsWhiteSpace(text_[begin])) ++begin;
    while (end > begin && IsWhiteSpace(text_[end - 1])) --end;
    if (begin == end || (!out_->empty() && end <= out_->back().end)) return 0;
    const size_t from = byte_at_[begin];
    out_->push_back(TextChunk{std::string(utf8_.substr(from, byte_at_[end] - from)), begin, end});
    return begin;
  }

  std::string_view utf8_;
  size_t size_;
  size_t overlap_;
  std::vector<TextChunk>* out_;
  std::vector<char32_t> text_;   // decoded code points
  std::vector<size_t> byte_at_;  // byte offset of each code point, plus the end
};

}  // namespace

Status ValidateChunkerOptions(const ChunkerOptions& options) {
  if (options.chunk_size == 0) return InvalidArgumentError("chunk_size must be at least 1 (code points)");
  if (options.chunk_size > kMaxChunkSize) {
    return InvalidArgumentError("chunk_size must be at most " + std::to_string(kMaxChunkSize) + " (code points)");
  }
  if (options.chunk_overlap >= options.chunk_size) {
    return InvalidArgumentError("chunk_overlap must be smaller than chunk_size (got " +
                                std::to_string(options.chunk_overlap) + " and " + std::to_string(options.chunk_size) +
                                ")");
  }
  return OkStatus();
}

std::vector<TextChunk> ChunkText(std::string_view utf8, const ChunkerOptions& options) {
  const size_t size = std::clamp<size_t>(options.chunk_size, 1, kMaxChunkSize);
  const size_t overlap = std::min(options.chunk_overlap, size - 1);
  std::vector<TextChunk> chunks;
  Chunker(utf8, size, overlap, &chunks).Run();
  return chunks;
}

}  // namespace suanli::rag
