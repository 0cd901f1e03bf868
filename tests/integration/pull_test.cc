// /api/pull and `suanli pull` against a fake registry on loopback: the
// registry protocol, resumable and shared downloads, verification, and the
// hostile-registry cases (lying digests, traversal, gzip, redirects, token
// realms on other hosts, stalls, dropped connections, a killed server).
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "base/sha256.h"
#include "fake_registry.h"
#include "server_harness.h"

namespace suanli::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModelLayer = "application/vnd.ollama.image.model";
constexpr const char* kParamsLayer = "application/vnd.ollama.image.params";
constexpr const char* kConfigType = "application/vnd.docker.container.image.v1+json";
constexpr uint64_t kPartSize = 4000000;  // SUANLI_PULL_PART_SIZE of the servers below

const Env kPullEnv = {{"SUANLI_PULL_PART_SIZE", std::to_string(kPartSize)}, {"SUANLI_PULL_STALL_TIMEOUT", "2"}};

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Published {
  std::string repo;    // "library/x"
  std::string name;    // what to pull
  std::string digest;  // of the model layer
  uint64_t size = 0;
};

// Publishes <registry>/<repo>:latest with a model layer, a params layer and
// a config on `registry`.
Published Publish(FakeRegistry& registry, const std::string& repo, const std::string& model) {
  const std::string params = R"({"num_thread":1,"temperature":0})";
  const std::string config = R"({"model_format":"gguf","model_family":"qwen2"})";
  Published p{repo, registry.Authority() + "/" + repo + ":latest", registry.AddBlob(model), model.size()};
  const std::string params_digest = registry.AddBlob(params);
  const std::string config_digest = registry.AddBlob(config);
  registry.SetManifest(repo, "latest",
                       ManifestJson({kConfigType, config_digest, config.size()},
                                    {{kModelLayer, p.digest, model.size()}, {kParamsLayer, params_digest, params.size()}}));
  return p;
}

std::string BlobFile(const ServerHarness& server, const std::string& digest) {
  return server.home() + "/models/blobs/sha256-" + digest.substr(7);
}

bool Listed(ServerHarness& server, const std::string& name) {
  for (const auto& m : server.Get("/api/tags").Json().value("models", json::array())) {
    if (m.value("name", "") == name) return true;
  }
  return false;
}

// Every file under `dir` whose path contains `needle`.
std::vector<std::string> FilesMatching(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->path().string().find(needle) != std::string::npos) out.push_back(it->path().string());
  }
  return out;
}

class PullTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerHarness(kPullEnv);
    ASSERT_TRUE(server_->ok()) << "the server did not start";
  }
  static void TearDownTestSuite() { delete server_; }

  HttpReply PullWhole(const std::string& name) {
    return server_->Post("/api/pull", json{{"model", name}, {"insecure", true}, {"stream", false}});
  }
  std::vector<json> PullLines(const std::string& name) {
    return server_->Stream("/api/pull", {{"model", name}, {"insecure", true}}, [](const json&) { return true; }).Lines();
  }
  static std::string LastError(const std::vector<json>& lines) {
    return lines.empty() ? "" : lines.back().value("error", "");
  }
  // The store holds no trace of `p`: no manifest, no blob, no partial file.
  void ExpectNothingStored(const Published& p) {
    EXPECT_FALSE(Listed(*server_, p.name));
    EXPECT_FALSE(fs::exists(BlobFile(*server_, p.digest)));
    EXPECT_FALSE(fs::exists(BlobFile(*server_, p.digest) + "-partial"));
    EXPECT_TRUE(FilesMatching(server_->home() + "/models/manifests", "/" + p.repo + "/").empty());
  }

  static ServerHarness* server_;
  FakeRegistry registry_;
};
ServerHarness* PullTest::server_ = nullptr;

