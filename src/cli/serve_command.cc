// `suanli serve`: the composition root of the server.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace suanli::cli {

CommandFn RegisterServeCommand(CLI::App& app) {
  app.add_subcommand("serve", "Start suanli");
  return [] { return 1; };
}

}  // namespace suanli::cli
