// Subcommands of the suanli binary. Each Register* adds its CLI11 subcommand
// and returns a function that runs it after parsing (exit code). Only the cli
// module reads flags and environment variables.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace suanli::cli {

using CommandFn = std::function<int()>;

CommandFn RegisterRunnerCommand(CLI::App& app);
CommandFn RegisterBenchCommand(CLI::App& app);

}  // namespace suanli::cli
