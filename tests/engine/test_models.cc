#include "engine/test_models.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace suanli::engine::testing {

std::string ModelsDir() {
  const char* dir = std::getenv("SUANLI_TEST_MODELS_DIR");
  if (dir == nullptr) {
    std::fprintf(stderr, "SUANLI_TEST_MODELS_DIR is not set: run the tests through ctest\n");
    std::abort();
  }
  return dir;
}
std::string TinyChatPath() { return ModelsDir() + "/tiny-chat.gguf"; }
std::string TinyEmbedPath() { return ModelsDir() + "/tiny-embed.gguf"; }
std::string TinyEmbedClsPath() { return ModelsDir() + "/tiny-embed-cls.gguf"; }

const Model& TinyChat() {
  static const Model* model = [] {
    auto loaded = Model::Load(TinyChatPath(), LoadOptions{});
    if (!loaded.ok()) {
      std::fprintf(stderr, "cannot load the tiny chat model: %s\n", loaded.status().message().c_str());
      std::abort();
    }
    return std::move(loaded).value().release();
  }();
  return *model;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/suanli-test-XXXXXX";
  path_ = mkdtemp(tmpl);
}
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace suanli::engine::testing
