#include "store/model_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <sstream>

#include "base/sha256.h"
#include "store/gguf_details.h"
#include "store/model_name.h"

namespace suanli::store {
namespace {

namespace fs = std::filesystem;

TEST(ModelNameTest, DefaultsAndDisplay) {
  auto n = ParseModelName("llama3.2");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->ManifestPath(), "registry.ollama.ai/library/llama3.2/latest");
  EXPECT_EQ(n->Display(), "llama3.2:latest");
  EXPECT_EQ(ParseModelName("user/model:q4")->Display(), "user/model:q4");
  EXPECT_EQ(ParseModelName("hf.co/user/repo:Q4_K_M")->ManifestPath(), "hf.co/user/repo/Q4_K_M");
  EXPECT_EQ(ParseModelName("localhost:5000/ns/m:t")->host, "localhost:5000");
  EXPECT_EQ(ParseModelName("Tiny")->Key(), ParseModelName("tiny:LATEST")->Key());
}

TEST(ModelNameTest, RejectsBadNames) {
  for (const char* bad : {"", "..", "../x", "a/../b", "a/b/c/d", "x:", ":tag", "-x", "a b", "x@sha256:00",
                          "ns.dot/model", "a//b", "m:t/../x", "model:..", "/abs"}) {
    EXPECT_FALSE(ParseModelName(bad).ok()) << bad;
  }
}

class ModelStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/suanli-store-XXXXXX";
    root_ = mkdtemp(tmpl);
    auto s = ModelStore::Open({root_, true, 1 << 20});
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
  }
  void TearDown() override { fs::remove_all(root_); }

  // A minimal GGUF (no tensors) uploaded as a blob; returns its digest.
  std::string UploadGguf(const std::string& architecture = "qwen2") {
    std::string g = "GGUF";
    auto put32 = [&](uint32_t v) { g.append(reinterpret_cast<char*>(&v), 4); };
    auto put64 = [&](uint64_t v) { g.append(reinterpret_cast<char*>(&v), 8); };
    put32(3);
    put64(0);
    put64(1);
    const std::string key = "general.architecture", value = architecture;
    put64(key.size());
    g += key;
    put32(8);
    put64(value.size());
    g += value;
    const std::string digest = "sha256:" + Sha256Hex(g);
    auto up = store_->BeginUpload(digest);
    EXPECT_TRUE(up.ok());
    EXPECT_TRUE((*up)->Write(g.data(), g.size()).ok());
    EXPECT_TRUE((*up)->Commit().ok());
    return digest;
  }

  size_t BlobCount() {
    size_t n = 0;
    for (auto& e : fs::directory_iterator(root_ + "/blobs")) n += e.is_regular_file();
    return n;
  }

  std::string root_;
  std::unique_ptr<ModelStore> store_;
};

TEST_F(ModelStoreTest, CreateListGetCopyDeletePrune) {
  const std::string digest = UploadGguf();
  CreateSpec spec;
  spec.model_digest = digest;
  spec.system = "You are Mario";
  spec.parameters = {{"temperature", 1}, {"stop", {"a", "b"}}};
  std::vector<std::string> progress;
  ASSERT_TRUE(store_->Create("mario", spec, [&](const std::string& s) { progress.push_back(s); }).ok());
  EXPECT_EQ(progress.front(), "parsing GGUF");
  EXPECT_EQ(progress.back(), "success");
  EXPECT_TRUE(fs::exists(root_ + "/manifests/registry.ollama.ai/library/mario/latest"));

  auto got = store_->Get("MARIO:latest");
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->system, "You are Mario");
  EXPECT_EQ(got->parameters["temperature"], 1);
  EXPECT_EQ(got->details.family, "qwen2");
  EXPECT_EQ(got->digest.size(), 64u);
  EXPECT_EQ(got->model_path, store_->BlobPath(digest));

  ASSERT_TRUE(store_->Copy("mario", "luigi:v1").ok());
  EXPECT_EQ(store_->List()->size(), 2u);
  const size_t blobs = BlobCount();
  ASSERT_TRUE(store_->Delete("mario").ok());
  EXPECT_EQ(BlobCount(), blobs) << "luigi still uses every blob";
  EXPECT_EQ(store_->Get("mario").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("mario").status().message(), "model 'mario' not found");
  ASSERT_TRUE(store_->Delete("luigi:v1").ok());
  EXPECT_EQ(BlobCount(), 0u) << "unreferenced blobs are pruned";
  EXPECT_FALSE(fs::exists(root_ + "/manifests/registry.ollama.ai/library/mario"));
}

