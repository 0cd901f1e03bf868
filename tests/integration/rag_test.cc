// RAG against the real server: collections, documents (text, multipart
// files, URLs from a loopback web server), search, grounded chat and
// generate with citations, and the `suanli rag` CLI. Embeddings come from the
// random-weight test model: assertions are about protocol, counts, offsets
// and the keyword side (whose ranking does not depend on the model).
#include <cpp-httplib/httplib.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "pdf_fixture.h"
#include "server_harness.h"

namespace suanli::testing {
namespace {

const std::string kArticle =
    "# 部署笔记\n\n我们在一台服务器上部署了七十亿参数的模型。控制台里生成一次回答大约需要零点八秒。\n\n"
    "## 检索\n\n加入检索增强生成之后，每个回答需要五点四秒，而且模型引用了一篇过时的摘要。\n\n"
    "## Cache\n\nA Redis cache makes a thousand people asking the same question get the same answer.\n";

// Code points of `text` from `start` to `end` (offsets as the API reports).
std::string Substring(const std::string& text, int64_t start, int64_t end) {
  std::string out;
  int64_t cp = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (lead && i > 0) ++cp;
    if (cp >= start && cp < end) out += text[i];
  }
  return out;
}

// A loopback web server for URL ingestion: /page.html, /big (larger than
// the server's cap), /slow (never answers in time), /metadata (a redirect
// to the link-local cloud-metadata address).
class WebServer {
 public:
  WebServer() {
    http_.Get("/page.html", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<html lang=\"en\"><head><title>Notes</title></head><body><nav>menu menu</nav>"
                      "<article><h1>Retrieval</h1><p>Hybrid search fuses keyword and vector rankings.</p>"
                      "<script>var hidden = 'scriptword';</script></article></body></html>",
                      "text/html; charset=utf-8");
    });
    http_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(3 << 20, 'a'), "text/plain");
    });
    http_.Get("/metadata", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("http://169.254.169.254/latest/meta-data/");
    });
    http_.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      for (int i = 0; i < 100 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      res.set_content("late", "text/plain");
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    http_.wait_until_ready();
  }
  ~WebServer() {
    stopping_ = true;
    http_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  httplib::Server http_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

class RagTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The test's web server is on loopback: allowed here, refused by default.
    server_ = new ServerHarness({{"SUANLI_RAG_MAX_DOCUMENT_MB", "2"},
                                 {"SUANLI_RAG_URL_TIMEOUT", "2s"},
                                 {"SUANLI_RAG_ALLOW_PRIVATE_URLS", "1"}});
    ASSERT_TRUE(server_->ok());
    ASSERT_TRUE(server_->CreateModel("tiny-embed", TinyEmbedModel(), kOneThread));
    ASSERT_TRUE(server_->CreateModel("tiny-chat", TinyChatModel(), kOneThread));
  }
  static void TearDownTestSuite() { delete server_; }

  // Creates a collection with small chunks so the article has several.
  static void MakeCollection(const std::string& name) {
    auto reply = server_->Post("/api/rag/collections",
                               json{{"name", name}, {"embed_model", "tiny-embed"}, {"chunk_size", 60}, {"chunk_overlap", 10}});
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
  static json AddText(const std::string& collection, const std::string& source, const std::string& text,
                      const json& extra = json::object()) {
    json body = {{"source", source}, {"text", text}};
    body.update(extra);
    auto reply = server_->Post("/api/rag/collections/" + collection + "/documents", body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.Json();
  }
  static ServerHarness* server_;
};
ServerHarness* RagTest::server_ = nullptr;

TEST_F(RagTest, CollectionsLifecycleAndErrors) {
  auto created = server_->Post("/api/rag/collections", json{{"name", "notes"}, {"embed_model", "tiny-embed"}});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.Json()["chunk_size"], 500);
  EXPECT_EQ(created.Json()["chunk_overlap"], 80);
  EXPECT_EQ(server_->Post("/api/rag/collections", json{{"name", "notes"}, {"embed_model", "tiny-embed"}}).status, 409);
  EXPECT_EQ(server_->Post("/api/rag/collections", json{{"name", "../evil"}, {"embed_model", "tiny-embed"}}).status, 400);
  EXPECT_EQ(server_->Post("/api/rag/collections", json{{"name", "x"}, {"embed_model", "missing"}}).status, 404);
  EXPECT_EQ(server_->Post("/api/rag/collections", json{{"name", "x"}, {"embed_model", "tiny-chat"}}).status, 400);
  EXPECT_EQ(server_->Post("/api/rag/collections",
                          json{{"name", "x"}, {"embed_model", "tiny-embed"}, {"chunk_size", 10}, {"chunk_overlap", 10}})
                .status,
            400);
  EXPECT_EQ(server_->Post("/api/rag/collections", json{{"name", 5}, {"embed_model", "tiny-embed"}}).status, 400);
  // Small chunks without an overlap get a fitting default overlap.
  auto small = server_->Post("/api/rag/collections", json{{"name", "small"}, {"embed_model", "tiny-embed"}, {"chunk_size", 50}});
  ASSERT_EQ(small.status, 200) << small.body;
  EXPECT_EQ(small.Json()["chunk_overlap"], 10);
  EXPECT_EQ(server_->Post("/api/rag/collections", std::string("{not json")).status, 400);

  auto list = server_->Get("/api/rag/collections").Json();
  ASSERT_TRUE(list["collections"].is_array());
  bool found = false;
  for (const auto& c : list["collections"]) found = found || c["name"] == "notes";
  EXPECT_TRUE(found) << list.dump();
  EXPECT_EQ(server_->Get("/api/rag/collections/notes").Json()["embed_model"], "tiny-embed");

  EXPECT_EQ(server_->Delete("/api/rag/collections/notes", json()).status, 200);
  EXPECT_EQ(server_->Get("/api/rag/collections/notes").status, 404);
  EXPECT_EQ(server_->Delete("/api/rag/collections/notes", json()).status, 404);
}

