// Prints a progress stream of Ollama's shape (`suanli pull`, `suanli create`)
// on stderr as Ollama's CLI does: a line for each new status, and a progress
// bar for each line that carries a total (one bar per digest). Not
// thread-safe; one per stream.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/progress_bar.h"

namespace suanli::cli {

class StatusStreamPrinter {
 public:
  // Handles one NDJSON line; always returns true (keep reading).
  bool OnLine(const nlohmann::json& line);

 private:
  std::string last_status_;
  std::map<std::string, std::unique_ptr<ProgressBar>> bars_;  // by digest (or status)
};

}  // namespace suanli::cli