TEST_F(PullTest, PullsAModelThatRuns) {
  const Published p = Publish(registry_, "library/tiny", ReadFile(TinyChatModel()));
  ASSERT_GT(p.size, 3 * kPartSize);
  const auto lines = PullLines(p.name);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(LastError(lines), "");
  EXPECT_EQ(lines.front(), json({{"status", "pulling manifest"}}));
  // Per layer: "pulling <12 hex>" with its digest and counts, ending complete.
  std::map<std::string, json> last;
  std::vector<std::string> statuses;
  for (const auto& line : lines) {
    if (line.contains("digest")) {
      const std::string digest = line["digest"];
      EXPECT_EQ(line["status"], "pulling " + digest.substr(7, 12));
      EXPECT_LE(line["completed"].get<uint64_t>(), line["total"].get<uint64_t>());
      last[digest] = line;
    } else if (statuses.empty() || statuses.back() != line["status"]) {
      statuses.push_back(line["status"]);
    }
  }
  ASSERT_EQ(last.size(), 3u);  // model, params, config
  EXPECT_EQ(last[p.digest]["total"], p.size);
  EXPECT_EQ(last[p.digest]["completed"], p.size);
  EXPECT_EQ(statuses,
            (std::vector<std::string>{"pulling manifest", "verifying sha256 digest", "writing manifest", "success"}));
  // The model blob came in parallel ranged parts; nothing twice.
  EXPECT_GE(registry_.blob_gets(), static_cast<int>(p.size / kPartSize));
  EXPECT_LE(registry_.bytes_served(), p.size + 1000);
  EXPECT_EQ(*Sha256File(BlobFile(*server_, p.digest)), p.digest.substr(7));
  EXPECT_FALSE(fs::exists(BlobFile(*server_, p.digest) + "-partial"));

  // The pulled name runs.
  ASSERT_TRUE(Listed(*server_, p.name));
  auto gen = server_->Post("/api/generate", json{{"model", p.name}, {"prompt", "hi"}, {"stream", false},
                                                   {"options", {{"num_predict", 3}}}});
  ASSERT_EQ(gen.status, 200) << gen.body;
  EXPECT_TRUE(gen.Json()["done"].get<bool>());
  EXPECT_GE(gen.Json()["eval_count"].get<int>(), 1);
  EXPECT_LE(gen.Json()["eval_count"].get<int>(), 3);

  // Pulling again downloads nothing: every layer is complete at once.
  registry_.ResetCounters();
  auto again = PullWhole(p.name);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json(), json({{"status", "success"}}));
  EXPECT_EQ(registry_.blob_gets(), 0);
}

TEST_F(PullTest, InterruptedPullResumesWithoutFetchingFinishedBytes) {
  const Published p = Publish(registry_, "library/resume", RandomBytes(24000000, 1));
  registry_.SetFaults({.chunk_delay_ms = 15});
  uint64_t seen = 0;
  server_->Stream("/api/pull", {{"model", p.name}, {"insecure", true}}, [&](const json& line) {
    if (line.value("digest", "") == p.digest) seen = line.value("completed", uint64_t{0});
    return seen < p.size / 3;  // hang up a third of the way
  });
  ASSERT_GE(seen, p.size / 3);
  ASSERT_LT(seen, p.size);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // the server notices and stops
  EXPECT_TRUE(fs::exists(BlobFile(*server_, p.digest) + "-partial"));
  EXPECT_FALSE(Listed(*server_, p.name));

  registry_.SetFaults({});
  registry_.ResetCounters();
  auto done = PullWhole(p.name);
  ASSERT_EQ(done.status, 200) << done.body;
  // Only what was missing came again (plus the two small layers).
  EXPECT_LE(registry_.bytes_served(), p.size - seen + 1000);
  EXPECT_EQ(*Sha256File(BlobFile(*server_, p.digest)), p.digest.substr(7));
  EXPECT_TRUE(FilesMatching(server_->home() + "/models/blobs", p.digest.substr(7) + "-partial").empty());
}

