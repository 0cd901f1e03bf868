// Configuration of `suanli serve` from the environment: each SUANLI_X falls
// back to OLLAMA_X when unset, with Ollama's value syntax. The only place
// (with the other cli files) that reads the environment.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "rag/store_options.h"
#include "sched/scheduler.h"
#include "server/server.h"
#include "store/model_store.h"

namespace suanli::cli {

struct ServeConfig {
  std::string home;  // SUANLI_HOME: everything that is not models
  store::ModelStore::Options store;
  sched::SchedulerOptions sched;
  server::ServerOptions server;
  rag::StoreOptions rag;  // root: SUANLI_HOME/rag
  bool debug = false;
};

// Reads the environment. InvalidArgument names the variable with a bad value.
StatusOr<ServeConfig> LoadServeConfig();

// One "NAME  value  description" line per variable, for --help and the log.
std::vector<std::string> DescribeServeConfig(const ServeConfig& config);

}  // namespace suanli::cli
