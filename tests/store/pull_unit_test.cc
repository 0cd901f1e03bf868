// The pieces of a pull that need no network: WWW-Authenticate parsing and
// realm pinning, manifest validation, part planning, the download state file,
// and the names URL pulls store their models under.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "store/download_state.h"
#include "store/pull.h"
#include "store/registry_auth.h"
#include "store/registry_manifest.h"

namespace suanli::store {
namespace {

using json = nlohmann::json;

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');
constexpr const char* kConfig = "application/vnd.docker.container.image.v1+json";
constexpr const char* kModel = "application/vnd.ollama.image.model";

TEST(BearerChallengeTest, ParsesQuotedAndBareParameters) {
  auto c = ParseBearerChallenge(
      R"(Bearer realm="https://registry.ollama.ai/v2/token",service="registry.ollama.ai",scope="repository:library/llama3:pull,push")");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->realm, "https://registry.ollama.ai/v2/token");
  EXPECT_EQ(c->service, "registry.ollama.ai");
  EXPECT_EQ(c->scope, "repository:library/llama3:pull,push");  // the comma stays inside the quotes

  auto bare = ParseBearerChallenge("bearer  realm=https://h/token , Service=\"s\\\"x\", error=\"invalid_token\"");
  ASSERT_TRUE(bare.ok()) << bare.status().message();
  EXPECT_EQ(bare->realm, "https://h/token");
  EXPECT_EQ(bare->service, "s\"x");
}

TEST(BearerChallengeTest, RefusesOtherSchemesAndMalformedLists) {
  for (const char* header : {"", "Basic realm=\"x\"", "Bearer", "Bearer service=\"s\"", "Bearer realm=\"unterminated",
                             "Bearer =x", "Bearer realm"}) {
    EXPECT_FALSE(ParseBearerChallenge(header).ok()) << header;
  }
}

TEST(TokenUrlTest, RealmMustBeTheRegistryHost) {
  BearerChallenge c{"https://registry.example/token", "svc", "repository:a/b:pull"};
  auto url = TokenUrl(c, "registry.example", false);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "https://registry.example/token?service=svc&scope=repository%3Aa%2Fb%3Apull");
  EXPECT_TRUE(TokenUrl(c, "REGISTRY.example", false).ok());  // hosts compare without case

  for (const char* realm : {"https://evil.example/token", "https://registry.example:444/token",
                            "https://registry.example.evil.com/token", "https://user@registry.example/token",
                            "file:///etc/passwd", "ftp://registry.example/token", "registry.example/token"}) {
    c.realm = realm;
    EXPECT_FALSE(TokenUrl(c, "registry.example", true).ok()) << realm;
  }
  c.realm = "http://registry.example/token";
  EXPECT_FALSE(TokenUrl(c, "registry.example", false).ok());  // http needs insecure
  EXPECT_TRUE(TokenUrl(c, "registry.example", true).ok());
}

TEST(TokenReplyTest, ReadsTokenOrAccessToken) {
  EXPECT_EQ(*ParseTokenReply(R"({"token":"abc"})"), "abc");
  EXPECT_EQ(*ParseTokenReply(R"({"access_token":"xyz","expires_in":300})"), "xyz");
  for (const char* body : {"", "[]", R"({"token":""})", R"({"token":7})", R"({"token":"a\nb"})", "<html>"}) {
    EXPECT_FALSE(ParseTokenReply(body).ok()) << body;
  }
}

json Layer(const std::string& type, const std::string& digest, json size) {
  return {{"mediaType", type}, {"digest", digest}, {"size", size}};
}

json Manifest(json layers, json config = Layer(kConfig, kDigestB, 10)) {
  return {{"schemaVersion", 2},
          {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
          {"config", config},
          {"layers", layers}};
}

TEST(RegistryManifestTest, AcceptsAnOllamaManifest) {
  json m = Manifest({Layer(kModel, kDigestA, 1000), Layer("application/vnd.ollama.image.params", kDigestB, 10),
                     Layer("application/vnd.ollama.image.template", kDigestA, 1000)});
  auto parsed = ParseRegistryManifest(m.dump(), {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->layers.size(), 3u);
  // Each digest once, layers first, then the config.
  auto blobs = parsed->DistinctBlobs();
  ASSERT_EQ(blobs.size(), 2u);
  EXPECT_EQ(blobs[0].digest, kDigestA);
  EXPECT_EQ(blobs[1].digest, kDigestB);
}

TEST(RegistryManifestTest, RefusesBadDigests) {
  const std::vector<std::string> bad = {
      "sha256:../../../../etc/ld.so.preload",
      "sha256:" + std::string(63, 'a'),
      "sha256:" + std::string(65, 'a'),
      "sha256:" + std::string(64, 'A'),
      "sha256-" + std::string(64, 'a'),
      "sha512:" + std::string(64, 'a'),
      "sha256:" + std::string(63, 'a') + "g",
      "sha256:" + std::string(62, 'a') + "/.",
      std::string("sha256:") + std::string(63, 'a') + '\0',
      "",
  };
  for (const auto& digest : bad) {
    EXPECT_FALSE(ParseRegistryManifest(Manifest({Layer(kModel, digest, 5)}).dump(), {}).ok()) << digest;
    EXPECT_FALSE(ParseRegistryManifest(Manifest({Layer(kModel, kDigestA, 5)}, Layer(kConfig, digest, 5)).dump(), {}).ok())
        << digest;
  }
}

TEST(RegistryManifestTest, RefusesShapesSizesAndTypes) {
  ManifestLimits limits;
  limits.max_layers = 4;
  limits.max_blob_bytes = 1000;
  limits.max_manifest_bytes = 2000;
  const json model = Layer(kModel, kDigestA, 5);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"no layers", Manifest(json::array()).dump()},
      {"null layers", Manifest(nullptr).dump()},
      {"too many layers", Manifest(json::array({model, model, model, model, model})).dump()},
      {"no model layer", Manifest({Layer("application/vnd.ollama.image.system", kDigestA, 5)}).dump()},
      {"negative size", Manifest({Layer(kModel, kDigestA, -1)}).dump()},
      {"float size", Manifest({Layer(kModel, kDigestA, 1.5)}).dump()},
      {"string size", Manifest({Layer(kModel, kDigestA, "5")}).dump()},
      {"absurd size", Manifest({Layer(kModel, kDigestA, 1001)}).dump()},
      {"huge size", Manifest({Layer(kModel, kDigestA, 18446744073709551615ull)}).dump()},
      {"unknown type", Manifest({Layer("application/vnd.ollama.image.tensor", kDigestA, 5)}).dump()},
      {"foreign type", Manifest({Layer("text/x-shellscript", kDigestA, 5)}).dump()},
      {"config type", Manifest({model}, Layer(kModel, kDigestB, 5)).dump()},
      {"no config", json{{"schemaVersion", 2}, {"layers", {model}}}.dump()},
      {"schema 1", json{{"schemaVersion", 1}, {"config", Layer(kConfig, kDigestB, 5)}, {"layers", {model}}}.dump()},
      {"manifest list", json{{"schemaVersion", 2},
                             {"mediaType", "application/vnd.docker.distribution.manifest.list.v2+json"},
                             {"manifests", json::array()}}.dump()},
      {"not an object", "[1,2]"},
      {"not json", "{\"schemaVersion\":"},
      {"over the cap", Manifest({model}).dump() + std::string(2000, ' ')},
  };
  for (const auto& [what, body] : cases) {
    auto parsed = ParseRegistryManifest(body, limits);
    EXPECT_FALSE(parsed.ok()) << what;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.status().message().find("invalid manifest"), std::string::npos) << what;
    }
  }
}