TEST_F(PullTest, DigestMismatchDeletesTheDownload) {
  Published p = Publish(registry_, "library/liar", RandomBytes(6000000, 2));
  registry_.AddBlobAs(p.digest, RandomBytes(6000000, 3));  // same size, other bytes
  const auto lines = PullLines(p.name);
  EXPECT_NE(LastError(lines).find("digest mismatch"), std::string::npos) << LastError(lines);
  ExpectNothingStored(p);
  EXPECT_TRUE(FilesMatching(server_->home() + "/models/blobs", p.digest.substr(7)).empty());
}

TEST_F(PullTest, HostileManifestsAreRefusedAndWriteNothing) {
  const std::string config = registry_.AddBlob("{}");
  const std::string model = registry_.AddBlob("GGUF");
  const TestLayer cfg{kConfigType, config, 2};
  const TestLayer layer{kModelLayer, model, 4};
  std::vector<TestLayer> many(1000, layer);
  const std::map<std::string, std::string> cases = {
      {"traversal", ManifestJson(cfg, {{kModelLayer, "sha256:../../../../pwned", 4}})},
      {"traversal-config", ManifestJson({kConfigType, "sha256:../../pwned", 2}, {layer})},
      {"upper-case", ManifestJson(cfg, {{kModelLayer, "sha256:" + std::string(64, 'A'), 4}})},
      {"no-layers", ManifestJson(cfg, {})},
      {"many-layers", ManifestJson(cfg, many)},
      {"negative-size", R"({"schemaVersion":2,"config":{"mediaType":")" + std::string(kConfigType) +
                            R"(","digest":")" + config + R"(","size":2},"layers":[{"mediaType":")" + kModelLayer +
                            R"(","digest":")" + model + R"(","size":-1}]})"},
      {"absurd-size", ManifestJson(cfg, {{kModelLayer, model, 1ull << 60}})},
      {"unknown-type", ManifestJson(cfg, {{"application/x-sh", model, 4}})},
      {"no-config", R"({"schemaVersion":2,"layers":[{"mediaType":")" + std::string(kModelLayer) + R"(","digest":")" +
                        model + R"(","size":4}]})"},
      {"not-json", "<html>"},
      {"huge", ManifestJson(cfg, {layer}) + std::string(5 << 20, ' ')},
  };
  for (const auto& [repo, body] : cases) {
    registry_.SetManifest("evil/" + repo, "latest", body);
    auto reply = PullWhole(registry_.Authority() + "/evil/" + repo);
    EXPECT_NE(reply.status, 200) << repo;
    EXPECT_NE(reply.Json().value("error", ""), "") << repo;
    EXPECT_FALSE(Listed(*server_, registry_.Authority() + "/evil/" + repo + ":latest")) << repo;
  }
  EXPECT_TRUE(FilesMatching(server_->home(), "pwned").empty());
  EXPECT_TRUE(FilesMatching(server_->home() + "/models/manifests", "evil").empty());
  EXPECT_EQ(registry_.blob_gets(), 0);
  // Names are checked before anything leaves the machine.
  EXPECT_EQ(PullWhole("../../etc/passwd").status, 400);
  EXPECT_EQ(PullWhole(registry_.Authority() + "/a/b/c/d").status, 400);
  auto missing = PullWhole(registry_.Authority() + "/library/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json()["error"], "pull model manifest: file does not exist");
}

TEST_F(PullTest, TokenChallengeAndCdnRedirectKeepTheTokenHome) {
  FakeRegistry cdn;  // "localhost" is another host than "127.0.0.1"
  const Published p = Publish(registry_, "library/private", RandomBytes(9000000, 4));
  cdn.AddBlobAs(p.digest, RandomBytes(9000000, 4));
  registry_.SetFaults({.redirect_to = "http://localhost:" + std::to_string(cdn.port()), .token = "s3cret"});
  auto reply = PullWhole(p.name);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_GE(registry_.token_requests(), 1);
  EXPECT_GE(cdn.blob_gets(), 3);
  for (const auto& auth : registry_.blob_authorizations()) EXPECT_EQ(auth, "Bearer s3cret");
  for (const auto& auth : cdn.blob_authorizations()) EXPECT_EQ(auth, "") << "the token left the registry's host";
  EXPECT_EQ(*Sha256File(BlobFile(*server_, p.digest)), p.digest.substr(7));
}

