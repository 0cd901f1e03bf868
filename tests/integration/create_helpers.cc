#include "create_helpers.h"

#include <cpp-httplib/httplib.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/sha256.h"

namespace suanli::testing {

namespace fs = std::filesystem;

namespace {
std::string ModelsDir() {
  const char* v = std::getenv("SUANLI_TEST_MODELS_DIR");
  return v ? v : ".";
}
}  // namespace

std::string TinyChatF16Model() { return ModelsDir() + "/tiny-chat-f16.gguf"; }
std::string TinyChatQ8Model() { return ModelsDir() + "/tiny-chat-q8.gguf"; }
std::string TinyChatLoraModel() { return ModelsDir() + "/tiny-chat-lora.gguf"; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string UploadBlob(ServerHarness& server, const std::string& bytes) {
  const std::string digest = "sha256:" + Sha256Hex(bytes);
  auto r = server.Client()->Post("/api/blobs/" + digest, bytes, "application/octet-stream");
  if (!r || (r->status != 201 && r->status != 200)) return "";
  return digest;
}

json Generate(ServerHarness& server, const std::string& model, int n) {
  return server
      .Post("/api/generate", json{{"model", model},
                                  {"prompt", "Tell me about the sea."},
                                  {"stream", false},
                                  {"options", {{"seed", 7}, {"temperature", 0}, {"num_predict", n}}}})
      .Json();
}

std::vector<std::string> StoreProblems(const std::string& models_dir) {
  std::vector<std::string> problems;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(models_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.find(".tmp-") != std::string::npos || name.find("-upload-") != std::string::npos) {
      problems.push_back("temp file left: " + name);
    }
  }
  for (auto it = fs::recursive_directory_iterator(models_dir + "/manifests", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    json m = json::parse(ReadFile(it->path().string()), nullptr, false);
    if (!m.is_object()) {
      problems.push_back("unreadable manifest " + it->path().string());
      continue;
    }
    std::vector<std::string> digests = {m["config"].value("digest", "")};
    for (const auto& layer : m.value("layers", json::array())) digests.push_back(layer.value("digest", ""));
    for (const auto& d : digests) {
      if (d.size() != 71 || !fs::exists(models_dir + "/blobs/sha256-" + d.substr(7))) {
        problems.push_back("manifest " + it->path().filename().string() + " names missing blob " + d);
      }
    }
  }
  return problems;
}

}  // namespace suanli::testing
