// Helpers of the create integration tests: the extra test models, blob
// uploads, greedy generation, and a consistency check of a store
// folder (every manifest's blobs exist; no temp files).
#pragma once

#include <string>
#include <vector>

#include "server_harness.h"

namespace suanli::testing {

std::string TinyChatF16Model();   // tiny-chat with F16 matrices
std::string TinyChatQ8Model();    // tiny-chat with Q8_0 matrices
std::string TinyChatLoraModel();  // a LoRA adapter for tiny-chat

std::string ReadFile(const std::string& path);
// Uploads `bytes` as a blob; returns "sha256:<hex>" (empty on failure).
std::string UploadBlob(ServerHarness& server, const std::string& bytes);

// Greedy generation (seed 7, temperature 0, `n` tokens): the reply body.
json Generate(ServerHarness& server, const std::string& model, int n = 12);

// Problems found in a store folder: manifests naming missing blobs, temp
// files left behind. Empty when consistent.
std::vector<std::string> StoreProblems(const std::string& models_dir);

}  // namespace suanli::testing
