#include "rag/metadata_filter.h"

#include <gtest/gtest.h>

#include <set>

#include "rag/collection.h"
#include "rag/collection_manager.h"
#include "rag/rag_test_util.h"

namespace suanli::rag {
namespace {

using json = nlohmann::json;
using testing::FakeEmbedder;
using testing::MakeDocument;
using testing::TempDir;
using testing::TestOptions;

TEST(CompileFilterTest, EmptyFiltersMatchEverything) {
  EXPECT_TRUE(CompileFilter(json())->empty());
  EXPECT_TRUE(CompileFilter(json::object())->empty());
}

TEST(CompileFilterTest, ValuesAreBoundNeverInlined) {
  auto filter = CompileFilter({{"lang", "zh' OR 1=1 --"}});
  ASSERT_TRUE(filter.ok());
  EXPECT_EQ(filter->sql.find("OR 1=1"), std::string::npos);
  EXPECT_EQ(filter->sql.find("lang"), std::string::npos);  // the path is a parameter too
}

// `filter` wrapped `levels` times in {"<op>": [...]}.
std::string Nest(const std::string& filter, const std::string& op, int levels) {
  std::string prefix, suffix;
  for (int i = 0; i < levels; ++i) {
    prefix += "{\"" + op + "\": [";
    suffix += "]}";
  }
  return prefix + filter + suffix;
}

TEST(CompileFilterTest, RejectsBadFilters) {
  const std::string deep = Nest(R"({"lang": "en"})", "$and", 9);
  for (const std::string& bad : {
           std::string(R"({"lang": {"$regex": "x"}})"), std::string(R"({"$xor": [{"a": 1}]})"),
           std::string(R"({"$neq": 1})"), std::string(R"({"year": {"$gt": true}})"),
           std::string(R"({"year": {"$gt": [1]}})"), std::string(R"({"lang": {"$in": "zh"}})"),
           std::string(R"({"lang": {"$in": []}})"), std::string(R"({"lang": {"$in": [{"a": 1}]}})"),
           std::string(R"({"lang": {"$nin": [null]}})"), std::string(R"({"$and": {"a": 1}})"),
           std::string(R"({"$or": []})"), std::string(R"({"$and": [1]})"), std::string(R"({"$not": [1]})"),
           std::string(R"({"lang": null})"), std::string(R"({"lang": {"$eq": [1]}})"),
           std::string(R"({"lang": {"$eq": null}})"), std::string(R"({"lang": {}})"),
           std::string(R"({"a\"b": 1})"), std::string(R"({"": 1})"), std::string(R"({"a\\b": 1})"),
           std::string(R"({"source": 3})"), std::string(R"({"source": {"$in": ["a", 1]}})"),
           std::string(R"([{"a": 1}])"), std::string(R"("lang")"), std::string("3"), deep}) {
    auto compiled = CompileFilter(json::parse(bad));
    EXPECT_EQ(compiled.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  const std::string ok = Nest(R"({"lang": "en"})", "$or", 7);
  EXPECT_TRUE(CompileFilter(json::parse(ok)).ok());
  json many = json::object();
  for (int i = 0; i < 300; ++i) {
    std::string key = "f";
    key += std::to_string(i);
    many[key] = i;
  }
  EXPECT_EQ(CompileFilter(many).status().code(), StatusCode::kInvalidArgument);
}

// Six documents of two pages each; document c's second page overrides lang.
class FilterSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto manager = CollectionManager::Open(TestOptions(dir_.path()));
    ASSERT_TRUE(manager.ok());
    manager_ = std::move(*manager);
    auto c = manager_->Create("filtered", CollectionConfig{"hash-64", 500, 80});
    ASSERT_TRUE(c.ok());
    collection_ = *c;
    const std::vector<std::pair<std::string, json>> docs = {
        {"a", {{"lang", "en"}, {"year", 2019}, {"draft", false}}},
        {"b", {{"lang", "zh"}, {"year", 2020}, {"draft", true}}},
        {"c", {{"lang", "en"}, {"year", 2021}, {"draft", false}}},
        {"d", {{"lang", "fr"}, {"year", 2022}}},
        {"e", {{"lang", "zh"}, {"year", 2023.5}, {"draft", false}}},
        {"f", {{"lang", "en"}, {"year", "2024"}}},
    };
    for (const auto& [source, metadata] : docs) {
      DocumentInput doc = MakeDocument(source, {"report " + source + " first page", "report " + source + " second"},
                                       metadata);
      doc.chunks[0].metadata = {{"page", 1}};
      doc.chunks[1].metadata = {{"page", 2}};
      if (source == "c") doc.chunks[1].metadata["lang"] = "de";
      ASSERT_TRUE(collection_->AddDocument(doc, FakeEmbedder()).ok());
    }
  }

