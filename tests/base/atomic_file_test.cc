#include "base/atomic_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace suanli {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/suanli-atomic-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Names in `dir_` (recursively) that look like a temp file of a write.
  std::vector<std::string> TempFiles() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (e.path().filename().string().find(".tmp-") != std::string::npos) out.push_back(e.path().string());
    }
    return out;
  }
  static size_t OpenDescriptors() {
    size_t n = 0;
    for (auto it = fs::directory_iterator("/proc/self/fd"); it != fs::directory_iterator(); ++it) ++n;
    return n;
  }

  std::string dir_;
};

TEST_F(AtomicFileTest, WritesAndReplacesAFile) {
  const std::string path = dir_ + "/file.json";
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  EXPECT_EQ(Read(path), "first");
  ASSERT_TRUE(WriteFileAtomically(path, std::string("with\0nul", 8)).ok());
  EXPECT_EQ(Read(path), std::string("with\0nul", 8));
  ASSERT_TRUE(WriteFileAtomically(path, "").ok());
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path), 0u);
  EXPECT_TRUE(TempFiles().empty());
}

TEST_F(AtomicFileTest, AMissingFolderIsAnErrorThatLeavesNothing) {
  const Status st = WriteFileAtomically(dir_ + "/no/such/folder/file", "x");
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_NE(st.message().find("cannot write a file"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find(dir_), std::string::npos) << "no absolute paths in messages";
  EXPECT_FALSE(fs::exists(dir_ + "/no"));
  EXPECT_TRUE(TempFiles().empty());
}

TEST_F(AtomicFileTest, AFailedRenameLeavesNoTempFileAndTheOldContents) {
  // The target is a folder that is not empty: the temp file is written and
  // flushed, then the rename fails.
  const std::string path = dir_ + "/target";
  fs::create_directories(path);
  std::ofstream(path + "/inside") << "old";
  const size_t descriptors = OpenDescriptors();
  for (int i = 0; i < 20; ++i) {
    const Status st = WriteFileAtomically(path, "new contents");
    EXPECT_EQ(st.code(), StatusCode::kInternal);
    EXPECT_NE(st.message().find("cannot rename a file into place"), std::string::npos) << st.message();
  }
  EXPECT_TRUE(TempFiles().empty()) << TempFiles().front();
  EXPECT_EQ(Read(path + "/inside"), "old");
  EXPECT_EQ(OpenDescriptors(), descriptors) << "every failed write closes its file";
}

TEST_F(AtomicFileTest, MakeDirectoriesCreatesParents) {
  ASSERT_TRUE(MakeDirectories(dir_ + "/a/b/c").ok());
  EXPECT_TRUE(fs::is_directory(dir_ + "/a/b/c"));
  ASSERT_TRUE(MakeDirectories(dir_ + "/private", true).ok());
  EXPECT_EQ(fs::status(dir_ + "/private").permissions() & fs::perms::all, fs::perms::owner_all);
  std::ofstream(dir_ + "/plain") << "x";
  EXPECT_FALSE(MakeDirectories(dir_ + "/plain/sub").ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/a/b/c/f", "deep").ok());
  EXPECT_EQ(Read(dir_ + "/a/b/c/f"), "deep");
}

}  // namespace
}  // namespace suanli