TEST_F(RagTest, IncrementalIngestAndDocumentErrors) {
  MakeCollection("incremental");
  json first = AddText("incremental", "notes.md", kArticle);
  EXPECT_EQ(first["status"], "added");
  EXPECT_GE(first["chunks"].get<int>(), 3);
  json again = AddText("incremental", "notes.md", kArticle);
  EXPECT_EQ(again["status"], "unchanged");
  EXPECT_EQ(again["document_id"], first["document_id"]);
  json changed = AddText("incremental", "notes.md", kArticle + "\n新的一段。\n");
  EXPECT_EQ(changed["status"], "replaced");

  auto docs = server_->Get("/api/rag/collections/incremental/documents").Json()["documents"];
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["source"], "notes.md");
  EXPECT_EQ(docs[0]["chunks"], changed["chunks"]);
  EXPECT_EQ(server_->Get("/api/rag/collections/incremental").Json()["chunks"], changed["chunks"]);

  const std::string path = "/api/rag/collections/incremental/documents";
  EXPECT_EQ(server_->Post(path, json{{"text", "x"}}).status, 400);                          // no source
  EXPECT_EQ(server_->Post(path, json{{"source", "a"}}).status, 400);                        // nothing to add
  EXPECT_EQ(server_->Post(path, json{{"source", "a"}, {"text", "x"}, {"url", "http://x/"}}).status, 400);
  EXPECT_EQ(server_->Post(path, json{{"source", "a"}, {"text", "x"}, {"metadata", 3}}).status, 400);
  EXPECT_EQ(server_->Post(path, json{{"source", "a"}, {"text", "   \n  "}}).status, 400);  // no text
  EXPECT_EQ(server_->Post(path, json{{"url", "file:///etc/passwd"}}).status, 400);
  EXPECT_EQ(server_->Post(path, json{{"source", "a"}, {"text", std::string(3 << 20, 'x')}}).status, 400);
  EXPECT_EQ(server_->Post("/api/rag/collections/nope/documents", json{{"source", "a"}, {"text", "x"}}).status, 404);

  const int64_t id = changed["document_id"];
  EXPECT_EQ(server_->Delete(path + "/" + std::to_string(id), json()).status, 200);
  EXPECT_EQ(server_->Delete(path + "/" + std::to_string(id), json()).status, 404);
  EXPECT_EQ(server_->Delete(path + "/abc", json()).status, 400);
  EXPECT_EQ(server_->Get("/api/rag/collections/incremental").Json()["chunks"], 0);
}