TEST_F(ModelStoreTest, UploadsAreVerifiedAndCapped) {
  const std::string data = "some bytes";
  const std::string wrong = "sha256:" + std::string(64, 'a');
  auto up = store_->BeginUpload(wrong);
  ASSERT_TRUE(up.ok());
  ASSERT_TRUE((*up)->Write(data.data(), data.size()).ok());
  Status st = (*up)->Commit();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("digest mismatch, expected " + wrong), std::string::npos);
  up->reset();
  EXPECT_FALSE(store_->HasBlob(wrong));
  EXPECT_EQ(BlobCount(), 0u) << "no partial file is left";

  EXPECT_EQ(store_->BeginUpload("sha256:../../x").status().code(), StatusCode::kInvalidArgument);
  auto big = store_->BeginUpload("sha256:" + std::string(64, 'b'));
  std::string chunk(1 << 19, 'x');
  EXPECT_TRUE((*big)->Write(chunk.data(), chunk.size()).ok());
  EXPECT_EQ((*big)->Write(chunk.data(), chunk.size()).code(), StatusCode::kOk);
  EXPECT_EQ((*big)->Write(chunk.data(), 1).code(), StatusCode::kResourceExhausted);
}

TEST_F(ModelStoreTest, CreateNeedsAnUploadedValidGguf) {
  CreateSpec spec;
  spec.model_digest = "sha256:" + std::string(64, 'c');
  EXPECT_EQ(store_->Create("x", spec, [](const std::string&) {}).code(), StatusCode::kInvalidArgument);
  spec.model_digest = "../../etc/passwd";
  EXPECT_EQ(store_->Create("x", spec, [](const std::string&) {}).code(), StatusCode::kInvalidArgument);
  const std::string junk = "not a gguf";
  const std::string digest = "sha256:" + Sha256Hex(junk);
  auto up = store_->BeginUpload(digest);
  ASSERT_TRUE((*up)->Write(junk.data(), junk.size()).ok());
  ASSERT_TRUE((*up)->Commit().ok());
  spec.model_digest = digest;
  Status st = store_->Create("x", spec, [](const std::string&) {});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->List()->empty()) << "no manifest for a failed create";
}

TEST_F(ModelStoreTest, RecoveryRemovesTempFilesAndSkipsBrokenManifests) {
  const std::string digest = UploadGguf();
  CreateSpec spec;
  spec.model_digest = digest;
  ASSERT_TRUE(store_->Create("good", spec, [](const std::string&) {}).ok());
  // What a crash can leave: an upload temp file, a manifest temp file, and a
  // manifest whose blob is gone.
  std::ofstream(root_ + "/blobs/sha256-" + std::string(64, 'd') + "-upload-1-0") << "partial";
  std::ofstream(root_ + "/manifests/registry.ollama.ai/library/good/latest.tmp-1-0") << "{";
  fs::create_directories(root_ + "/manifests/registry.ollama.ai/library/broken");
  std::ofstream(root_ + "/manifests/registry.ollama.ai/library/broken/latest")
      << R"({"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"not-a-digest"}]})";
  auto reopened = ModelStore::Open({root_, true, 1 << 20});
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(fs::exists(root_ + "/blobs/sha256-" + std::string(64, 'd') + "-upload-1-0"));
  EXPECT_FALSE(fs::exists(root_ + "/manifests/registry.ollama.ai/library/good/latest.tmp-1-0"));
  auto list = (*reopened)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name.Display(), "good:latest");
}

TEST_F(ModelStoreTest, AdapterLayersAndNewModelLayers) {
  const std::string digest = UploadGguf();
  const std::string adapter = "adapter bytes";
  const std::string adapter_digest = "sha256:" + Sha256Hex(adapter);
  auto up = store_->BeginUpload(adapter_digest);
  ASSERT_TRUE((*up)->Write(adapter.data(), adapter.size()).ok());
  ASSERT_TRUE((*up)->Commit().ok());
  CreateSpec spec;
  spec.model_digest = digest;
  spec.new_model_layer = true;
  spec.adapter_digests = {adapter_digest};
  std::vector<std::string> progress;
  ASSERT_TRUE(store_->Create("lora", spec, [&](const std::string& s) { progress.push_back(s); }).ok());
  EXPECT_NE(std::find(progress.begin(), progress.end(), "creating new layer " + digest), progress.end());
  EXPECT_NE(std::find(progress.begin(), progress.end(), "using existing layer " + adapter_digest), progress.end());
  auto got = store_->Get("lora");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->adapter_paths, std::vector<std::string>{store_->BlobPath(adapter_digest)});
  std::ifstream manifest(root_ + "/manifests/registry.ollama.ai/library/lora/latest");
  std::stringstream text;
  text << manifest.rdbuf();
  EXPECT_NE(text.str().find("application/vnd.ollama.image.adapter"), std::string::npos);

  spec.adapter_digests = {"sha256:" + std::string(64, 'e')};  // never uploaded
  EXPECT_EQ(store_->Create("lora2", spec, [](const std::string&) {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get("lora2").status().code(), StatusCode::kNotFound);
}

TEST_F(ModelStoreTest, NamesDifferingInCaseShareOneManifest) {
  CreateSpec spec;
  spec.model_digest = UploadGguf();
  ASSERT_TRUE(store_->Create("Mario", spec, [](const std::string&) {}).ok());
  spec.system = "second";
  ASSERT_TRUE(store_->Create("mario:LATEST", spec, [](const std::string&) {}).ok());
  ASSERT_TRUE(store_->Copy("Mario", "MARIO").ok());
  auto list = store_->List();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name.Display(), "Mario:latest") << "the first spelling stays";
  EXPECT_EQ((*list)[0].system, "second");
}

