// `suanli -v`: the server's version (GET /api/version) and, when it differs
// or no server answers, the client's own.
#include <cstdio>

#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/version.h"

namespace suanli::cli {

int PrintVersion() {
  api::ClientOptions options = ClientOptionsFromEnv();
  options.connect_timeout_s = 2;
  options.read_timeout_s = 5;
  auto reply = api::ApiClient(options).Get("/api/version");
  std::string server_version;
  if (reply.ok() && reply->is_object() && (*reply)["version"].is_string()) {
    server_version = (*reply)["version"].get<std::string>();
  }
  if (server_version.empty()) {
    std::printf("suanli version is %s\n", kVersion);
    std::fprintf(stderr, "Warning: could not connect to a running suanli instance\n");
    return 0;
  }
  std::printf("suanli version is %s\n", server_version.c_str());
  if (server_version != kVersion) std::printf("Warning: client version is %s\n", kVersion);
  return 0;
}

}  // namespace suanli::cli
