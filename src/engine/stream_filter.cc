#include "engine/stream_filter.h"

#include <algorithm>

#include "base/utf8.h"

namespace suanli::engine {

StreamFilter::StreamFilter(std::vector<std::string> stops) {
  for (auto& s : stops) {
    if (!s.empty()) stops_.push_back(std::move(s));
  }
}

std::string StreamFilter::Push(const std::string& piece) {
  if (stopped_) return "";
  pending_ += piece;

  // Earliest complete stop string wins.
  size_t best = std::string::npos;
  for (const auto& stop : stops_) {
    size_t at = pending_.find(stop);
    if (at < best) {
      best = at;
      matched_stop_ = stop;
    }
  }
  if (best != std::string::npos) {
    stopped_ = true;
    std::string out = pending_.substr(0, best);
    pending_.clear();
    return out;
  }

  // Hold back the longest suffix that could still become a stop string.
  size_t hold = 0;
  for (const auto& stop : stops_) {
    size_t max_len = std::min(stop.size() - 1, pending_.size());
    for (size_t len = max_len; len > hold; --len) {
      if (pending_.compare(pending_.size() - len, len, stop, 0, len) == 0) {
        hold = len;
        break;
      }
    }
  }
  size_t emit = pending_.size() - hold;
  // And never cut a UTF-8 character.
  emit -= IncompleteUtf8Suffix(std::string_view(pending_).substr(0, emit));
  std::string out = pending_.substr(0, emit);
  pending_.erase(0, emit);
  return out;
}

std::string StreamFilter::Flush() {
  if (stopped_) return "";
  std::string out;
  out.swap(pending_);
  out.resize(out.size() - IncompleteUtf8Suffix(out));
  return out;
}

}  // namespace suanli::engine