TEST_F(ModelStoreTest, PendingBlobsCommitOrVanish) {
  {
    auto pending = store_->NewPendingBlob();
    ASSERT_TRUE(pending.ok());
    std::ofstream((*pending)->temp_path()) << "abandoned";
    EXPECT_EQ(BlobCount(), 1u);
  }
  EXPECT_EQ(BlobCount(), 0u) << "an abandoned pending blob is removed";
  auto pending = store_->NewPendingBlob();
  ASSERT_TRUE(pending.ok());
  EXPECT_NE((*pending)->temp_path().find(".tmp-"), std::string::npos) << "recovery must recognise it";
  std::ofstream((*pending)->temp_path()) << "quantized";
  auto digest = (*pending)->Commit();
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, "sha256:" + Sha256Hex("quantized"));
  EXPECT_TRUE(store_->HasBlob(*digest));
  pending->reset();
  EXPECT_TRUE(store_->HasBlob(*digest)) << "a committed blob stays";
}

TEST_F(ModelStoreTest, DeleteFreesOnlyItsOwnLayers) {
  const std::string digest = UploadGguf();
  CreateSpec spec;
  spec.model_digest = digest;
  spec.system = "only mine";
  ASSERT_TRUE(store_->Create("gone", spec, [](const std::string&) {}).ok());
  // An upload for a create that has not been sent yet.
  const std::string waiting = "uploaded for a later create";
  const std::string waiting_digest = "sha256:" + Sha256Hex(waiting);
  auto up = store_->BeginUpload(waiting_digest);
  ASSERT_TRUE((*up)->Write(waiting.data(), waiting.size()).ok());
  ASSERT_TRUE((*up)->Commit().ok());
  ASSERT_TRUE(store_->Delete("gone").ok());
  EXPECT_TRUE(store_->HasBlob(waiting_digest)) << "a blob no manifest names yet is not the delete's to free";
  EXPECT_FALSE(store_->HasBlob(digest));
  EXPECT_FALSE(store_->HasBlob("sha256:" + Sha256Hex("only mine")));
}

TEST_F(ModelStoreTest, RecreatePrunesTheOldLayersButNotSharedOnes) {
  const std::string model = UploadGguf();
  CreateSpec spec;
  spec.model_digest = model;
  spec.system = "first system";
  ASSERT_TRUE(store_->Create("mario", spec, [](const std::string&) {}).ok());
  spec.system = "kept by luigi";
  ASSERT_TRUE(store_->Create("luigi", spec, [](const std::string&) {}).ok());
  const std::string first = "sha256:" + Sha256Hex("first system");
  ASSERT_TRUE(store_->HasBlob(first));

  // Re-created (in another case) with a new system prompt: the old system
  // layer goes, the model layer both manifests use stays.
  spec.system = "second system";
  ASSERT_TRUE(store_->Create("MARIO", spec, [](const std::string&) {}).ok());
  EXPECT_FALSE(store_->HasBlob(first)) << "the replaced manifest's own layer is pruned";
  EXPECT_TRUE(store_->HasBlob(model));
  EXPECT_TRUE(store_->HasBlob("sha256:" + Sha256Hex("second system")));
  ASSERT_TRUE(store_->Get("mario").ok());
  EXPECT_EQ(store_->Get("mario")->system, "second system");

  // A layer another model still uses is kept.
  spec.system = "kept by luigi";
  ASSERT_TRUE(store_->Create("mario", spec, [](const std::string&) {}).ok());
  EXPECT_FALSE(store_->HasBlob("sha256:" + Sha256Hex("second system")));
  spec.system = "third system";
  ASSERT_TRUE(store_->Create("mario", spec, [](const std::string&) {}).ok());
  EXPECT_TRUE(store_->HasBlob("sha256:" + Sha256Hex("kept by luigi"))) << "luigi still uses it";

  // A new model layer: the old one goes once no manifest uses it.
  const std::string other = UploadGguf("llama");
  spec.model_digest = other;
  ASSERT_TRUE(store_->Create("mario", spec, [](const std::string&) {}).ok());
  EXPECT_TRUE(store_->HasBlob(model)) << "luigi uses it";
  ASSERT_TRUE(store_->Create("luigi", spec, [](const std::string&) {}).ok());
  EXPECT_FALSE(store_->HasBlob(model));
  EXPECT_EQ(store_->List()->size(), 2u);
  EXPECT_EQ(store_->Get("luigi")->model_path, store_->BlobPath(other));
}