TEST(PartPlanTest, SixteenPartsClampedToTheLimits) {
  auto parts = PlanParts(1600, 10, 1000, 16);
  ASSERT_EQ(parts.size(), 16u);
  EXPECT_EQ(parts[0].size, 100u);
  // Small blobs: parts of the minimum size; the last part takes the rest.
  parts = PlanParts(25, 10, 1000, 16);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2].offset, 20u);
  EXPECT_EQ(parts[2].size, 5u);
  // Huge blobs: more than 16 parts of the maximum size.
  parts = PlanParts(100000, 10, 1000, 16);
  EXPECT_EQ(parts.size(), 100u);
  // Parts tile the blob exactly, whatever the numbers.
  for (uint64_t total : {1ull, 15ull, 16ull, 17ull, 999ull, 123457ull}) {
    parts = PlanParts(total, 7, 50, 16);
    uint64_t next = 0;
    for (const auto& p : parts) {
      EXPECT_EQ(p.offset, next);
      EXPECT_GT(p.size, 0u);
      next += p.size;
    }
    EXPECT_EQ(next, total);
  }
  parts = PlanParts(0, 10, 1000, 16);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].size, 0u);
}

TEST(DownloadStateTest, RoundTripsThroughAFile) {
  DownloadState s{kDigestA, "\"etag\"", 25, PlanParts(25, 10, 1000, 16)};
  s.parts[0].completed = 10;
  s.parts[2].completed = 3;
  const std::string path = ::testing::TempDir() + "/state-round-trip.json";
  ASSERT_TRUE(SaveDownloadState(path, s).ok());
  auto loaded = LoadDownloadState(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->source, kDigestA);
  EXPECT_EQ(loaded->validator, "\"etag\"");
  EXPECT_EQ(loaded->total, 25u);
  EXPECT_EQ(loaded->Completed(), 13u);
  EXPECT_FALSE(loaded->Done());
  EXPECT_EQ(SerializeDownloadState(*loaded), SerializeDownloadState(s));
  std::remove(path.c_str());
  EXPECT_EQ(LoadDownloadState(path).status().code(), StatusCode::kNotFound);
}

