#include "cli/client_display.h"

#include <algorithm>
#include <cstdio>

#include "base/utf8.h"
#include "cli/client_format.h"

namespace suanli::cli {

namespace {

size_t SequenceLength(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 6) return 2;
  if ((c >> 4) == 14) return 3;
  if ((c >> 3) == 30) return 4;
  return 1;
}

}  // namespace

void ResponseWriter::Put(std::string_view text) {
  if (text.empty()) return;
  std::fwrite(text.data(), 1, text.size(), stdout);
  at_line_start_ = text.back() == '\n';
}

void ResponseWriter::Write(std::string_view piece) {
  std::string text = pending_ + std::string(piece);
  const size_t incomplete = IncompleteUtf8Suffix(text);
  pending_ = text.substr(text.size() - incomplete);
  text.resize(text.size() - incomplete);
  if (!wrap_) {
    Put(text);
    std::fflush(stdout);
    return;
  }
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = std::min(SequenceLength(static_cast<unsigned char>(text[i])), text.size() - i);
    const std::string_view ch(text.data() + i, n);
    i += n;
    const int ch_width = DisplayWidth(ch);
    if (line_length_ + 1 > width_ - 5) {
      if (DisplayWidth(word_buffer_) > width_ - 10) {
        // A word longer than a line: let the terminal break it.
        Put(ch);
        word_buffer_.clear();
        line_length_ = 0;
        continue;
      }
      // Move the partial word to the next line.
      const int back = DisplayWidth(word_buffer_);
      if (back > 0) std::printf("\x1b[%dD", back);
      std::fputs("\x1b[K\n", stdout);
      Put(word_buffer_);
      Put(ch);
      line_length_ = back + ch_width;
      if (ch == "\n" || ch == "\r") {
        line_length_ = 0;
        word_buffer_.clear();
      } else if (ch == " " || ch == "\t" || ch_width >= 2) {
        word_buffer_.clear();
      } else {
        word_buffer_ += std::string(ch);
      }
      continue;
    }
    Put(ch);
    line_length_ += ch_width;
    if (ch_width >= 2) {
      word_buffer_.clear();
      continue;
    }
    if (ch == " " || ch == "\t") {
      word_buffer_.clear();
    } else if (ch == "\n" || ch == "\r") {
      line_length_ = 0;
      word_buffer_.clear();
    } else {
      word_buffer_ += std::string(ch);
    }
  }
  std::fflush(stdout);
}

void ResponseWriter::Reset() {
  line_length_ = 0;
  word_buffer_.clear();
}

}  // namespace suanli::cli
