#include "rag/collection_manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "rag/rag_test_util.h"

namespace suanli::rag {
namespace {

namespace fs = std::filesystem;
using testing::FakeEmbedder;
using testing::MakeDocument;
using testing::TempDir;
using testing::TestOptions;

CollectionConfig Config(const std::string& model = "hash-64") {
  CollectionConfig config;
  config.embed_model = model;
  config.chunk_size = 300;
  config.chunk_overlap = 30;
  return config;
}

TEST(CollectionNameTest, AcceptsSimpleNamesOnly) {
  const std::string longest(64, 'x'), too_long(65, 'x');
  for (const std::string& good : {std::string("docs"), std::string("a"), std::string("Docs_2024"),
                                  std::string("my-notes.v2"), std::string("0abc"), longest}) {
    EXPECT_TRUE(IsValidCollectionName(good)) << good;
  }
  for (const char* bad : {"", ".", "..", ".hidden", "-x", "_x", "a/b", "../x", "a b", "a\\b", "名字", "a:b"}) {
    EXPECT_FALSE(IsValidCollectionName(bad)) << bad;
  }
  EXPECT_FALSE(IsValidCollectionName(too_long));
}

TEST(CollectionManagerTest, CreateListGetDelete) {
  TempDir dir;
  auto manager = CollectionManager::Open(TestOptions(dir.path()));
  ASSERT_TRUE(manager.ok()) << manager.status().ToString();
  auto created = (*manager)->Create("notes", Config());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(fs::is_regular_file(dir.path() + "/notes/collection.db"));
  ASSERT_TRUE((*manager)->Create("books", Config("other-model")).ok());

  auto again = (*manager)->Create("notes", Config());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);

  auto info = (*created)->Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "notes");
  EXPECT_EQ(info->embed_model, "hash-64");
  EXPECT_EQ(info->dimension, 0);
  EXPECT_EQ(info->chunk_size, 300);
  EXPECT_EQ(info->chunk_overlap, 30);
  EXPECT_GT(info->created_at, 0);

  ASSERT_TRUE((*created)->AddDocument(MakeDocument("a.txt", {"alpha beta", "gamma delta"}), FakeEmbedder()).ok());
  auto list = (*manager)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].info.name, "books");
  EXPECT_EQ((*list)[0].documents, 0);
  EXPECT_EQ((*list)[0].index_kind, "none");
  EXPECT_EQ((*list)[1].info.name, "notes");
  EXPECT_EQ((*list)[1].documents, 1);
  EXPECT_EQ((*list)[1].chunks, 2);
  EXPECT_EQ((*list)[1].info.dimension, 64);
  EXPECT_EQ((*list)[1].index_kind, "flat");

  auto got = (*manager)->Get("notes");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->get(), created->get());  // one shared instance
  EXPECT_EQ((*manager)->Get("missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*manager)->Get("../notes").status().code(), StatusCode::kNotFound);

  ASSERT_TRUE((*manager)->Delete("notes").ok());
  EXPECT_FALSE(fs::exists(dir.path() + "/notes"));
  EXPECT_EQ((*manager)->Get("notes").status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*manager)->Delete("notes").code(), StatusCode::kNotFound);
  // The old handle is safe to use and reports the deletion.
  EXPECT_EQ((*created)->Stats().status().code(), StatusCode::kNotFound);
  SearchRequest request;
  request.query = "alpha";
  EXPECT_EQ((*created)->Search(request, FakeEmbedder()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*created)->AddDocument(MakeDocument("b.txt", {"x"}), FakeEmbedder()).status().code(),
            StatusCode::kNotFound);
  list = (*manager)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);

  // A new collection may take the deleted one's name.
  auto recreated = (*manager)->Create("notes", Config());
  ASSERT_TRUE(recreated.ok());
  EXPECT_EQ((*recreated)->Stats()->documents, 0);
}

