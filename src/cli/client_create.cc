// `suanli create NAME [-f Modelfile]`: parses the Modelfile on the client,
// uploads the GGUF named by FROM as a blob (only when the server lacks it),
// then streams POST /api/create and prints its status lines, as Ollama does.
#include <openssl/evp.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/modelfile_lite.h"
#include "cli/progress_bar.h"

namespace suanli::cli {

namespace {

using json = nlohmann::json;

struct CreateFlags {
  std::string name;
  std::string file = "Modelfile";
};

struct EvpDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct FileDeleter {
  void operator()(FILE* f) const { std::fclose(f); }
};

// Lower-case hex SHA-256 of a file's contents.
StatusOr<std::string> Sha256File(const std::string& path) {
  std::unique_ptr<FILE, FileDeleter> file(std::fopen(path.c_str(), "rb"));
  if (!file) return NotFoundError("could not open " + path + ": " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, EvpDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return InternalError("could not start a sha256 digest");
  }
  std::vector<unsigned char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), file.get())) > 0) {
    if (EVP_DigestUpdate(ctx.get(), buf.data(), n) != 1) return InternalError("sha256 digest failed");
  }
  if (std::ferror(file.get())) return InternalError("could not read " + path);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) return InternalError("sha256 digest failed");
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// FROM's path: `~` expanded, relative to the Modelfile's folder.
std::string ResolvePath(const std::string& from, const std::string& modelfile_dir) {
  if (from == "~" || from.rfind("~/", 0) == 0) return EnvValue("HOME") + from.substr(1);
  if (!from.empty() && from[0] == '/') return from;
  return modelfile_dir + "/" + from;
}

bool LooksLikePath(const std::string& from) {
  return from.find('/') != std::string::npos || from[0] == '.' || from[0] == '~' ||
         (from.size() > 5 && from.compare(from.size() - 5, 5, ".gguf") == 0);
}

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

int RunCreate(const CreateFlags& f) {
  std::ifstream in(f.file, std::ios::binary);
  if (!in) return PrintError(NotFoundError("could not read the Modelfile '" + f.file + "': " + std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  auto modelfile = ParseModelfileLite(text.str());
  if (!modelfile.ok()) return PrintError(modelfile.status());
  for (const auto& warning : modelfile->warnings) std::fprintf(stderr, "warning: %s\n", warning.c_str());

  api::ApiClient client = ClientFromEnv();
  json request = {{"model", f.name}, {"stream", true}};
  std::fprintf(stderr, "gathering model components\n");
  const std::string path = ResolvePath(modelfile->from, DirName(f.file));
  struct stat info;
  if (stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      return PrintError(
          InvalidArgumentError("FROM " + modelfile->from + " is a folder; only GGUF files are supported for now"));
    }
    auto hex = Sha256File(path);
    if (!hex.ok()) return PrintError(hex.status());
    const std::string digest = "sha256:" + *hex;
    if (Status s = EnsureBlob(client, path, digest); !s.ok()) return PrintError(s);
    request["files"] = {{BaseName(path), digest}};
  } else if (LooksLikePath(modelfile->from)) {
    return PrintError(NotFoundError("(line " + std::to_string(modelfile->from_line) + "): FROM " + modelfile->from +
                                    ": no such file"));
  } else {
    request["from"] = modelfile->from;  // an existing model
  }
  if (!modelfile->parameters.empty()) request["parameters"] = modelfile->parameters;
  if (modelfile->has_system) request["system"] = modelfile->system;
  if (modelfile->has_template) request["template"] = modelfile->template_;
  if (!modelfile->licenses.empty()) request["license"] = modelfile->licenses;
  if (!modelfile->messages.empty()) request["messages"] = modelfile->messages;
  if (!modelfile->requires_version.empty()) request["requires"] = modelfile->requires_version;
  if (!modelfile->renderer.empty()) request["renderer"] = modelfile->renderer;
  if (!modelfile->parser.empty()) request["parser"] = modelfile->parser;

  std::string last_status;
  std::map<std::string, std::unique_ptr<ProgressBar>> bars;
  Status s = client.PostStream("/api/create", request, [&](const json& line) {
    const std::string status = JsonString(line, "status");
    const std::string digest = JsonString(line, "digest");
    if (!digest.empty() && JsonInt(line, "total") > 0) {
      auto& bar = bars[digest];
      if (!bar) bar = std::make_unique<ProgressBar>(status, static_cast<uint64_t>(JsonInt(line, "total")));
      bar->Set(static_cast<uint64_t>(std::max<int64_t>(0, JsonInt(line, "completed"))));
    } else if (!status.empty() && status != last_status) {
      for (auto& [_, bar] : bars) bar->Finish();
      std::fprintf(stderr, "%s\n", status.c_str());
      last_status = status;
    }
    return true;
  });
  if (!s.ok()) return PrintError(s);
  return 0;
}

}  // namespace

CommandFn RegisterCreateCommand(CLI::App& app) {
  auto flags = std::make_shared<CreateFlags>();
  CLI::App* cmd = app.add_subcommand("create", "Create a model from a Modelfile");
  cmd->add_option("MODEL", flags->name, "Name of the new model")->required();
  cmd->add_option("-f,--file", flags->file, "Name of the Modelfile (default \"Modelfile\")");
  return [flags] { return RunCreate(*flags); };
}

}  // namespace suanli::cli
