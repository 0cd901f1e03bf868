// suanli: entry point. Parses the command line, dispatches to a subcommand,
// and turns anything unexpected into one clear line (never a stack trace).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.h"
#include "cli/version.h"

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
        {"runner", suanli::cli::RegisterRunnerCommand(app)},
        {"bench", suanli::cli::RegisterBenchCommand(app)},
    };

    CLI11_PARSE(app, argc, argv);
    if (show_version) {
      std::printf("suanli version is %s\n", suanli::cli::kVersion);
      return 0;
    }
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
