// suanli: entry point. Parses the command line, dispatches to a subcommand,
// and turns anything unexpected into one clear line (never a stack trace).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.h"

int main(int argc, char** argv) {
  try {
    CLI::App app{"suanli: a local LLM server (Ollama's API and CLI on llama.cpp)", "suanli"};
    app.require_subcommand(0, 1);
    bool show_version = false;
    app.add_flag("-v,--version", show_version, "Show version information");

    struct Entry {
      const char* name;
      suanli::cli::CommandFn run;
    };
    const Entry entries[] = {
        {"serve", suanli::cli::RegisterServeCommand(app)}, {"create", suanli::cli::RegisterCreateCommand(app)},
        {"show", suanli::cli::RegisterShowCommand(app)},   {"run", suanli::cli::RegisterRunCommand(app)},
        {"stop", suanli::cli::RegisterStopCommand(app)},   {"list", suanli::cli::RegisterListCommand(app)},
        {"ps", suanli::cli::RegisterPsCommand(app)},       {"cp", suanli::cli::RegisterCpCommand(app)},
        {"rm", suanli::cli::RegisterRmCommand(app)},       {"pull", suanli::cli::RegisterPullCommand(app)},
        {"runner", suanli::cli::RegisterRunnerCommand(app)},
        {"bench", suanli::cli::RegisterBenchCommand(app)}, {"rag", suanli::cli::RegisterRagCommand(app)},
        {"quantize", suanli::cli::RegisterQuantizeCommand(app)},
    };

    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      std::fprintf(stderr, "Error: %s\nRun with --help for more information.\n", e.what());
      return 1;
    }
    if (show_version) return suanli::cli::PrintVersion();
    for (const auto& entry : entries) {
      if (app.get_subcommand(entry.name)->parsed()) return entry.run();
    }
    std::printf("%s", app.help().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Error: %s\n", e.what());
    return 1;
  }
}
