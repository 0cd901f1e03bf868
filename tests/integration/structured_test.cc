// Structured outputs through the real server: `format` on /api/generate and
// /api/chat, `response_format` on /v1: the random-weight model's answers
// parse and fit the schema; bad formats and schemas are 400s that say why.
#include <gtest/gtest.h>

#include "server_harness.h"

namespace suanli::testing {
namespace {

class StructuredTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerHarness(Env{{"SUANLI_NUM_PARALLEL", "2"}});
    ASSERT_TRUE(server_->ok()) << "the server did not start";
    ASSERT_TRUE(server_->CreateModel("tiny-chat", TinyChatModel(), kOneThread));
  }
  static void TearDownTestSuite() { delete server_; }
  static ServerHarness* server_;
};
ServerHarness* StructuredTest::server_ = nullptr;

// Small closed schema: every answer that ends by itself is short.
const json kSchema = json::parse(R"({"type":"object","properties":{
  "ok":{"type":"boolean"},"mood":{"type":"string","enum":["calm","busy"]},"count":{"type":"integer","enum":[1,2,3]}},
  "required":["ok","mood","count"]})");

void ExpectFitsSchema(const std::string& text) {
  json out = json::parse(text, nullptr, false);
  ASSERT_FALSE(out.is_discarded()) << text;
  ASSERT_TRUE(out.is_object()) << text;
  EXPECT_TRUE(out["ok"].is_boolean()) << text;
  EXPECT_TRUE(out["mood"] == "calm" || out["mood"] == "busy") << text;
  EXPECT_TRUE(out["count"].is_number_integer() && out["count"] >= 1 && out["count"] <= 3) << text;
}

// Greedy: the grammar check then needs only the best allowed token (fast).
json Options(int64_t seed, int n = 200) { return {{"seed", seed}, {"temperature", 0}, {"num_predict", n}}; }

TEST_F(StructuredTest, SchemaOnGenerateAndStreamedChat) {
  json gen = {{"model", "tiny-chat"},
              {"prompt", "describe yourself"},
              {"format", kSchema},
              {"stream", false},
              {"options", Options(1)}};
  json g = server_->Post("/api/generate", gen).Json();
  ASSERT_EQ(g["done_reason"], "stop") << g.dump();
  ExpectFitsSchema(g["response"]);

  json chat = {{"model", "tiny-chat"},
               {"messages", {{{"role", "user"}, {"content", "who are you?"}}}},
               {"format", kSchema},
               {"options", Options(2)}};
  auto lines = server_->Post("/api/chat", chat).Lines();
  ASSERT_FALSE(lines.empty());
  std::string text;
  for (const auto& l : lines) text += l["message"]["content"].get<std::string>();
  ASSERT_EQ(lines.back()["done_reason"], "stop") << text;
  ExpectFitsSchema(text);
}

TEST_F(StructuredTest, PropertiesComeInTheSchemasOrder) {
  // Raw text: the schema's key order (zeta before alpha) must survive parsing.
  const std::string body = R"({"model":"tiny-chat","prompt":"x","stream":false,
    "options":{"seed":5,"temperature":0,"num_predict":200},
    "format":{"type":"object","properties":{"zeta":{"type":"boolean"},"alpha":{"type":"boolean"}},
              "required":["zeta","alpha"]}})";
  json g = server_->Post("/api/generate", body).Json();
  ASSERT_EQ(g["done_reason"], "stop") << g.dump();
  const std::string text = g["response"];
  ASSERT_TRUE(json::parse(text, nullptr, false).is_object()) << text;
  EXPECT_LT(text.find("\"zeta\""), text.find("\"alpha\"")) << text;
}

TEST_F(StructuredTest, JsonModeAlwaysStartsAnObject) {
  json body = {{"model", "tiny-chat"},
               {"prompt", "json please"},
               {"format", "json"},
               {"stream", false},
               {"options", Options(3, 40)}};
  json g = server_->Post("/api/generate", body).Json();
  const std::string text = g["response"];
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text[0], '{') << text;
  if (g["done_reason"] == "stop") {
    EXPECT_TRUE(json::parse(text, nullptr, false).is_object()) << text;
  }
  // "" means no format, as in Ollama.
  body["format"] = "";
  EXPECT_EQ(server_->Post("/api/generate", body).status, 200);
}

TEST_F(StructuredTest, ResponseFormatOnTheOpenAIApi) {
  json body = {{"model", "tiny-chat"},
               {"messages", {{{"role", "user"}, {"content", "describe yourself"}}}},
               {"response_format", {{"type", "json_schema"}, {"json_schema", {{"name", "me"}, {"schema", kSchema}}}}},
               {"seed", 1},
               {"temperature", 0},
               {"max_tokens", 200}};
  json o = server_->Post("/v1/chat/completions", body).Json();
  ASSERT_EQ(o["choices"][0]["finish_reason"], "stop") << o.dump();
  ExpectFitsSchema(o["choices"][0]["message"]["content"]);

  body["response_format"] = {{"type", "json_object"}};
  body["max_tokens"] = 30;
  json any = server_->Post("/v1/chat/completions", body).Json();
  EXPECT_EQ(any["choices"][0]["message"]["content"].get<std::string>().substr(0, 1), "{") << any.dump();

  json completion = {{"model", "tiny-chat"},
                     {"prompt", "describe yourself"},
                     {"seed", 2},
                     {"temperature", 0},
                     {"max_tokens", 200},
                     {"response_format", {{"type", "json_schema"}, {"json_schema", {{"schema", kSchema}}}}}};
  json c = server_->Post("/v1/completions", completion).Json();
  ASSERT_EQ(c["choices"][0]["finish_reason"], "stop") << c.dump();
  ExpectFitsSchema(c["choices"][0]["text"]);
}

TEST_F(StructuredTest, BadFormatsAndSchemasAreClear400s) {
  json body = {{"model", "tiny-chat"}, {"prompt", "x"}, {"stream", false}};
  body["format"] = "yaml";
  auto yaml = server_->Post("/api/generate", body);
  EXPECT_EQ(yaml.status, 400);
  EXPECT_EQ(yaml.Json()["error"], "invalid format: \"yaml\"; expected \"json\" or a valid JSON Schema object");
  body["format"] = 5;
  EXPECT_EQ(server_->Post("/api/generate", body).status, 400);
  body["format"] = {{"type", "nonsense"}};
  auto schema = server_->Post("/api/generate", body);
  EXPECT_EQ(schema.status, 400);
  const std::string why = schema.Json()["error"];
  EXPECT_NE(why.find("invalid JSON schema"), std::string::npos) << why;
  EXPECT_NE(why.find("nonsense"), std::string::npos) << why;
  json chat = {{"model", "tiny-chat"},
               {"messages", {{{"role", "user"}, {"content", "x"}}}},
               {"format", {{"$ref", "#/definitions/missing"}}}};
  EXPECT_EQ(server_->Post("/api/chat", chat).status, 400);
  chat["format"] = "json";
  chat["grammar"] = "root ::= \"x\"";
  EXPECT_EQ(server_->Post("/api/chat", chat).status, 400);
  EXPECT_EQ(server_->Get("/").status, 200);
}

}  // namespace
}  // namespace suanli::testing
