#include "engine/gguf_preflight.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace suanli::engine {
namespace {

// Builds GGUF bytes by hand so each field can be made hostile.
class GgufBytes {
 public:
  GgufBytes& Raw(const std::string& s) { data_ += s; return *this; }
  template <typename T>
  GgufBytes& Put(T v) { data_.append(reinterpret_cast<const char*>(&v), sizeof(v)); return *this; }
  GgufBytes& Str(const std::string& s) { Put<uint64_t>(s.size()); return Raw(s); }
  GgufBytes& Header(uint64_t tensors, uint64_t kvs, uint32_t version = 3) {
    return Raw("GGUF").Put<uint32_t>(version).Put<uint64_t>(tensors).Put<uint64_t>(kvs);
  }
  GgufBytes& KvString(const std::string& k, const std::string& v) { return Str(k).Put<uint32_t>(8).Str(v); }
  GgufBytes& TensorF32(const std::string& name, uint64_t ne0, uint64_t offset) {
    return Str(name).Put<uint32_t>(1).Put<uint64_t>(ne0).Put<uint32_t>(0 /*F32*/).Put<uint64_t>(offset);
  }
  GgufBytes& PadTo(size_t align) {
    while (data_.size() % align) data_ += '\0';
    return *this;
  }
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

class PreflightTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/suanli-preflight-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  StatusOr<GgufSummary> Check(const std::string& bytes) {
    path_ = dir_ + "/model.gguf";
    FILE* f = std::fopen(path_.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    return PreflightGguf(path_);
  }
  void ExpectCorrupt(const std::string& bytes, const std::string& needle) {
    auto r = Check(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find(dir_), std::string::npos) << "message leaks the folder";
  }
  std::string dir_, path_;
};

GgufBytes ValidModel() {
  GgufBytes b;
  b.Header(1, 1).KvString("general.architecture", "qwen2").TensorF32("w", 8, 0).PadTo(32);
  for (int i = 0; i < 8; ++i) b.Put<float>(1.0f);
  return b;
}

TEST_F(PreflightTest, AcceptsAWellFormedFile) {
  auto r = Check(ValidModel().data());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->architecture, "qwen2");
  EXPECT_EQ(r->tensor_count, 1u);
  EXPECT_EQ(r->data_offset % 32, 0u);
}

TEST_F(PreflightTest, MissingFileIsNotFound) {
  auto r = PreflightGguf(dir_ + "/absent.gguf");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "model file 'absent.gguf' not found");
}

TEST_F(PreflightTest, BadMagic) {
  ExpectCorrupt("GGML" + std::string(64, '\0'), "is not a GGUF model file");
  ExpectCorrupt("", "is not a GGUF model file");
  ExpectCorrupt("<html>not a model</html>", "is not a GGUF model file");
}

TEST_F(PreflightTest, UnsupportedVersion) {
  ExpectCorrupt(GgufBytes().Header(0, 0, 1).data(), "GGUF version 1");
  ExpectCorrupt(GgufBytes().Header(0, 0, 99).data(), "GGUF version 99");
}

TEST_F(PreflightTest, HugeCounts) {
  ExpectCorrupt(GgufBytes().Header(0, UINT64_MAX).data(), "key/value count");
  ExpectCorrupt(GgufBytes().Header(UINT64_MAX / 2, 0).data(), "tensor count");
}

TEST_F(PreflightTest, StringLongerThanFile) {
  GgufBytes b;
  b.Header(0, 1).Put<uint64_t>(1ull << 40).Raw("general.architecture");
  ExpectCorrupt(b.data(), "ends early");
}

TEST_F(PreflightTest, HostileArrays) {
  GgufBytes strings;
  strings.Header(0, 1).Str("tokenizer.ggml.tokens").Put<uint32_t>(9).Put<uint32_t>(8).Put<uint64_t>(UINT64_MAX);
  ExpectCorrupt(strings.data(), "array 'tokenizer.ggml.tokens'");
  GgufBytes ints;
  ints.Header(0, 1).Str("scores").Put<uint32_t>(9).Put<uint32_t>(6).Put<uint64_t>(UINT64_MAX / 2);
  ExpectCorrupt(ints.data(), "array 'scores' ends early");
  GgufBytes bad_type;
  bad_type.Header(0, 1).Str("k").Put<uint32_t>(77);
  ExpectCorrupt(bad_type.data(), "unknown type 77");
}

TEST_F(PreflightTest, TruncatedFile) {
  const std::string full = ValidModel().data();
  for (size_t cut : {size_t{6}, size_t{30}, full.size() - 20, full.size() - 1}) {
    auto r = Check(full.substr(0, cut));
    ASSERT_FALSE(r.ok()) << "accepted a file cut at " << cut;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  ExpectCorrupt(full.substr(0, full.size() - 4), "data extends past the end of the file");
}

TEST_F(PreflightTest, OffsetPastTheEnd) {
  GgufBytes b;
  b.Header(1, 0).TensorF32("w", 8, 1 << 20).PadTo(32);
  for (int i = 0; i < 8; ++i) b.Put<float>(0);
  ExpectCorrupt(b.data(), "tensor 'w' data extends past the end of the file");
}

TEST_F(PreflightTest, OverflowingShapeAndBadTensors) {
  GgufBytes shape;
  shape.Header(1, 0).Str("w").Put<uint32_t>(2).Put<uint64_t>(1ull << 40).Put<uint64_t>(1ull << 40)
      .Put<uint32_t>(0).Put<uint64_t>(0);
  ExpectCorrupt(shape.data(), "absurd shape");
  GgufBytes dims;
  dims.Header(1, 0).Str("w").Put<uint32_t>(9).Put<uint64_t>(0).Put<uint64_t>(0).Put<uint64_t>(0);
  ExpectCorrupt(dims.data(), "9 dimensions");
  GgufBytes type;
  type.Header(1, 0).Str("w").Put<uint32_t>(1).Put<uint64_t>(8).Put<uint32_t>(9999).Put<uint64_t>(0).PadTo(32);
  for (int i = 0; i < 8; ++i) type.Put<float>(0);
  ExpectCorrupt(type.data(), "unknown type 9999");
  GgufBytes misaligned;
  misaligned.Header(1, 0).TensorF32("w", 8, 3).PadTo(32);
  for (int i = 0; i < 16; ++i) misaligned.Put<float>(0);
  ExpectCorrupt(misaligned.data(), "misaligned");
}

TEST_F(PreflightTest, BadAlignment) {
  GgufBytes b;
  b.Header(0, 1).Str("general.alignment").Put<uint32_t>(4).Put<uint32_t>(3);
  ExpectCorrupt(b.data(), "not a power of two");
}

}  // namespace
}  // namespace suanli::engine