  // "<source><page>" of every hit, checked to be the same in all modes.
  std::set<std::string> Matches(const json& filter) {
    std::set<std::string> first;
    for (const char* mode : {"keyword", "dense", "hybrid"}) {
      SearchRequest request;
      request.query = "report";
      request.mode = mode;
      request.k = 100;
      request.filter = filter;
      auto hits = collection_->Search(request, FakeEmbedder());
      EXPECT_TRUE(hits.ok()) << filter.dump() << ": " << hits.status().ToString();
      if (!hits.ok()) return {};
      std::set<std::string> got;
      for (const SearchHit& hit : *hits) got.insert(hit.source + std::to_string(hit.metadata.value("page", 0)));
      if (std::string(mode) == "keyword") {
        first = got;
      } else {
        EXPECT_EQ(got, first) << mode << " " << filter.dump();
      }
    }
    return first;
  }

  using Set = std::set<std::string>;
  TempDir dir_;
  std::unique_ptr<CollectionManager> manager_;
  std::shared_ptr<Collection> collection_;
};

TEST_F(FilterSearchTest, EqualityAndMembership) {
  EXPECT_EQ(Matches(json()).size(), 12u);
  EXPECT_EQ(Matches({{"lang", "zh"}}), (Set{"b1", "b2", "e1", "e2"}));
  EXPECT_EQ(Matches({{"lang", {{"$eq", "zh"}}}}), (Set{"b1", "b2", "e1", "e2"}));
  EXPECT_EQ(Matches({{"lang", "en"}}), (Set{"a1", "a2", "c1", "f1", "f2"}));  // c2 says "de"
  EXPECT_EQ(Matches({{"lang", "de"}}), (Set{"c2"}));
  EXPECT_EQ(Matches({{"lang", {{"$ne", "en"}}}}), (Set{"b1", "b2", "c2", "d1", "d2", "e1", "e2"}));
  EXPECT_EQ(Matches({{"lang", {{"$in", {"fr", "zh"}}}}}), (Set{"b1", "b2", "d1", "d2", "e1", "e2"}));
  EXPECT_EQ(Matches({{"lang", {"fr", "zh"}}}), (Set{"b1", "b2", "d1", "d2", "e1", "e2"}));
  EXPECT_EQ(Matches({{"lang", {{"$nin", {"en", "zh"}}}}}), (Set{"c2", "d1", "d2"}));
  EXPECT_EQ(Matches({{"lang", "zh' OR 1=1 --"}}), Set{});
  EXPECT_EQ(Matches({{"missing", "x"}}), Set{});
  EXPECT_EQ(Matches({{"missing", {{"$ne", "x"}}}}).size(), 12u);
}

TEST_F(FilterSearchTest, BooleansAndChunkMetadata) {
  EXPECT_EQ(Matches({{"draft", true}}), (Set{"b1", "b2"}));
  EXPECT_EQ(Matches({{"draft", false}}), (Set{"a1", "a2", "c1", "c2", "e1", "e2"}));
  EXPECT_EQ(Matches({{"draft", {{"$ne", true}}}}), (Set{"a1", "a2", "c1", "c2", "d1", "d2", "e1", "e2", "f1", "f2"}));
  EXPECT_EQ(Matches({{"page", 2}}), (Set{"a2", "b2", "c2", "d2", "e2", "f2"}));
  EXPECT_EQ(Matches({{"page", {{"$in", {1}}}}, {"lang", "zh"}}), (Set{"b1", "e1"}));
}

TEST_F(FilterSearchTest, Ranges) {
  EXPECT_EQ(Matches({{"year", {{"$gt", 2020}}}}), (Set{"c1", "c2", "d1", "d2", "e1", "e2"}));  // "2024" is text
  EXPECT_EQ(Matches({{"year", {{"$gte", 2020}}}}), (Set{"b1", "b2", "c1", "c2", "d1", "d2", "e1", "e2"}));
  EXPECT_EQ(Matches({{"year", {{"$lt", 2020}}}}), (Set{"a1", "a2"}));
  EXPECT_EQ(Matches({{"year", {{"$lte", 2020}}}}), (Set{"a1", "a2", "b1", "b2"}));
  EXPECT_EQ(Matches({{"year", {{"$gte", 2020}, {"$lt", 2022}}}}), (Set{"b1", "b2", "c1", "c2"}));
  EXPECT_EQ(Matches({{"year", {{"$gt", 2023.25}}}}), (Set{"e1", "e2"}));
  EXPECT_EQ(Matches({{"year", {{"$gt", "2000"}}}}), (Set{"f1", "f2"}));  // strings with strings
}

TEST_F(FilterSearchTest, SourceAndLogic) {
  EXPECT_EQ(Matches({{"source", "c"}}), (Set{"c1", "c2"}));
  EXPECT_EQ(Matches({{"source", {{"$in", {"a", "f"}}}}}), (Set{"a1", "a2", "f1", "f2"}));
  EXPECT_EQ(Matches({{"source", {{"$gte", "e"}}}}), (Set{"e1", "e2", "f1", "f2"}));
  EXPECT_EQ(Matches({{"$or", {{{"lang", "fr"}}, {{"page", 1}, {"lang", "en"}}}}}),
            (Set{"a1", "c1", "d1", "d2", "f1"}));
  EXPECT_EQ(Matches({{"$and", {{{"lang", "en"}}, {{"page", {{"$gt", 1}}}}}}}), (Set{"a2", "f2"}));
  EXPECT_EQ(Matches({{"$not", {{"lang", "en"}}}}), (Set{"b1", "b2", "c2", "d1", "d2", "e1", "e2"}));
  EXPECT_EQ(Matches({{"$or", {{{"source", "a"}}, {{"$and", {{{"lang", "zh"}}, {{"draft", true}}}}}}}}),
            (Set{"a1", "a2", "b1", "b2"}));
}

TEST_F(FilterSearchTest, BadFilterIsInvalidArgument) {
  SearchRequest request;
  request.query = "report";
  request.filter = {{"lang", {{"$like", "%"}}}};
  EXPECT_EQ(collection_->Search(request, FakeEmbedder()).status().code(), StatusCode::kInvalidArgument);
}

// Thirty strongly matching English chunks and five weakly matching Chinese
// ones: a filter on the Chinese ones must still return k of them.
void ExpectKFilteredResults(size_t exact_search_max) {
  TempDir dir;
  StoreOptions options = TestOptions(dir.path());
  options.exact_search_max = exact_search_max;
  auto manager = CollectionManager::Open(options);
  ASSERT_TRUE(manager.ok());
  auto c = (*manager)->Create("mixed", CollectionConfig{"hash-64", 500, 80});
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE((*c)->AddDocument(MakeDocument("en" + std::to_string(i),
                                               {"solar energy solar panels solar power " + std::to_string(i)},
                                               {{"lang", "en"}}),
                                  FakeEmbedder())
                    .ok());
  }
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE((*c)->AddDocument(MakeDocument("zh" + std::to_string(i),
                                               {"unrelated gardening notes about tomatoes and solar " +
                                                std::to_string(i)},
                                               {{"lang", "zh"}}),
                                  FakeEmbedder())
                    .ok());
  }
  for (const char* mode : {"keyword", "dense", "hybrid"}) {
    SearchRequest request;
    request.query = "solar energy panels";
    request.mode = mode;
    request.k = 3;
    auto unfiltered = (*c)->Search(request, FakeEmbedder());
    ASSERT_TRUE(unfiltered.ok());
    for (const SearchHit& hit : *unfiltered) EXPECT_EQ(hit.source.substr(0, 2), "en") << mode;
    request.filter = {{"lang", "zh"}};
    auto filtered = (*c)->Search(request, FakeEmbedder());
    ASSERT_TRUE(filtered.ok()) << filtered.status().ToString();
    ASSERT_EQ(filtered->size(), 3u) << mode << " exact_search_max=" << exact_search_max;
    for (const SearchHit& hit : *filtered) EXPECT_EQ(hit.source.substr(0, 2), "zh") << mode;
    request.k = 10;  // more than exist: all five
    auto all = (*c)->Search(request, FakeEmbedder());
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 5u) << mode;
  }
}

TEST(FilteredTopKTest, ReturnsKWhenKExistWithExactScan) { ExpectKFilteredResults(4096); }

TEST(FilteredTopKTest, ReturnsKWhenKExistWithIndexSelector) { ExpectKFilteredResults(0); }

}  // namespace
}  // namespace suanli::rag
