// Paths of the models the `make_test_models` CTest fixture writes, and a
// process-wide tiny chat model loaded once for the engine tests.
#pragma once

#include <string>

#include "engine/model.h"

namespace suanli::engine::testing {

// Folder from SUANLI_TEST_MODELS_DIR (set by CTest).
std::string ModelsDir();
std::string TinyChatPath();
std::string TinyEmbedPath();
std::string TinyEmbedClsPath();

// Loaded once; aborts the test binary with a clear message if it cannot load.
const Model& TinyChat();

// A temporary folder removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace suanli::engine::testing