TEST_F(ModelStoreTest, RecreateKeepsOldLayersWithoutPrune) {
  auto kept = ModelStore::Open({root_, false, 1 << 20});
  ASSERT_TRUE(kept.ok());
  CreateSpec spec;
  spec.model_digest = UploadGguf();
  spec.system = "first system";
  ASSERT_TRUE((*kept)->Create("mario", spec, [](const std::string&) {}).ok());
  spec.system = "second system";
  ASSERT_TRUE((*kept)->Create("mario", spec, [](const std::string&) {}).ok());
  EXPECT_TRUE((*kept)->HasBlob("sha256:" + Sha256Hex("first system")));
}

TEST_F(ModelStoreTest, ModelsWithMissingBlobsAreReportedNotListed) {
  CreateSpec spec;
  spec.model_digest = UploadGguf();
  ASSERT_TRUE(store_->Create("good", spec, [](const std::string&) {}).ok());
  // A model whose GGUF was removed (a valid digest, no blob).
  const std::string gone_model = UploadGguf("llama");
  spec.model_digest = gone_model;
  ASSERT_TRUE(store_->Create("no-model", spec, [](const std::string&) {}).ok());
  ASSERT_TRUE(fs::remove(store_->BlobPath(gone_model)));
  // A model whose config blob was removed.
  spec.model_digest = UploadGguf("bert");
  ASSERT_TRUE(store_->Create("no-config", spec, [](const std::string&) {}).ok());
  std::ifstream in(root_ + "/manifests/registry.ollama.ai/library/no-config/latest");
  std::stringstream manifest;
  manifest << in.rdbuf();
  const std::string config_digest = nlohmann::json::parse(manifest.str())["config"]["digest"];
  ASSERT_TRUE(fs::remove(store_->BlobPath(config_digest)));

  ::testing::internal::CaptureStderr();
  auto reopened = ModelStore::Open({root_, true, 1 << 20});
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(reopened.ok());
  for (const char* broken : {"no-model:latest", "no-config:latest"}) {
    const size_t at = log.find(std::string("model ") + broken + " is not listed");
    EXPECT_NE(at, std::string::npos) << log;
    EXPECT_EQ(log.find(std::string("model ") + broken, at + 1), std::string::npos) << "one line each:\n" << log;
  }
  EXPECT_EQ(log.find("good"), std::string::npos) << log;

  auto list = (*reopened)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name.Display(), "good:latest");
  for (const char* broken : {"no-model", "No-Config:latest"}) {
    auto got = (*reopened)->Get(broken);
    EXPECT_EQ(got.status().code(), StatusCode::kNotFound) << broken;
    EXPECT_NE(got.status().message().find("is missing its layers; pull or create it again"), std::string::npos)
        << got.status().message();
  }
  EXPECT_EQ((*reopened)->Get("no-model").status().message(),
            "model 'no-model:latest' is missing its layers; pull or create it again");
  EXPECT_EQ((*reopened)->Copy("no-model", "copy").code(), StatusCode::kNotFound);

  // Such a model can still be deleted, and created again.
  ASSERT_TRUE((*reopened)->Delete("NO-MODEL").ok());
  EXPECT_EQ((*reopened)->Get("no-model").status().message(), "model 'no-model' not found");
  EXPECT_EQ((*reopened)->Delete("no-model").code(), StatusCode::kNotFound);
  spec.model_digest = UploadGguf();
  ASSERT_TRUE((*reopened)->Create("no-config", spec, [](const std::string&) {}).ok());
  EXPECT_EQ((*reopened)->List()->size(), 2u);
}

TEST(GgufDetailsTest, HumanParameterCounts) {
  EXPECT_EQ(HumanParameterCount(494032768), "494.03M");
  EXPECT_EQ(HumanParameterCount(7615616512ULL), "7.62B");
  EXPECT_EQ(HumanParameterCount(999), "999");
}

}  // namespace
}  // namespace suanli::store
