// A retrieval evaluation set read from a SQuAD-format file (v1 or v2): the
// passages (`context`) and the answerable questions, each with the index of
// its own passage as the gold answer. Pure data; thread-compatible.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.h"

namespace suanli::bench {

struct EvalQuestion {
  std::string text;
  size_t passage = 0;  // index into EvalSet::passages
};

struct EvalSet {
  std::string name;  // the file name without folder and extension
  std::vector<std::string> passages;
  std::vector<EvalQuestion> questions;  // v2's is_impossible questions are left out
};

// Reads `path`. NotFound when it cannot be read, InvalidArgument when it is
// not SQuAD-format JSON.
StatusOr<EvalSet> LoadSquadFile(const std::string& path);

}  // namespace suanli::bench
