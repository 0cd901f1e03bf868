// A model store written in Ollama's layout by hand (as `ollama pull` leaves
// it: a Docker v2 manifest, a config blob, model/template/system/params
// layers) and found through OLLAMA_MODELS: listed, shown and run unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/sha256.h"
#include "server_harness.h"

namespace suanli::testing {
namespace {

namespace fs = std::filesystem;

// As Ollama's own templates: the system prompt from .System, the other
// messages from .Messages (which also holds the system message).
const std::string kChatml =
    "{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
    "{{- range .Messages }}{{ if ne .Role \"system\" }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
    "{{ end }}<|im_start|>assistant\n";

// Writes blobs and a manifest the way Ollama stores them.
class OllamaStoreWriter {
 public:
  explicit OllamaStoreWriter(std::string root) : root_(std::move(root)) {
    fs::create_directories(root_ + "/blobs");
  }
  json Layer(const std::string& media_type, const std::string& bytes) {
    const std::string hex = Sha256Hex(bytes);
    std::ofstream(root_ + "/blobs/sha256-" + hex, std::ios::binary) << bytes;
    return {{"mediaType", "application/vnd.ollama.image." + media_type},
            {"digest", "sha256:" + hex},
            {"size", bytes.size()}};
  }
  void Manifest(const std::string& path, const json& config, const std::vector<json>& layers) {
    const std::string config_bytes = config.dump();
    const std::string hex = Sha256Hex(config_bytes);
    std::ofstream(root_ + "/blobs/sha256-" + hex) << config_bytes;
    json manifest = {{"schemaVersion", 2},
                     {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                     {"config",
                      {{"mediaType", "application/vnd.docker.container.image.v1+json"},
                       {"digest", "sha256:" + hex},
                       {"size", config_bytes.size()}}},
                     {"layers", layers}};
    fs::create_directories(fs::path(root_ + "/manifests/" + path).parent_path());
    std::ofstream(root_ + "/manifests/" + path) << manifest.dump();
  }

 private:
  std::string root_;
};

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(OllamaStoreTest, HandWrittenOllamaStoreIsListedShownAndRun) {
  char tmpl[] = "/tmp/suanli-ollama-store-XXXXXX";
  const std::string root = mkdtemp(tmpl);
  {
    OllamaStoreWriter store(root);
    const json config = {{"model_format", "gguf"}, {"model_family", "qwen2"}, {"model_families", {"qwen2"}},
                         {"model_type", "494M"},   {"file_type", "Q8_0"},     {"architecture", "amd64"},
                         {"os", "linux"}};
    const json model = store.Layer("model", ReadBytes(TinyChatModel()));
    store.Manifest("registry.ollama.ai/library/handmade/latest", config,
                   {model, store.Layer("template", kChatml), store.Layer("system", "You are handmade."),
                    store.Layer("params", R"({"stop":["<|im_end|>"],"temperature":0.2,"num_predict":4,"num_thread":1})"),
                    store.Layer("license", "MIT")});
    store.Manifest("registry.ollama.ai/someone/other/v1", config, {model});
  }
  // SUANLI_MODELS unset (empty): OLLAMA_MODELS is honoured, as for a user of both.
  ServerHarness server({{"SUANLI_MODELS", ""}, {"OLLAMA_MODELS", root}});
  ASSERT_TRUE(server.ok());

  json tags = server.Get("/api/tags").Json();
  std::vector<std::string> names;
  for (const auto& m : tags["models"]) names.push_back(m["name"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "handmade:latest"), names.end()) << tags.dump();
  EXPECT_NE(std::find(names.begin(), names.end(), "someone/other:v1"), names.end()) << tags.dump();

  json show = server.Post("/api/show", json{{"model", "handmade"}}).Json();
  EXPECT_EQ(show["template"], kChatml);
  EXPECT_EQ(show["system"], "You are handmade.");
  EXPECT_EQ(show["license"], "MIT");
  EXPECT_NE(show["parameters"].get<std::string>().find("temperature"), std::string::npos) << show.dump();
  EXPECT_EQ(show["details"]["family"], "qwen2");

  json rendered = server.Post("/api/chat", json{{"model", "handmade"},
                                                 {"messages", {{{"role", "user"}, {"content", "hi"}}}},
                                                 {"_debug_render_only", true}})
                      .Json();
  EXPECT_EQ(rendered["_debug_info"]["rendered_template"],
            "<|im_start|>system\nYou are handmade.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
      << rendered.dump();

  auto reply = server.Post("/api/chat", json{{"model", "handmade"},
                                             {"messages", {{{"role", "user"}, {"content", "hi"}}}},
                                             {"stream", false}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.Json()["done"], true);
  EXPECT_LE(reply.Json()["eval_count"].get<int>(), 4);  // num_predict from the params layer
  EXPECT_EQ(server.Post("/api/generate", json{{"model", "someone/other:v1"}, {"prompt", "x"}, {"stream", false},
                                              {"options", {{"num_predict", 2}, {"num_thread", 1}}}})
                .status,
            200);
  server.Terminate();
  fs::remove_all(root);
}

}  // namespace
}  // namespace suanli::testing
