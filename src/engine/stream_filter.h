// StreamFilter turns a stream of token pieces into text that is safe to emit:
// it never emits part of a UTF-8 character, finds stop strings even when they
// span several pieces, and never emits a stop string or anything after it.
// Pure logic with no llama.cpp dependency. Not thread-safe (one per request).
#pragma once

#include <string>
#include <vector>

namespace suanli::engine {

class StreamFilter {
 public:
  explicit StreamFilter(std::vector<std::string> stops);

  // Adds a piece; returns the text that can be emitted now (maybe empty).
  // After a stop string was found, returns only the text before it and
  // stopped() becomes true; later calls return "".
  std::string Push(const std::string& piece);
  // End of generation: returns whatever is still held back (a partial stop
  // match is real text then; an incomplete UTF-8 tail is dropped).
  std::string Flush();

  bool stopped() const { return stopped_; }
  const std::string& matched_stop() const { return matched_stop_; }

 private:
  std::vector<std::string> stops_;
  std::string pending_;  // received but not yet emitted
  bool stopped_ = false;
  std::string matched_stop_;
};

}  // namespace suanli::engine