TEST_F(PullTest, TokenRealmOnAnotherHostIsRefused) {
  FakeRegistry elsewhere;
  const Published p = Publish(registry_, "library/phish", RandomBytes(100000, 5));
  registry_.SetFaults({.token = "t", .realm = "http://localhost:" + std::to_string(elsewhere.port()) + "/token"});
  auto reply = PullWhole(p.name);
  EXPECT_NE(reply.status, 200);
  EXPECT_NE(reply.Json().value("error", "").find("realm"), std::string::npos) << reply.body;
  EXPECT_EQ(elsewhere.requests(), 0);
  ExpectNothingStored(p);
}

TEST_F(PullTest, StallAndDroppedConnectionAreRetried) {
  const Published p = Publish(registry_, "library/flaky", RandomBytes(8000000, 6));
  registry_.SetFaults({.fail_first = 1, .stall_after = 1000000, .stall_ms = 5000, .drop_after = 500000});
  const auto start = std::chrono::steady_clock::now();
  auto reply = PullWhole(p.name);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  // Two parts, one 500, one drop and one stall: at least three more requests.
  EXPECT_GE(registry_.blob_gets(), 2 + 3);
  EXPECT_LE(registry_.bytes_served(), p.size + 2000000);
  EXPECT_EQ(*Sha256File(BlobFile(*server_, p.digest)), p.digest.substr(7));
}

TEST_F(PullTest, EncodedOversizedAndRedirectedBodiesAreRefused) {
  const Published gz = Publish(registry_, "library/gzip", RandomBytes(300000, 7));
  registry_.SetFaults({.gzip = true});
  auto reply = PullWhole(gz.name);
  EXPECT_NE(reply.Json().value("error", "").find("gzip"), std::string::npos) << reply.body;
  ExpectNothingStored(gz);

  // A blob longer than the manifest says: the download stops at the size.
  Published big = Publish(registry_, "library/big", RandomBytes(300000, 8));
  registry_.AddBlobAs(big.digest, RandomBytes(900000, 8));
  registry_.SetFaults({.ignore_range = true});
  reply = PullWhole(big.name);
  EXPECT_NE(reply.Json().value("error", "").find("sent more than"), std::string::npos) << reply.body;
  ExpectNothingStored(big);

  const Published meta = Publish(registry_, "library/meta", RandomBytes(300000, 9));
  registry_.SetFaults({.redirect_to = "http://169.254.169.254"});
  reply = PullWhole(meta.name);
  EXPECT_NE(reply.Json().value("error", "").find("link-local"), std::string::npos) << reply.body;
  ExpectNothingStored(meta);
}

