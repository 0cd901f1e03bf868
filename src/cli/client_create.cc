// `suanli create NAME [-f Modelfile] [-q TYPE]`: parses the Modelfile on the client,
// uploads the GGUF named by FROM as a blob (only when the server lacks it),
// then streams POST /api/create and prints its status lines, as Ollama does.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "base/sha256.h"
#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "cli/status_stream.h"
#include "store/modelfile.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

struct CreateFlags {
  std::string name;
  std::string file = "Modelfile";
  std::string quantize;
};

// Makes sure the server holds the blob; uploads it when HEAD says 404.
Status EnsureBlob(const api::ApiClient& client, const std::string& path, const std::string& digest) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return NotFoundError("could not open " + path);
  const std::string label = "copying file " + digest;
  Status head = client.Head("/api/blobs/" + digest);
  if (head.ok()) {
    ProgressBar(label, static_cast<uint64_t>(info.st_size)).Finish();
    return OkStatus();
  }
  if (head.code() != StatusCode::kNotFound) return head;
  ProgressBar bar(label, static_cast<uint64_t>(info.st_size));
  RETURN_IF_ERROR(client.UploadFile("/api/blobs/" + digest, path, [&bar](uint64_t sent, uint64_t) { bar.Set(sent); }));
  bar.Finish();
  return OkStatus();
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

int RunCreate(const CreateFlags& f) {
  std::ifstream in(f.file, std::ios::binary);
  if (!in) return PrintError(NotFoundError("could not read the Modelfile '" + f.file + "': " + std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  auto modelfile = store::ParseModelfile(text.str());
  if (!modelfile.ok()) return PrintError(modelfile.status());
  for (const auto& warning : modelfile->warnings) std::fprintf(stderr, "warning: %s\n", warning.c_str());

  api::ApiClient client = ClientFromEnv();
  std::fprintf(stderr, "gathering model components\n");
  // Local files are hashed and uploaded as blobs (only when the server lacks
  // them); the request then names them by digest.
  store::CreateRequestOptions options;
  options.modelfile_dir = DirName(f.file);
  options.digest = [&client](const std::string& path) -> StatusOr<std::string> {
    ASSIGN_OR_RETURN(std::string hex, Sha256File(path));
    const std::string digest = "sha256:" + hex;
    RETURN_IF_ERROR(EnsureBlob(client, path, digest));
    return digest;
  };
  auto body = store::ToCreateRequest(*modelfile, options);
  if (!body.ok()) return PrintError(body.status());
  json request = *body;
  request["model"] = f.name;
  request["stream"] = true;
  if (!f.quantize.empty()) request["quantize"] = f.quantize;

  StatusStreamPrinter printer;
  Status s = client.PostStream("/api/create", request, [&printer](const json& line) { return printer.OnLine(line); });
  if (!s.ok()) return PrintError(s);
  return 0;
}

}  // namespace

CommandFn RegisterCreateCommand(CLI::App& app) {
  auto flags = std::make_shared<CreateFlags>();
  CLI::App* cmd = app.add_subcommand("create", "Create a model from a Modelfile");
  cmd->add_option("MODEL", flags->name, "Name of the new model")->required();
  cmd->add_option("-f,--file", flags->file, "Name of the Modelfile (default \"Modelfile\")");
  cmd->add_option("-q,--quantize", flags->quantize,
                  "Quantize model to this level (e.g. q4_K_M, q4_K_S, q8_0; the source must be F16, BF16 or F32)");
  return [flags] { return RunCreate(*flags); };
}

}  // namespace suanli::cli
