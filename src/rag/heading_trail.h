// The path of enclosing headings at a point of a document ("Guide > Install >
// Linux"), for section metadata. Internal to the rag library. Not thread-safe
// (a value type).
#pragma once

#include <array>
#include <string>

namespace suanli::rag {

class HeadingTrail {
 public:
  // A heading of `level` (1 to 6, clamped) replaces the one at its level and
  // ends every deeper one.
  void Enter(int level, std::string text) {
    level = level < 1 ? 1 : (level > 6 ? 6 : level);
    headings_[level - 1] = std::move(text);
    for (int deeper = level; deeper < 6; ++deeper) headings_[deeper].clear();
  }

  // The non-empty headings from level 1 down, joined with " > ".
  std::string Path() const {
    std::string path;
    for (const std::string& heading : headings_) {
      if (heading.empty()) continue;
      if (!path.empty()) path += " > ";
      path += heading;
    }
    return path;
  }

 private:
  std::array<std::string, 6> headings_;
};

}  // namespace suanli::rag
