// The legacy /api/create form ({"modelfile": ...}) converted to the current
// JSON form, without reading local files; and create's quantization types.
#include "store/create_legacy.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>

#include "store/gguf_details.h"

namespace suanli::store {
namespace {

using json = nlohmann::json;

const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kAdapter = "sha256:" + std::string(64, 'b');

TEST(CreateLegacyTest, Detection) {
  EXPECT_TRUE(IsLegacyCreateRequest(json{{"name", "m"}, {"modelfile", "FROM x"}}));
  EXPECT_TRUE(IsLegacyCreateRequest(json{{"name", "m"}, {"path", "/x"}}));
  EXPECT_FALSE(IsLegacyCreateRequest(json{{"model", "m"}, {"from", "x"}}));
}

TEST(CreateLegacyTest, BlobReferencesAndFields) {
  const std::string text = "FROM @" + kDigest + "\nADAPTER @" + kAdapter + "\nADAPTER @" + kDigest +
                           "\nSYSTEM \"be brief\"\nPARAMETER temperature 0.5\nPARAMETER stop <e>\nLICENSE mit\n"
                           "MESSAGE user hi\n";
  auto out = LegacyCreateRequest({{"name", "m"}, {"modelfile", text}, {"quantization", "q8_0"}, {"stream", false}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)["name"], "m");
  EXPECT_EQ((*out)["quantization"], "q8_0");
  EXPECT_EQ((*out)["stream"], false);
  EXPECT_FALSE(out->contains("modelfile"));
  EXPECT_EQ((*out)["files"], json({{"model.gguf", kDigest}}));
  EXPECT_EQ((*out)["adapters"], json({{"adapter.gguf", kAdapter}, {"adapter-1.gguf", kDigest}}));
  EXPECT_EQ((*out)["system"], "be brief");
  EXPECT_EQ((*out)["parameters"], json({{"temperature", 0.5}, {"stop", {"<e>"}}}));
  EXPECT_EQ((*out)["license"], json({"mit"}));
  EXPECT_EQ((*out)["messages"], json::parse(R"([{"role":"user","content":"hi"}])"));
}

TEST(CreateLegacyTest, FromAModelName) {
  auto out = LegacyCreateRequest({{"model", "m"}, {"modelfile", "FROM llama3.2:1b\nTEMPLATE {{ .Prompt }}"}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)["from"], "llama3.2:1b");
  EXPECT_FALSE(out->contains("files"));
  EXPECT_EQ((*out)["template"], "{{ .Prompt }}");
}

TEST(CreateLegacyTest, LocalPathsAreRefusedAlikeWhetherOrNotTheyExist) {
  char tmpl[] = "/tmp/suanli-legacy-XXXXXX";
  const int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  const std::string existing = tmpl;
  const std::string missing = existing + "-missing";
  auto message = [](const std::string& instruction_line) {
    auto out = LegacyCreateRequest({{"name", "m"}, {"modelfile", instruction_line}});
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument) << instruction_line;
    return out.status().message();
  };
  for (const std::string& prefix : {std::string("FROM "), std::string("FROM base\nADAPTER ")}) {
    std::string a = message(prefix + existing);
    std::string b = message(prefix + missing);
    EXPECT_EQ(a.find("no such file"), std::string::npos) << a;
    // Same message apart from the path the client sent.
    b.replace(b.find(missing), missing.size(), existing);
    EXPECT_EQ(a, b);
  }
  EXPECT_EQ(message("FROM ./model.gguf").rfind("(line 1): FROM ./model.gguf: local paths are not allowed here", 0), 0u);
  std::remove(existing.c_str());
  ::close(fd);
}

TEST(CreateLegacyTest, ServerPathAndBadModelfiles) {
  auto path = LegacyCreateRequest({{"name", "m"}, {"path", "/home/u/Modelfile"}});
  EXPECT_EQ(path.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(path.status().message().find("/home"), std::string::npos) << "the path is not echoed";
  EXPECT_EQ(LegacyCreateRequest({{"name", "m"}, {"modelfile", 7}}).status().message(), "modelfile must be a string");
  EXPECT_EQ(LegacyCreateRequest({{"name", "m"}, {"modelfile", "SYSTEM x"}}).status().message(), "no FROM line");
  EXPECT_EQ(LegacyCreateRequest({{"name", "m"}, {"modelfile", "FROM @sha256:../../x"}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(QuantizationTypeTest, NamesAndSources) {
  EXPECT_EQ(*ParseQuantizationType("q4_K_M"), "Q4_K_M");
  EXPECT_EQ(*ParseQuantizationType("Q4_k_s"), "Q4_K_S");
  EXPECT_EQ(*ParseQuantizationType("q8_0"), "Q8_0");
  EXPECT_EQ(*ParseQuantizationType("f16"), "F16");
  EXPECT_EQ(*ParseQuantizationType("BF16"), "BF16");
  EXPECT_EQ(*ParseQuantizationType("f32"), "F32");
  for (const char* bad : {"", "q4_0", "q5_K_M", "q4_K_M ", "fp16"}) {
    auto r = ParseQuantizationType(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("q4_K_M, q4_K_S, q8_0, f16, bf16 and f32"), std::string::npos);
  }
  EXPECT_TRUE(CanQuantizeFrom("F16"));
  EXPECT_TRUE(CanQuantizeFrom("BF16"));
  EXPECT_TRUE(CanQuantizeFrom("F32"));
  EXPECT_FALSE(CanQuantizeFrom("Q8_0"));
  EXPECT_FALSE(CanQuantizeFrom("Q4_K_M"));
}

}  // namespace
}  // namespace suanli::store
