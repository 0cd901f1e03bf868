// The vector index file: rebuilt when missing, stale or corrupt, kept when
// current; the HNSW path; searches running while documents are ingested.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "rag/collection.h"
#include "rag/collection_manager.h"
#include "rag/rag_test_util.h"
#include "rag/vector_index.h"

namespace suanli::rag {
namespace {

namespace fs = std::filesystem;
using testing::ChunkIds;
using testing::FakeEmbedder;
using testing::MakeDocument;
using testing::TempDir;
using testing::TestOptions;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

const std::vector<std::string> kQueries = {"river boats", "mountain snow", "city lights at night", "boats"};

// Search results (ids and scores) of every query in every mode.
std::vector<std::vector<std::pair<int64_t, double>>> Snapshot(Collection& collection) {
  std::vector<std::vector<std::pair<int64_t, double>>> out;
  for (const std::string& query : kQueries) {
    for (const char* mode : {"dense", "hybrid"}) {
      SearchRequest request;
      request.query = query;
      request.mode = mode;
      request.k = 5;
      auto hits = collection.Search(request, FakeEmbedder());
      EXPECT_TRUE(hits.ok()) << hits.status().ToString();
      std::vector<std::pair<int64_t, double>> row;
      if (hits.ok()) {
        for (const SearchHit& hit : *hits) row.emplace_back(hit.chunk_id, hit.score);
      }
      out.push_back(row);
    }
  }
  return out;
}

class RecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_path_ = dir_.path() + "/geo/vectors.faiss";
    auto manager = CollectionManager::Open(TestOptions(dir_.path()));
    ASSERT_TRUE(manager.ok());
    auto c = (*manager)->Create("geo", CollectionConfig{"hash-64", 500, 80});
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->AddDocument(MakeDocument("river", {"river boats drift", "the river bank"}), FakeEmbedder()).ok());
    ASSERT_TRUE((*c)->AddDocument(MakeDocument("mountain", {"mountain snow peaks", "cold mountain air"}),
                                  FakeEmbedder())
                    .ok());
    old_index_ = ReadFile(index_path_);
    ASSERT_FALSE(old_index_.empty());
    ASSERT_TRUE((*c)->AddDocument(MakeDocument("city", {"city lights at night", "busy city streets", "boats"}),
                                  FakeEmbedder())
                    .ok());
    // A replaced and a deleted document leave gaps in the ids.
    ASSERT_TRUE((*c)->AddDocument(MakeDocument("river", {"river boats drift slowly", "the river bank"}),
                                  FakeEmbedder())
                    .ok());
    auto gone = (*c)->AddDocument(MakeDocument("gone", {"temporary"}), FakeEmbedder());
    ASSERT_TRUE(gone.ok());
    ASSERT_TRUE((*c)->DeleteDocument(gone->document_id).ok());
    expected_ = Snapshot(**c);
    current_index_ = ReadFile(index_path_);
    auto current = VectorIndex::Load(index_path_, VectorIndexOptions{}, &expected_generation_);
    ASSERT_TRUE(current.ok());
  }

  // Reopens the store and checks the results and the index file.
  void ExpectRecovered() {
    auto manager = CollectionManager::Open(TestOptions(dir_.path()));
    ASSERT_TRUE(manager.ok());
    auto c = (*manager)->Get("geo");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(Snapshot(**c), expected_);
    int64_t generation = -1;
    auto index = VectorIndex::Load(index_path_, VectorIndexOptions{}, &generation);
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    EXPECT_EQ((*index)->size(), 7u);
    EXPECT_EQ(generation, expected_generation_);
  }

  TempDir dir_;
  std::string index_path_;
  std::string old_index_;
  std::string current_index_;
  int64_t expected_generation_ = -1;
  std::vector<std::vector<std::pair<int64_t, double>>> expected_;
};

TEST_F(RecoveryTest, CurrentIndexIsKept) {
  const auto before = fs::last_write_time(index_path_);
  ExpectRecovered();
  EXPECT_EQ(fs::last_write_time(index_path_), before);
  EXPECT_EQ(ReadFile(index_path_), current_index_);
}

TEST_F(RecoveryTest, MissingIndexIsRebuilt) {
  fs::remove(index_path_);
  ExpectRecovered();
}

TEST_F(RecoveryTest, StaleIndexIsRebuilt) {
  WriteFile(index_path_, old_index_);  // an older generation
  ExpectRecovered();
}

TEST_F(RecoveryTest, GarbageIndexIsRebuilt) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919 + 13) & 0xff);
  WriteFile(index_path_, garbage);
  ExpectRecovered();
}

TEST_F(RecoveryTest, CorruptPayloadIsRebuilt) {
  std::string flipped = current_index_;
  flipped[flipped.size() - 10] ^= 0x40;
  WriteFile(index_path_, flipped);
  ExpectRecovered();
}

TEST_F(RecoveryTest, TruncatedIndexIsRebuilt) {
  WriteFile(index_path_, current_index_.substr(0, current_index_.size() / 2));
  ExpectRecovered();
}

TEST_F(RecoveryTest, LeftoverTempFilesAreRemoved) {
  WriteFile(index_path_ + ".tmp-123-4", "half written");
  ExpectRecovered();
  EXPECT_FALSE(fs::exists(index_path_ + ".tmp-123-4"));
}