TEST_F(PullTest, ConcurrentPullsShareOneDownload) {
  const std::string data = RandomBytes(12000000, 10);
  const Published a = Publish(registry_, "library/twin-a", data);
  const Published b = Publish(registry_, "library/twin-b", data);
  registry_.SetFaults({.chunk_delay_ms = 5});
  HttpReply ra, rb;
  std::thread t([&] { ra = PullWhole(a.name); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  rb = PullWhole(b.name);
  t.join();
  EXPECT_EQ(ra.status, 200) << ra.body;
  EXPECT_EQ(rb.status, 200) << rb.body;
  EXPECT_LE(registry_.bytes_served(), data.size() + 1000);  // once, not twice
  EXPECT_TRUE(Listed(*server_, a.name));
  EXPECT_TRUE(Listed(*server_, b.name));
}

TEST_F(PullTest, DeleteOfANameBeingPulledWaitsForThePull) {
  const Published p = Publish(registry_, "library/busy", RandomBytes(6000000, 16));
  registry_.SetFaults({.chunk_delay_ms = 5});  // about half a second of download
  HttpReply pulled;
  std::thread t([&] { pulled = PullWhole(p.name); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  // The delete waits for the pull to finish with the name, then removes a
  // whole model: never a manifest left without its blobs.
  const HttpReply deleted = server_->Delete("/api/delete", json{{"model", p.name}});
  t.join();
  EXPECT_EQ(pulled.status, 200) << pulled.body;
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_FALSE(Listed(*server_, p.name));
  EXPECT_FALSE(fs::exists(BlobFile(*server_, p.digest)));
  registry_.SetFaults({});
}

TEST_F(PullTest, ANewVersionPrunesTheLayersOnlyTheOldOneUsed) {
  const Published v1 = Publish(registry_, "library/moving", RandomBytes(500000, 14));
  ASSERT_EQ(PullWhole(v1.name).status, 200);
  ASSERT_TRUE(fs::exists(BlobFile(*server_, v1.digest)));
  const Published v2 = Publish(registry_, "library/moving", RandomBytes(500000, 15));  // same tag, new model
  const auto lines = PullLines(v2.name);
  EXPECT_EQ(LastError(lines), "");
  EXPECT_NE(std::find(lines.begin(), lines.end(), json({{"status", "removing unused layers"}})), lines.end());
  EXPECT_FALSE(fs::exists(BlobFile(*server_, v1.digest)));
  EXPECT_TRUE(fs::exists(BlobFile(*server_, v2.digest)));
  EXPECT_TRUE(Listed(*server_, v2.name));  // its params and config layers (shared with v1) stayed
}

TEST_F(PullTest, PullingInAnotherCaseReplacesTheStoredModel) {
  const Published v1 = Publish(registry_, "library/casey", RandomBytes(400000, 17));
  ASSERT_EQ(PullWhole(v1.name).status, 200);
  const Published v2 = Publish(registry_, "library/casey", RandomBytes(400000, 18));  // same tag, new model
  // The name as typed differs only in case: the stored spelling is pulled
  // and replaced, and the old model layer pruned.
  const std::string shouted = registry_.Authority() + "/library/CASEY:LATEST";
  const auto lines = PullLines(shouted);
  EXPECT_EQ(LastError(lines), "");
  EXPECT_NE(std::find(lines.begin(), lines.end(), json({{"status", "removing unused layers"}})), lines.end());
  const auto manifests = FilesMatching(server_->home() + "/models/manifests", "/casey/");
  const auto shouted_manifests = FilesMatching(server_->home() + "/models/manifests", "/CASEY/");
  EXPECT_EQ(manifests.size(), 1u);
  EXPECT_TRUE(shouted_manifests.empty()) << shouted_manifests.front();
  EXPECT_FALSE(fs::exists(BlobFile(*server_, v1.digest)));
  EXPECT_TRUE(fs::exists(BlobFile(*server_, v2.digest)));
  ASSERT_TRUE(Listed(*server_, v1.name));
  EXPECT_FALSE(Listed(*server_, shouted));
}

TEST_F(PullTest, UrlPullNamesTheModelAfterTheFile) {
  registry_.AddFile("/files/Tiny-Embed.Q8.gguf", ReadFile(TinyEmbedModel()));
  const std::string url = "http://" + registry_.Authority() + "/files/Tiny-Embed.Q8.gguf";
  const auto lines = PullLines(url);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(LastError(lines), "");
  EXPECT_EQ(lines.back(), json({{"status", "success"}}));
  EXPECT_TRUE(Listed(*server_, "tiny-embed.q8:latest"));
  // A file that is not a GGUF becomes no model and leaves no blob behind.
  const std::string junk = RandomBytes(200000, 13);
  registry_.AddFile("/files/junk.gguf", junk);
  auto refused = PullWhole("http://" + registry_.Authority() + "/files/junk.gguf");
  EXPECT_NE(refused.status, 200);
  EXPECT_FALSE(Listed(*server_, "junk:latest"));
  EXPECT_FALSE(fs::exists(server_->home() + "/models/blobs/sha256-" + Sha256Hex(junk)));
  EXPECT_TRUE(FilesMatching(server_->home() + "/models/blobs", "url-").empty());
  auto https_only = server_->Post("/api/pull", json{{"model", url}, {"stream", false}});
  EXPECT_EQ(https_only.status, 400);
  EXPECT_EQ(PullWhole("http://" + registry_.Authority() + "/files/readme.txt").status, 400);
}

TEST(PullCrashTest, KilledServerLeavesAConsistentStoreAndTheNextPullResumes) {
  FakeRegistry registry;
  const Published p = Publish(registry, "library/crash", RandomBytes(20000000, 11));
  char tmpl[] = "/tmp/suanli-pull-XXXXXX";
  const std::string models = std::string(mkdtemp(tmpl)) + "/models";
  Env env = kPullEnv;
  env["SUANLI_MODELS"] = models;
  registry.SetFaults({.chunk_delay_ms = 15});
  {
    ServerHarness server(env);
    ASSERT_TRUE(server.ok());
    uint64_t seen = 0;
    server.Stream("/api/pull", {{"model", p.name}, {"insecure", true}}, [&](const json& line) {
      if (line.value("digest", "") == p.digest) seen = line.value("completed", uint64_t{0});
      if (seen < p.size / 2) return true;
      ::kill(server.pid(), SIGKILL);
      return false;
    });
    ASSERT_GE(seen, p.size / 2);
  }
  registry.SetFaults({});
  registry.ResetCounters();
  ServerHarness server(env);
  ASSERT_TRUE(server.ok());
  EXPECT_FALSE(Listed(server, p.name));  // absent, never half there
  EXPECT_FALSE(fs::exists(models + "/blobs/sha256-" + p.digest.substr(7)));
  auto reply = server.Post("/api/pull", json{{"model", p.name}, {"insecure", true}, {"stream", false}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_LT(registry.bytes_served(), p.size);  // resumed, not started over
  EXPECT_EQ(*Sha256File(models + "/blobs/sha256-" + p.digest.substr(7)), p.digest.substr(7));
  EXPECT_TRUE(Listed(server, p.name));
  std::error_code ec;
  fs::remove_all(fs::path(models).parent_path(), ec);
}

// `suanli pull` through the CLI: progress lines and exit codes.
TEST_F(PullTest, CliPullPrintsProgressAndExitCodes) {
  const Published p = Publish(registry_, "library/cli", RandomBytes(5000000, 12));
  auto run = [&](const std::string& args) {
    const char* bin = std::getenv("SUANLI_BIN");
    const std::string cmd = "SUANLI_HOST=127.0.0.1:" + std::to_string(server_->port()) + " " +
                            (bin ? bin : "suanli") + " " + args + " 2>&1 </dev/null";
    std::string out;
    FILE* pipe = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
    const int status = pclose(pipe);
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
  };
  auto [code, out] = run("pull --insecure " + p.name);
  EXPECT_EQ(code, 0) << out;
  for (const std::string& expected : {std::string("pulling manifest"), "pulling " + p.digest.substr(7, 12) + " 100%",
                                      std::string("verifying sha256 digest"), std::string("writing manifest"),
                                      std::string("success")}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected << " missing from:\n" << out;
  }
  auto [missing_code, missing_out] = run("pull --insecure " + registry_.Authority() + "/library/absent");
  EXPECT_EQ(missing_code, 1);
  EXPECT_NE(missing_out.find("Error: pull model manifest: file does not exist"), std::string::npos) << missing_out;
}

}  // namespace
}  // namespace suanli::testing