TEST_F(RagTest, MultipartUploadStreamsProgress) {
  MakeCollection("uploads");
  auto client = server_->Client();
  httplib::UploadFormDataItems items = {
      {"file", "<html><head><title>T</title></head><body><main><p>Alpha beta gamma.</p></main></body></html>",
       "page.html", "text/html"},
      {"stream", "true", "", ""},
      {"metadata", R"({"lang": "en"})", "", ""},
  };
  auto res = client->Post("/api/rag/collections/uploads/documents", items);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  HttpReply reply{res->status, res->body, res->get_header_value("Content-Type")};
  auto lines = reply.Lines();
  ASSERT_GE(lines.size(), 2u) << res->body;
  EXPECT_EQ(lines.front()["status"], "embedding");
  EXPECT_EQ(lines.back()["status"], "added");
  EXPECT_EQ(lines.back()["chunks"], lines.front()["total"]);
  auto docs = server_->Get("/api/rag/collections/uploads/documents").Json()["documents"];
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["source"], "page.html");
  EXPECT_EQ(docs[0]["metadata"]["lang"], "en");
  EXPECT_EQ(docs[0]["metadata"]["title"], "T");

  // Binary junk is refused and adds nothing.
  httplib::UploadFormDataItems junk = {{"file", std::string("\x00\x01\x02\xff\xfe\x00garbage", 14), "x.bin", ""}};
  auto bad = client->Post("/api/rag/collections/uploads/documents", junk);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_EQ(server_->Get("/api/rag/collections/uploads/documents").Json()["documents"].size(), 1u);
}

TEST_F(RagTest, UrlIngestionWithCapsAndTimeouts) {
  MakeCollection("web");
  WebServer web;
  auto ok = server_->Post("/api/rag/collections/web/documents", json{{"url", web.Url("/page.html")}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto docs = server_->Get("/api/rag/collections/web/documents").Json()["documents"];
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["source"], web.Url("/page.html"));
  EXPECT_EQ(docs[0]["metadata"]["title"], "Notes");
  EXPECT_EQ(docs[0]["metadata"]["language"], "en");
  // Scripts and navigation are not indexed; the article text is.
  auto script = server_->Post("/api/rag/search", json{{"collection", "web"}, {"query", "scriptword"}, {"mode", "keyword"}});
  EXPECT_EQ(script.Json()["results"].size(), 0u) << script.body;
  auto hybrid = server_->Post("/api/rag/search", json{{"collection", "web"}, {"query", "hybrid"}, {"mode", "keyword"}});
  EXPECT_EQ(hybrid.Json()["results"].size(), 1u) << hybrid.body;

  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->Post("/api/rag/collections/web/documents", json{{"url", web.Url("/big")}}).status, 400);
  auto slow = server_->Post("/api/rag/collections/web/documents", json{{"url", web.Url("/slow")}});
  EXPECT_GE(slow.status, 400) << slow.body;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  EXPECT_EQ(server_->Post("/api/rag/collections/web/documents", json{{"url", "http://127.0.0.1:1/x"}}).status / 100, 5);
  // Link-local (cloud metadata) is never fetched, directly or by redirect.
  auto metadata = server_->Post("/api/rag/collections/web/documents", json{{"url", web.Url("/metadata")}});
  EXPECT_EQ(metadata.status, 400) << metadata.body;
  EXPECT_EQ(server_->Post("/api/rag/collections/web/documents", json{{"url", "http://169.254.169.254/x"}}).status, 400);
  EXPECT_EQ(server_->Get("/api/rag/collections/web/documents").Json()["documents"].size(), 1u);
}

TEST_F(RagTest, PdfPagesAndMarkdownHeadingsAreChunkMetadata) {
  MakeCollection("sections");
  auto client = server_->Client();
  httplib::UploadFormDataItems pdf = {
      {"file", test_fixtures::MakePdf({"Runners free their memory when they end.", "Caches answer repeated questions."}),
       "manual.pdf", "application/pdf"}};
  auto res = client->Post("/api/rag/collections/sections/documents", pdf);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  AddText("sections", "notes.md", kArticle);

  auto page2 = server_->Post("/api/rag/search", json{{"collection", "sections"}, {"query", "caches questions"},
                                                     {"mode", "keyword"}, {"filter", {{"page", 2}}}});
  ASSERT_EQ(page2.status, 200) << page2.body;
  ASSERT_EQ(page2.Json()["results"].size(), 1u) << page2.body;
  EXPECT_EQ(page2.Json()["results"][0]["source"], "manual.pdf");
  EXPECT_EQ(page2.Json()["results"][0]["metadata"]["type"], "pdf");

  auto heading = server_->Post("/api/rag/search", json{{"collection", "sections"}, {"query", "Redis cache"},
                                                       {"mode", "keyword"}, {"k", 1}, {"filter", {{"source", "notes.md"}}}});
  ASSERT_EQ(heading.status, 200) << heading.body;
  ASSERT_EQ(heading.Json()["results"].size(), 1u);
  EXPECT_NE(heading.Json()["results"][0]["metadata"]["heading"].get<std::string>().find("Cache"), std::string::npos)
      << heading.body;
}

