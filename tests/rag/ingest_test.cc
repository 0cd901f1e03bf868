#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "rag/collection.h"
#include "rag/collection_manager.h"
#include "rag/rag_test_util.h"

namespace suanli::rag {
namespace {

using testing::FakeEmbedder;
using testing::MakeDocument;
using testing::TempDir;
using testing::TestOptions;
using testing::Texts;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto manager = CollectionManager::Open(TestOptions(dir_.path()));
    ASSERT_TRUE(manager.ok()) << manager.status().ToString();
    manager_ = std::move(*manager);
    auto c = manager_->Create("docs", CollectionConfig{"hash-64", 200, 20});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    collection_ = *c;
  }

  CollectionStats Stats() {
    auto stats = collection_->Stats();
    EXPECT_TRUE(stats.ok());
    return stats.ok() ? *stats : CollectionStats{};
  }

  std::vector<std::string> SearchTexts(const std::string& query, const std::string& mode, int k = 10) {
    SearchRequest request;
    request.query = query;
    request.mode = mode;
    request.k = k;
    auto hits = collection_->Search(request, FakeEmbedder());
    EXPECT_TRUE(hits.ok()) << hits.status().ToString();
    return hits.ok() ? Texts(*hits) : std::vector<std::string>{};
  }

  TempDir dir_;
  std::unique_ptr<CollectionManager> manager_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(IngestTest, AddedUnchangedReplaced) {
  std::atomic<int> calls{0}, texts{0};
  const EmbedFn embed = FakeEmbedder(64, &calls, &texts);
  auto added = collection_->AddDocument(
      MakeDocument("guide.md", {"install the server", "configure the port", "zebra crossing"}, {{"lang", "en"}}),
      embed);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->status, IngestStatus::kAdded);
  EXPECT_EQ(added->chunks, 3);
  EXPECT_EQ(texts.load(), 3);