TEST(HnswTest, SwitchesAboveThresholdAndMatchesExactSearch) {
  TempDir dir;
  StoreOptions hnsw_options = TestOptions(dir.path() + "/hnsw", 20);
  hnsw_options.exact_search_max = 0;  // filtered searches go through the index
  auto hnsw_manager = CollectionManager::Open(hnsw_options);
  auto flat_manager = CollectionManager::Open(TestOptions(dir.path() + "/flat"));
  ASSERT_TRUE(hnsw_manager.ok() && flat_manager.ok());
  auto hnsw = (*hnsw_manager)->Create("c", CollectionConfig{"hash-64", 500, 80});
  auto flat = (*flat_manager)->Create("c", CollectionConfig{"hash-64", 500, 80});
  ASSERT_TRUE(hnsw.ok() && flat.ok());
  const std::vector<std::string> topics = {"ocean", "forest", "desert", "glacier", "prairie", "canyon"};
  for (int i = 0; i < 36; ++i) {
    const std::string text = topics[i % 6] + " field notes number " + std::to_string(i) + " " + topics[(i / 6) % 6];
    DocumentInput doc = MakeDocument("n" + std::to_string(i), {text}, {{"topic", topics[i % 6]}});
    ASSERT_TRUE((*hnsw)->AddDocument(doc, FakeEmbedder()).ok());
    ASSERT_TRUE((*flat)->AddDocument(doc, FakeEmbedder()).ok());
    EXPECT_EQ((*hnsw)->Stats()->index_kind, i + 1 >= 20 ? "hnsw" : "flat") << i;
  }
  auto compare = [&](const std::string& query, const nlohmann::json& filter) {
    SearchRequest request;
    request.query = query;
    request.mode = "dense";
    request.k = 5;
    request.filter = filter;
    auto a = (*hnsw)->Search(request, FakeEmbedder());
    auto b = (*flat)->Search(request, FakeEmbedder());
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), b->size()) << query;
    for (size_t i = 0; i < a->size(); ++i) {
      EXPECT_EQ((*a)[i].source, (*b)[i].source) << query << " " << i;
      EXPECT_NEAR((*a)[i].score, (*b)[i].score, 1e-5);
    }
  };
  compare("ocean field notes number 12 forest", nullptr);
  compare("glacier canyon", nullptr);
  compare("desert notes", {{"topic", "prairie"}});

  // Replacing a document removes vectors: the HNSW index is rebuilt.
  ASSERT_TRUE((*hnsw)->AddDocument(MakeDocument("n0", {"completely new volcano text"}), FakeEmbedder()).ok());
  SearchRequest request;
  request.query = "completely new volcano text";
  request.mode = "dense";
  request.k = 1;
  auto top = (*hnsw)->Search(request, FakeEmbedder());
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].source, "n0");
  EXPECT_EQ((*hnsw)->Stats()->index_kind, "hnsw");
  const auto before_reopen = ChunkIds(*(*hnsw)->Search(request, FakeEmbedder()));

  // The saved HNSW index loads as it is.
  hnsw->reset();
  hnsw_manager->reset();
  auto reopened_manager = CollectionManager::Open(hnsw_options);
  ASSERT_TRUE(reopened_manager.ok());
  auto reopened = (*reopened_manager)->Get("c");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Stats()->index_kind, "hnsw");
  EXPECT_EQ(ChunkIds(*(*reopened)->Search(request, FakeEmbedder())), before_reopen);

  // Below the threshold again: back to the exact index.
  for (int i = 1; i < 20; ++i) {
    auto doc = (*reopened)->FindDocument("n" + std::to_string(i));
    ASSERT_TRUE(doc.ok());
    ASSERT_TRUE((*reopened)->DeleteDocument(doc->id).ok());
  }
  EXPECT_EQ((*reopened)->Stats()->index_kind, "flat");
  EXPECT_EQ((*reopened)->Stats()->chunks, 17);
}

TEST(ConcurrencyTest, SearchesWhileIngestingSeeWholeDocuments) {
  TempDir dir;
  auto manager = CollectionManager::Open(TestOptions(dir.path()));
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("live", CollectionConfig{"hash-64", 500, 80});
  ASSERT_TRUE(c.ok());
  std::shared_ptr<Collection> collection = *c;
  std::atomic<bool> done{false};
  std::atomic<int> searches{0}, failures{0}, torn{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      const char* modes[] = {"keyword", "dense", "hybrid"};
      size_t last_keyword = 0;
      while (!done) {
        SearchRequest request;
        request.query = "shared words";
        request.mode = modes[r];
        request.k = 1000;
        auto hits = collection->Search(request, FakeEmbedder());
        auto stats = collection->Stats();
        if (!hits.ok() || !stats.ok()) {
          ++failures;
          continue;
        }
        ++searches;
        // Every document has exactly three chunks; a search sees all or none.
        if (hits->size() % 3 != 0 || stats->chunks != 3 * stats->documents) ++torn;
        if (r == 0) {
          if (hits->size() < last_keyword) ++torn;
          last_keyword = hits->size();
        }
      }
    });
  }
  while (searches < 5 && failures == 0) std::this_thread::yield();
  for (int i = 0; i < 15; ++i) {
    const std::string n = std::to_string(i);
    ASSERT_TRUE(collection
                    ->AddDocument(MakeDocument("d" + n, {"shared words one " + n, "shared words two " + n,
                                                         "shared words three " + n}),
                                  FakeEmbedder())
                    .ok());
    // Replace an earlier document too: remove and add in one step.
    ASSERT_TRUE(collection
                    ->AddDocument(MakeDocument("d0", {"shared words again " + n, "shared words more " + n,
                                                      "shared words last " + n}),
                                  FakeEmbedder())
                    .ok());
  }
  while (searches < 30 && failures == 0) std::this_thread::yield();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(collection->Stats()->chunks, 45);
}

}  // namespace
}  // namespace suanli::rag