TEST(CollectionManagerTest, RejectsBadNamesAndConfigs) {
  TempDir dir;
  auto manager = CollectionManager::Open(TestOptions(dir.path()));
  ASSERT_TRUE(manager.ok());
  for (const char* bad : {"", "../escape", "a/b", ".x", "x y"}) {
    EXPECT_EQ((*manager)->Create(bad, Config()).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(fs::exists(dir.path() + "/../escape"));
  CollectionConfig config = Config();
  config.embed_model = "";
  EXPECT_EQ((*manager)->Create("x", config).status().code(), StatusCode::kInvalidArgument);
  config = Config();
  config.chunk_overlap = config.chunk_size;
  EXPECT_EQ((*manager)->Create("x", config).status().code(), StatusCode::kInvalidArgument);
  config = Config();
  config.chunk_size = 0;
  EXPECT_EQ((*manager)->Create("x", config).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*manager)->Delete("../x").code(), StatusCode::kNotFound);
  EXPECT_TRUE((*manager)->List()->empty());
}

TEST(CollectionManagerTest, BadTokenizerSettingLeavesNothingBehind) {
  TempDir dir;
  StoreOptions options = TestOptions(dir.path());
  options.fts_tokenizer = "unicode61'); DROP TABLE x; --";
  auto manager = CollectionManager::Open(options);
  ASSERT_TRUE(manager.ok());
  EXPECT_EQ((*manager)->Create("x", Config()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(CollectionManagerTest, CleansLeftoversAndIgnoresStrayFolders) {
  TempDir dir;
  fs::create_directories(dir.path() + "/.creating-half-123-0");
  std::ofstream(dir.path() + "/.creating-half-123-0/collection.db") << "partial";
  fs::create_directories(dir.path() + "/.deleting-old-123-1/x");
  fs::create_directories(dir.path() + "/not-a-collection");
  {
    auto manager = CollectionManager::Open(TestOptions(dir.path()));
    ASSERT_TRUE(manager.ok());
    ASSERT_TRUE((*manager)->Create("kept", Config()).ok());
  }
  EXPECT_FALSE(fs::exists(dir.path() + "/.creating-half-123-0"));
  EXPECT_FALSE(fs::exists(dir.path() + "/.deleting-old-123-1"));
  auto manager = CollectionManager::Open(TestOptions(dir.path()));
  ASSERT_TRUE(manager.ok());
  auto list = (*manager)->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].info.name, "kept");
  EXPECT_EQ((*manager)->Get("not-a-collection").status().code(), StatusCode::kNotFound);
  // An existing folder, even an empty one, is never replaced.
  EXPECT_EQ((*manager)->Create("not-a-collection", Config()).status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(fs::is_empty(dir.path() + "/not-a-collection"));
}

TEST(CollectionManagerTest, ConcurrentCreatesOfOneNameMakeOneCollection) {
  TempDir dir;
  auto manager = CollectionManager::Open(TestOptions(dir.path()));
  ASSERT_TRUE(manager.ok());
  std::atomic<int> ok{0}, exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto c = (*manager)->Create("same", Config());
      if (c.ok()) ++ok;
      if (c.status().code() == StatusCode::kAlreadyExists) ++exists;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exists.load(), 3);
}

TEST(CollectionManagerTest, DeleteWhileSearchingDoesNotCrash) {
  TempDir dir;
  auto manager = CollectionManager::Open(TestOptions(dir.path()));
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("busy", Config());
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->AddDocument(MakeDocument("a", {"one two", "three four", "five six"}), FakeEmbedder()).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> found{0}, gone{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, collection = *c] {
      SearchRequest request;
      request.query = "three four";
      while (!stop) {
        auto hits = collection->Search(request, FakeEmbedder());
        if (hits.ok()) {
          ++found;
        } else if (hits.status().code() == StatusCode::kNotFound) {
          ++gone;
          return;
        } else {
          ++other;
          return;
        }
      }
    });
  }
  while (found < 20) std::this_thread::yield();
  ASSERT_TRUE((*manager)->Delete("busy").ok());
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_FALSE(fs::exists(dir.path() + "/busy"));
}

}  // namespace
}  // namespace suanli::rag