TEST(DownloadStateTest, CorruptStatesAreRefused) {
  DownloadState s{kDigestA, "", 25, PlanParts(25, 10, 1000, 16)};
  const json good = json::parse(SerializeDownloadState(s));
  std::vector<std::string> bad = {"", "{", "[]", "{}", std::string(2 << 20, ' ')};
  auto with = [&](const std::function<void(json&)>& change) {
    json j = good;
    change(j);
    bad.push_back(j.dump());
  };
  with([](json& j) { j["version"] = 2; });
  with([](json& j) { j["total"] = -1; });
  with([](json& j) { j["total"] = 26; });                      // parts do not reach the end
  with([](json& j) { j["parts"][1]["offset"] = 11; });         // a gap
  with([](json& j) { j["parts"][0]["completed"] = 11; });      // more than the part
  with([](json& j) { j["parts"][2]["size"] = 6; });            // past the end
  with([](json& j) { j["parts"] = json::array(); });
  with([](json& j) { j["parts"][0]["completed"] = "3"; });
  with([](json& j) { j.erase("source"); });
  for (const auto& text : bad) {
    EXPECT_FALSE(ParseDownloadState(text).ok()) << text.substr(0, 200);
  }
  EXPECT_TRUE(ParseDownloadState(good.dump()).ok());
  // A truncated file on disk reads as corrupt, not as a crash.
  const std::string path = ::testing::TempDir() + "/state-truncated.json";
  std::ofstream(path) << good.dump().substr(0, 40);
  EXPECT_EQ(LoadDownloadState(path).status().code(), StatusCode::kInvalidArgument);
  std::remove(path.c_str());
}

TEST(UrlNameTest, NamesComeFromTheFileName) {
  EXPECT_EQ(*Puller::NameForUrl("https://huggingface.co/Qwen/Qwen2-0.5B-Instruct-GGUF/resolve/main/"
                                "qwen2-0_5b-instruct-q4_0.gguf?download=true"),
            "qwen2-0_5b-instruct-q4_0:latest");
  EXPECT_EQ(*Puller::NameForUrl("https://example.com/m/My Model (v2)..Q8.GGUF"), "my-model--v2-.q8:latest");
  EXPECT_EQ(*Puller::NameForUrl("http://127.0.0.1:8080/-x.gguf#frag"), "x:latest");
  EXPECT_EQ(Puller::NameForUrl("https://example.com/" + std::string(200, 'a') + ".gguf")->size(), 80u + 7);
  for (const char* url : {"https://example.com/", "https://example.com/model.bin", "https://example.com/.gguf",
                          "https://example.com/---.gguf", "not a url", "https://example.com/a.gguf/"}) {
    EXPECT_FALSE(Puller::NameForUrl(url).ok()) << url;
  }
  // Every derived name is a valid model name.
  for (const char* url : {"https://e.com/%2e%2e.gguf", "https://e.com/a/../b.gguf", "https://e.com/..x...gguf"}) {
    auto name = Puller::NameForUrl(url);
    if (name.ok()) {
      EXPECT_TRUE(ParseModelName(*name).ok()) << *name;
    }
  }
}

}  // namespace
}  // namespace suanli::store
