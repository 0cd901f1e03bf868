// Execution of a parsed Go template over a TemplateValue, with Go's rules
// (missingkey=zero, truth, variable scopes, range/break/continue) and hard
// limits on output size, steps and nesting so that a hostile template ends
// with an error instead of exhausting the process. Thread-safe: each call
// has its own state; the tree and data are only read.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/go_template_ast.h"
#include "store/go_template_value.h"

namespace suanli::store {

struct TemplateExecOptions {
  size_t max_output_bytes = 64u << 20;  // also caps every string a call builds
  uint64_t max_steps = 20'000'000;      // nodes, commands and range iterations
  int max_depth = 200;                  // nested control structures and calls
  // Go prints "<no value>" for a missing map key; Ollama's users see that.
  // False prints nothing instead.
  bool print_no_value = false;
  // The clock for currentDate/yesterdayDate; the epoch means "now".
  std::chrono::system_clock::time_point now{};
};

// Runs `root` (nodes of a tree parsed from `source`) with `data` as dot and $.
// Internal "template: :LINE:COL: executing \"\" at <node>: message" on any
// error (a missing struct field, a bad call, a limit exceeded).
StatusOr<std::string> ExecuteTemplateNodes(const std::string& source, const std::vector<TemplateNode>& root,
                                           const TemplateValue& data, const TemplateExecOptions& options);

}  // namespace suanli::store