  auto same = collection_->AddDocument(
      MakeDocument("guide.md", {"install the server", "configure the port", "zebra crossing"}, {{"lang", "en"}}),
      embed);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->status, IngestStatus::kUnchanged);
  EXPECT_EQ(same->document_id, added->document_id);
  EXPECT_EQ(same->chunks, 3);
  EXPECT_EQ(texts.load(), 3);  // nothing re-embedded

  auto replaced = collection_->AddDocument(
      MakeDocument("guide.md", {"install the server", "open the firewall"}, {{"lang", "en"}}), embed);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->status, IngestStatus::kReplaced);
  EXPECT_EQ(replaced->document_id, added->document_id);
  EXPECT_EQ(replaced->chunks, 2);
  EXPECT_EQ(texts.load(), 5);
  EXPECT_EQ(Stats().documents, 1);
  EXPECT_EQ(Stats().chunks, 2);
  // Old chunks are gone from the FTS table and the vector index.
  EXPECT_TRUE(SearchTexts("zebra", "keyword").empty());
  for (const std::string& text : SearchTexts("zebra crossing", "dense")) EXPECT_NE(text, "zebra crossing");
  EXPECT_EQ(SearchTexts("firewall", "keyword"), std::vector<std::string>{"open the firewall"});

  // Metadata is part of the change detection.
  auto relabelled = collection_->AddDocument(
      MakeDocument("guide.md", {"install the server", "open the firewall"}, {{"lang", "fr"}}), embed);
  ASSERT_TRUE(relabelled.ok());
  EXPECT_EQ(relabelled->status, IngestStatus::kReplaced);

  auto other = collection_->AddDocument(MakeDocument("notes.txt", {"a second document"}), embed);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, IngestStatus::kAdded);
  EXPECT_NE(other->document_id, added->document_id);

  auto docs = collection_->ListDocuments();
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].source, "guide.md");
  EXPECT_EQ((*docs)[0].chunks, 2);
  EXPECT_EQ((*docs)[0].metadata, nlohmann::json({{"lang", "fr"}}));
  EXPECT_EQ((*docs)[0].content_hash.size(), 64u);
  EXPECT_GE((*docs)[0].updated_at, (*docs)[0].created_at);
  EXPECT_EQ((*docs)[1].source, "notes.txt");
  auto page = collection_->ListDocuments(1, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].source, "notes.txt");
  auto got = collection_->GetDocument(other->document_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->source, "notes.txt");
  EXPECT_EQ(collection_->FindDocument("guide.md")->id, added->document_id);
  EXPECT_EQ(collection_->GetDocument(9999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(collection_->FindDocument("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(IngestTest, EmbedsInBatchesWithProgress) {
  std::atomic<int> calls{0};
  std::vector<std::string> chunks;
  for (int i = 0; i < 10; ++i) chunks.push_back("chunk number " + std::to_string(i));
  std::vector<std::pair<int64_t, int64_t>> progress;
  auto result = collection_->AddDocument(MakeDocument("big", chunks), FakeEmbedder(64, &calls),
                                         [&](int64_t done, int64_t total) {
                                           progress.emplace_back(done, total);
                                           return true;
                                         });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(calls.load(), 3);  // batch size 4
  EXPECT_EQ(progress, (std::vector<std::pair<int64_t, int64_t>>{{4, 10}, {8, 10}, {10, 10}}));
}

TEST_F(IngestTest, DeleteDocumentRemovesChunksRowsAndVectors) {
  auto a = collection_->AddDocument(MakeDocument("a", {"apples and pears", "orchard harvest"}), FakeEmbedder());
  auto b = collection_->AddDocument(MakeDocument("b", {"bananas ripen", "tropical fruit"}), FakeEmbedder());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(collection_->DeleteDocument(a->document_id).ok());
  EXPECT_EQ(Stats().documents, 1);
  EXPECT_EQ(Stats().chunks, 2);
  EXPECT_TRUE(SearchTexts("apples orchard", "keyword").empty());
  for (const std::string& text : SearchTexts("apples and pears", "dense")) {
    EXPECT_TRUE(text == "bananas ripen" || text == "tropical fruit") << text;
  }
  EXPECT_EQ(SearchTexts("apples and pears", "hybrid").size(), 2u);
  EXPECT_EQ(collection_->DeleteDocument(a->document_id).code(), StatusCode::kNotFound);
  EXPECT_EQ(collection_->FindDocument("a").status().code(), StatusCode::kNotFound);
  // Adding it back is a fresh add.
  auto again = collection_->AddDocument(MakeDocument("a", {"apples and pears"}), FakeEmbedder());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, IngestStatus::kAdded);
  EXPECT_EQ(SearchTexts("apples", "keyword"), std::vector<std::string>{"apples and pears"});
}

TEST_F(IngestTest, DimensionMismatchIsInvalidArgument) {
  ASSERT_TRUE(collection_->AddDocument(MakeDocument("a", {"first text"}), FakeEmbedder(64)).ok());
  EXPECT_EQ(collection_->Info()->dimension, 64);
  auto wrong = collection_->AddDocument(MakeDocument("b", {"second text"}), FakeEmbedder(32));
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("64"), std::string::npos) << wrong.status().message();
  EXPECT_NE(wrong.status().message().find("32"), std::string::npos);
  EXPECT_NE(wrong.status().message().find("hash-64"), std::string::npos);
  EXPECT_EQ(Stats().documents, 1);

  for (const char* mode : {"dense", "hybrid"}) {
    SearchRequest request;
    request.query = "first";
    request.mode = mode;
    EXPECT_EQ(collection_->Search(request, FakeEmbedder(32)).status().code(), StatusCode::kInvalidArgument) << mode;
  }
  SearchRequest keyword;
  keyword.query = "first";
  keyword.mode = "keyword";
  EXPECT_TRUE(collection_->Search(keyword, FakeEmbedder(32)).ok());  // needs no vector
}

EmbedFn ConstantEmbedder(std::vector<float> v) {
  return [v](const std::vector<std::string>& texts) -> StatusOr<std::vector<std::vector<float>>> {
    return std::vector<std::vector<float>>(texts.size(), v);
  };
}

TEST_F(IngestTest, ZeroNanAndMiscountedVectorsAreErrors) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(collection_->AddDocument(MakeDocument("z", {"t"}), ConstantEmbedder(std::vector<float>(8, 0.0f)))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(collection_->AddDocument(MakeDocument("n", {"t"}), ConstantEmbedder({1.0f, nan, 0.5f})).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(collection_->AddDocument(MakeDocument("i", {"t"}), ConstantEmbedder({1.0f, inf})).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(collection_->AddDocument(MakeDocument("e", {"t"}), ConstantEmbedder({})).status().code(),
            StatusCode::kInvalidArgument);
  EmbedFn short_embedder = [](const std::vector<std::string>&) -> StatusOr<std::vector<std::vector<float>>> {
    return std::vector<std::vector<float>>{};
  };
  EXPECT_EQ(collection_->AddDocument(MakeDocument("s", {"t"}), short_embedder).status().code(),
            StatusCode::kInternal);
  EXPECT_EQ(Stats().documents, 0);
  EXPECT_EQ(Stats().chunks, 0);
  EXPECT_EQ(collection_->Info()->dimension, 0);  // nothing was stored
}

TEST_F(IngestTest, RejectsBadInput) {
  const EmbedFn embed = FakeEmbedder();
  EXPECT_EQ(collection_->AddDocument(MakeDocument("", {"x"}), embed).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(collection_->AddDocument(MakeDocument("bad\xff", {"x"}), embed).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(collection_->AddDocument(MakeDocument("m", {"x"}, nlohmann::json::array()), embed).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(collection_->AddDocument(MakeDocument("t", {""}), embed).status().code(), StatusCode::kInvalidArgument);
  DocumentInput range = MakeDocument("r", {"x"});
  range.chunks[0].start = 5;
  range.chunks[0].end = 2;
  EXPECT_EQ(collection_->AddDocument(range, embed).status().code(), StatusCode::kInvalidArgument);
  DocumentInput chunk_meta = MakeDocument("c", {"x"});
  chunk_meta.chunks[0].metadata = "page 1";
  EXPECT_EQ(collection_->AddDocument(chunk_meta, embed).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(collection_->AddDocument(MakeDocument("f", {"x"}), nullptr).status().code(), StatusCode::kInvalidArgument);
  // A document without chunks is fine and needs no embedder.
  auto empty = collection_->AddDocument(MakeDocument("empty", {}), nullptr);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->chunks, 0);
  EXPECT_EQ(Stats().documents, 1);
}

TEST_F(IngestTest, FailureOnSecondBatchLeavesCollectionUnchanged) {
  ASSERT_TRUE(collection_->AddDocument(MakeDocument("keep", {"stable words here", "more stable text"}),
                                       FakeEmbedder())
                  .ok());
  ASSERT_TRUE(collection_->AddDocument(MakeDocument("doc", {"original alpha", "original beta"}), FakeEmbedder()).ok());
  const CollectionStats before = Stats();
  const auto doc_before = collection_->FindDocument("doc");
  ASSERT_TRUE(doc_before.ok());
  std::vector<std::vector<std::string>> results_before;
  for (const char* mode : {"keyword", "dense", "hybrid"}) results_before.push_back(SearchTexts("original stable", mode));

  std::atomic<int> calls{0};
  const EmbedFn base = FakeEmbedder();
  EmbedFn failing = [&](const std::vector<std::string>& texts) -> StatusOr<std::vector<std::vector<float>>> {
    if (++calls == 2) return UnavailableError("the embedding model went away");
    return base(texts);
  };
  std::vector<std::string> replacement;
  for (int i = 0; i < 9; ++i) replacement.push_back("replacement chunk " + std::to_string(i));
  auto failed = collection_->AddDocument(MakeDocument("doc", replacement), failing);
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(calls.load(), 2);
  calls = 0;
  auto failed_new = collection_->AddDocument(MakeDocument("new", replacement), failing);
  EXPECT_EQ(failed_new.status().code(), StatusCode::kUnavailable);
  auto cancelled = collection_->AddDocument(MakeDocument("doc", replacement), FakeEmbedder(),
                                            [](int64_t done, int64_t) { return done < 8; });
  EXPECT_EQ(cancelled.status().code(), StatusCode::kCancelled);

  const CollectionStats after = Stats();
  EXPECT_EQ(after.documents, before.documents);
  EXPECT_EQ(after.chunks, before.chunks);
  const auto doc_after = collection_->FindDocument("doc");
  ASSERT_TRUE(doc_after.ok());
  EXPECT_EQ(doc_after->content_hash, doc_before->content_hash);
  EXPECT_EQ(collection_->FindDocument("new").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(SearchTexts("replacement", "keyword").empty());
  std::vector<std::vector<std::string>> results_after;
  for (const char* mode : {"keyword", "dense", "hybrid"}) results_after.push_back(SearchTexts("original stable", mode));
  EXPECT_EQ(results_after, results_before);
  // The old content is still recognised as unchanged.
  auto same = collection_->AddDocument(MakeDocument("doc", {"original alpha", "original beta"}), FakeEmbedder());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->status, IngestStatus::kUnchanged);
}

}  // namespace
}  // namespace suanli::rag
