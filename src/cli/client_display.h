// ResponseWriter prints streamed model output to stdout, wrapping on word
// boundaries at the terminal width as Ollama's CLI does (displayResponse):
// when a word would cross the margin it is moved to the next line. Not
// thread-safe; one per response.
#pragma once

#include <string>
#include <string_view>

namespace suanli::cli {

class ResponseWriter {
 public:
  // `width` is the terminal width (0 when stdout is not a terminal); text is
  // wrapped only when `wrap` is set and width >= 10.
  ResponseWriter(bool wrap, int width) : wrap_(wrap && width >= 10), width_(width) {}

  // Prints `text` (pieces of a UTF-8 stream; a character split across two
  // calls is held back until it is complete).
  void Write(std::string_view text);
  // Starts a new paragraph state (after the thinking block).
  void Reset();
  // True when nothing was printed yet or the last character was a newline.
  bool AtLineStart() const { return at_line_start_; }

 private:
  void Put(std::string_view ch);

  bool wrap_;
  int width_;
  int line_length_ = 0;
  std::string word_buffer_;
  std::string pending_;  // an incomplete UTF-8 sequence
  bool at_line_start_ = true;
};

}  // namespace suanli::cli