TEST(RagUrlPolicyTest, LoopbackUrlsAreRefusedUnlessAllowed) {
  ServerHarness server;  // SUANLI_RAG_ALLOW_PRIVATE_URLS unset
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("tiny-embed", TinyEmbedModel(), kOneThread));
  ASSERT_EQ(server.Post("/api/rag/collections", json{{"name", "c"}, {"embed_model", "tiny-embed"}}).status, 200);
  WebServer web;
  auto reply = server.Post("/api/rag/collections/c/documents", json{{"url", web.Url("/page.html")}});
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_NE(reply.body.find("private address"), std::string::npos) << reply.body;
  EXPECT_EQ(server.Get("/api/rag/collections/c").Json()["documents"], 0);
}

TEST_F(RagTest, SearchModesFiltersAndErrors) {
  MakeCollection("search");
  AddText("search", "zh.md", kArticle, {{"metadata", {{"lang", "zh"}, {"year", 2024}}}});
  AddText("search", "en.txt", "The Redis cache stores answers. Keyword search uses bm25.",
          {{"metadata", {{"lang", "en"}, {"year", 2026}}}});

  // Chinese keyword search through the bigram tokenizer: 立法-style partial words match.
  auto zh = server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", "检索增强"}, {"mode", "keyword"}});
  ASSERT_EQ(zh.status, 200) << zh.body;
  auto results = zh.Json()["results"];
  ASSERT_GE(results.size(), 1u);
  EXPECT_EQ(results[0]["source"], "zh.md");
  EXPECT_NE(results[0]["text"].get<std::string>().find("检索增强"), std::string::npos);
  EXPECT_EQ(Substring(kArticle, results[0]["start"], results[0]["end"]), results[0]["text"].get<std::string>());

  for (const char* mode : {"keyword", "dense", "hybrid"}) {
    auto r = server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", "cache 缓存"}, {"k", 2}, {"mode", mode}});
    ASSERT_EQ(r.status, 200) << mode << " " << r.body;
    EXPECT_LE(r.Json()["results"].size(), 2u) << mode;
    EXPECT_GE(r.Json()["results"].size(), 1u) << mode;
  }
  auto filtered = server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", "cache"}, {"k", 3},
                                                        {"mode", "dense"}, {"filter", {{"lang", "en"}}}});
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  ASSERT_EQ(filtered.Json()["results"].size(), 1u);
  EXPECT_EQ(filtered.Json()["results"][0]["source"], "en.txt");
  auto range = server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", "cache"}, {"k", 50},
                                                     {"filter", {{"year", {{"$lt", 2025}}}}}});
  ASSERT_EQ(range.status, 200) << range.body;
  for (const auto& r : range.Json()["results"]) EXPECT_EQ(r["source"], "zh.md");

  EXPECT_EQ(server_->Post("/api/rag/search", json{{"collection", "nope"}, {"query", "x"}}).status, 404);
  EXPECT_EQ(server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", ""}}).status, 400);
  EXPECT_EQ(server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", "x"}, {"k", 0}}).status, 400);
  EXPECT_EQ(server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", "x"}, {"mode", "fuzzy"}}).status, 400);
  EXPECT_EQ(server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", "x"}, {"filter", {{"a", {{"$regex", "x"}}}}}})
                .status,
            400);
  // FTS5 syntax in a query is searched as text, never an error.
  auto syntax = server_->Post("/api/rag/search", json{{"collection", "search"}, {"query", "\"cache\" AND NEAR( * : -"}, {"mode", "keyword"}});
  EXPECT_EQ(syntax.status, 200) << syntax.body;
}

TEST_F(RagTest, GroundedChatAndGenerateCarryCitations) {
  MakeCollection("grounded");
  AddText("grounded", "notes.md", kArticle);
  json chunks = server_->Post("/api/rag/search", json{{"collection", "grounded"}, {"query", "回答需要多少秒"}, {"k", 3}})
                    .Json()["results"];
  ASSERT_EQ(chunks.size(), 3u);

  json chat = {{"model", "tiny-chat"},
               {"messages", {{{"role", "user"}, {"content", "回答需要多少秒"}}}},
               {"rag", {{"collection", "grounded"}, {"k", 3}}},
               {"options", {{"num_predict", 4}, {"temperature", 0}}}};
  std::vector<json> lines;
  auto streamed = server_->Stream("/api/chat", chat, [&](const json& line) {
    lines.push_back(line);
    return true;
  });
  ASSERT_EQ(streamed.status, 200);
  ASSERT_FALSE(lines.empty());
  const json& final = lines.back();
  ASSERT_EQ(final["done"], true) << final.dump();
  ASSERT_TRUE(final["citations"].is_array()) << final.dump();
  ASSERT_EQ(final["citations"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const json& c = final["citations"][i];
    EXPECT_EQ(c["chunk_id"], chunks[i]["chunk_id"]);
    EXPECT_EQ(c["source"], "notes.md");
    EXPECT_EQ(Substring(kArticle, c["start"], c["end"]), chunks[i]["text"].get<std::string>());
  }
  for (size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_FALSE(lines[i].contains("citations"));

  // The sources really are in the prompt: more prompt tokens than without rag.
  json plain = chat;
  plain.erase("rag");
  plain["stream"] = false;
  json grounded = chat;
  grounded["stream"] = false;
  auto without = server_->Post("/api/chat", plain).Json();
  auto with = server_->Post("/api/chat", grounded).Json();
  EXPECT_GT(with["prompt_eval_count"].get<int>(), without["prompt_eval_count"].get<int>() + 20);
  EXPECT_EQ(with["citations"], final["citations"]);
  EXPECT_FALSE(without.contains("citations"));

  json generate = {{"model", "tiny-chat"}, {"prompt", "Redis cache?"}, {"stream", false},
                   {"rag", {{"collection", "grounded"}, {"k", 1}, {"mode", "keyword"}}},
                   {"options", {{"num_predict", 2}}}};
  auto gen = server_->Post("/api/generate", generate);
  ASSERT_EQ(gen.status, 200) << gen.body;
  ASSERT_EQ(gen.Json()["citations"].size(), 1u);
  EXPECT_NE(gen.Json()["citations"][0]["chunk_id"], nullptr);

  generate["rag"] = {{"collection", "missing"}};
  EXPECT_EQ(server_->Post("/api/generate", generate).status, 404);
  json unknown_model = generate;
  unknown_model["model"] = "no-such-model";
  unknown_model["rag"] = {{"collection", "grounded"}};
  auto unknown = server_->Post("/api/generate", unknown_model);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("no-such-model"), std::string::npos) << unknown.body;
  generate["rag"] = {{"k", 2}};
  EXPECT_EQ(server_->Post("/api/generate", generate).status, 400);
  generate["rag"] = {{"collection", "grounded"}, {"template", "no placeholders"}};
  EXPECT_EQ(server_->Post("/api/generate", generate).status, 400);
}

TEST_F(RagTest, CommandLine) {
  const std::string dir = server_->home() + "/docs";
  std::filesystem::create_directories(dir + "/sub");
  std::ofstream(dir + "/a.md") << kArticle;
  std::ofstream(dir + "/sub/b.txt") << "The quick brown fox jumps over the lazy dog.";
  std::ofstream(dir + "/skip.bin") << "ignored";

  auto create = Cli(*server_, "rag create cli --embed tiny-embed --chunk-size 80 --chunk-overlap 10");
  ASSERT_EQ(create.exit_code, 0) << create.out;
  auto add = Cli(*server_, "rag add cli " + dir);
  ASSERT_EQ(add.exit_code, 0) << add.out;
  EXPECT_NE(add.out.find("a.md: added"), std::string::npos) << add.out;
  EXPECT_NE(add.out.find("b.txt: added"), std::string::npos) << add.out;
  auto again = Cli(*server_, "rag add cli " + dir + "/a.md");
  EXPECT_NE(again.out.find("unchanged"), std::string::npos) << again.out;

  auto ls = Cli(*server_, "rag ls");
  EXPECT_TRUE(std::regex_search(ls.out, std::regex("NAME\\s+EMBED MODEL\\s+DOCUMENTS\\s+CHUNKS"))) << ls.out;
  EXPECT_TRUE(std::regex_search(ls.out, std::regex("cli\\s+tiny-embed\\s+2\\s+[0-9]+"))) << ls.out;
  auto docs = Cli(*server_, "rag ls cli");
  EXPECT_NE(docs.out.find(dir + "/a.md"), std::string::npos) << docs.out;

  auto search = Cli(*server_, "rag search cli fox -k 1 --mode keyword");
  ASSERT_EQ(search.exit_code, 0) << search.out;
  EXPECT_NE(search.out.find("1. " + dir + "/sub/b.txt"), std::string::npos) << search.out;

  // Random weights rarely stop on their own: the CLI's model answers in 8 tokens.
  ASSERT_TRUE(server_->CreateModel("short", TinyChatModel(), {{"parameters", {{"num_thread", 1}, {"num_predict", 8}}}}));
  auto ask = Cli(*server_, "rag ask cli 'what does the fox do' --model short -k 2");
  ASSERT_EQ(ask.exit_code, 0) << ask.out;
  EXPECT_NE(ask.out.find("Sources:\n[1] "), std::string::npos) << ask.out;
  EXPECT_NE(ask.out.find("[2] "), std::string::npos) << ask.out;

  auto piped = Cli(*server_, "run short --rag cli", "fox");
  ASSERT_EQ(piped.exit_code, 0) << piped.out;
  EXPECT_NE(piped.out.find("Sources:"), std::string::npos) << piped.out;

  EXPECT_EQ(Cli(*server_, "rag rm cli " + dir + "/sub/b.txt").exit_code, 0);
  EXPECT_TRUE(std::regex_search(Cli(*server_, "rag ls").out, std::regex("cli\\s+tiny-embed\\s+1\\s")));
  auto missing = Cli(*server_, "rag add nope " + dir + "/a.md");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("not found"), std::string::npos) << missing.out;
  EXPECT_EQ(Cli(*server_, "rag rm cli").exit_code, 0);
  EXPECT_NE(Cli(*server_, "rag ls cli").exit_code, 0);
}

// kill -9 of the server in the middle of an ingest: after a restart the
// collection holds exactly the documents that were complete, its vectors
// are rebuilt where needed, and the interrupted document can be added again.
TEST(RagCrashTest, KilledDuringIngestLeavesTheCollectionConsistent) {
  char tmpl[] = "/tmp/suanli-rag-crash-XXXXXX";
  const std::string home = mkdtemp(tmpl);
  const Env env = {{"SUANLI_HOME", home}, {"SUANLI_MODELS", home + "/models"}};
  std::string big;
  for (int i = 0; i < 400; ++i) big += "第" + std::to_string(i) + "段：检索增强生成把文档切成小块，再按关键词和向量找回来。\n\n";
  int64_t small_chunks = 0;
  {
    ServerHarness server(env);
    ASSERT_TRUE(server.ok());
    ASSERT_TRUE(server.CreateModel("tiny-embed", TinyEmbedModel(), kOneThread));
    ASSERT_EQ(server.Post("/api/rag/collections", json{{"name", "docs"}, {"embed_model", "tiny-embed"},
                                                       {"chunk_size", 40}, {"chunk_overlap", 5}})
                  .status,
              200);
    auto small = server.Post("/api/rag/collections/docs/documents", json{{"source", "small.md"}, {"text", kArticle}});
    ASSERT_EQ(small.status, 200) << small.body;
    small_chunks = small.Json()["chunks"];
    bool killed = false;
    server.Stream("/api/rag/collections/docs/documents", json{{"source", "big.txt"}, {"text", big}, {"stream", true}},
                  [&](const json& line) {
                    if (line.value("completed", 0) == 0) return true;
                    ::kill(server.pid(), SIGKILL);
                    killed = true;
                    return false;
                  });
    ASSERT_TRUE(killed) << "the ingest ended before it could be interrupted";
  }
  ServerHarness server(env);
  ASSERT_TRUE(server.ok());
  auto docs = server.Get("/api/rag/collections/docs/documents").Json()["documents"];
  ASSERT_EQ(docs.size(), 1u) << docs.dump();
  EXPECT_EQ(docs[0]["source"], "small.md");
  EXPECT_EQ(server.Get("/api/rag/collections/docs").Json()["chunks"], small_chunks);
  auto hits = server.Post("/api/rag/search", json{{"collection", "docs"}, {"query", "检索增强"}, {"k", 2}});
  ASSERT_EQ(hits.status, 200) << hits.body;
  EXPECT_EQ(hits.Json()["results"].size(), 2u);
  auto again = server.Post("/api/rag/collections/docs/documents", json{{"source", "big.txt"}, {"text", big}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["status"], "added");
  server.Terminate();
  std::error_code ec;
  std::filesystem::remove_all(home, ec);
}

}  // namespace
}  // namespace suanli::testing
