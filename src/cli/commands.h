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

// Server side and internals.
CommandFn RegisterServeCommand(CLI::App& app);
CommandFn RegisterRunnerCommand(CLI::App& app);
CommandFn RegisterQuantizeCommand(CLI::App& app);  // hidden: create's quantizer
CommandFn RegisterBenchCommand(CLI::App& app);

// Clients of a running server (SUANLI_HOST, else OLLAMA_HOST).
CommandFn RegisterCreateCommand(CLI::App& app);
CommandFn RegisterShowCommand(CLI::App& app);
CommandFn RegisterRunCommand(CLI::App& app);
CommandFn RegisterStopCommand(CLI::App& app);
CommandFn RegisterListCommand(CLI::App& app);  // alias `ls`
CommandFn RegisterPsCommand(CLI::App& app);
CommandFn RegisterCpCommand(CLI::App& app);
CommandFn RegisterRmCommand(CLI::App& app);
CommandFn RegisterPullCommand(CLI::App& app);
CommandFn RegisterRagCommand(CLI::App& app);  // `rag create|add|ls|rm|search|ask`

// `suanli -v`: prints the server's and the client's versions; returns 0.
int PrintVersion();

}  // namespace suanli::cli
