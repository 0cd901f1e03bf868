// Structured outputs: formats become grammars, and the random-weight model
// constrained by them writes JSON that parses and fits the schema.
#include "engine/structured_output.h"

#include <gtest/gtest.h>

#include "engine/chat_template.h"
#include "engine/engine.h"
#include "engine/sampler.h"
#include "engine/test_models.h"

namespace suanli::engine {
namespace {

using json = nlohmann::json;

TEST(StructuredOutputTest, FormatsBecomeGrammars) {
  const Model& m = testing::TinyChat();
  EXPECT_EQ(GrammarForFormat(m, json()).value(), "");
  EXPECT_EQ(GrammarForFormat(m, json("")).value(), "");
  auto any = GrammarForFormat(m, json("json"));
  ASSERT_TRUE(any.ok()) << any.status().message();
  EXPECT_NE(any->find("root ::= object"), std::string::npos) << *any;
  auto schema =
      GrammarForFormat(m, json::parse(R"({"type":"object","properties":{"ok":{"type":"boolean"}},"required":["ok"]})"));
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  EXPECT_NE(schema->find("\\\"ok\\\""), std::string::npos) << *schema;
}

TEST(StructuredOutputTest, BadFormatsNameTheProblem) {
  const Model& m = testing::TinyChat();
  auto bad_type = GrammarForFormat(m, json::parse(R"({"type":"nonsense"})"));
  ASSERT_EQ(bad_type.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_type.status().message().find("invalid JSON schema"), std::string::npos);
  EXPECT_NE(bad_type.status().message().find("nonsense"), std::string::npos) << bad_type.status().message();
  auto bad_ref = GrammarForFormat(m, json::parse(R"({"$ref":"#/definitions/missing"})"));
  EXPECT_EQ(bad_ref.status().code(), StatusCode::kInvalidArgument);
  for (const json& wrong : {json("yaml"), json(5), json::array({1})}) {
    auto r = GrammarForFormat(m, wrong);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << wrong.dump();
    EXPECT_NE(r.status().message().find("expected \"json\" or a valid JSON Schema object"), std::string::npos);
  }
}

// The text of a greedy/seeded run constrained by `gbnf`.
struct GenRun {
  std::string text;
  std::string done_reason;
};
GenRun Generate(Engine& e, const std::string& gbnf, int64_t seed, int n_predict) {
  CompletionRequest r;
  r.prompt =
      testing::TinyChat().Tokenize("<|im_start|>user\nanswer in JSON<|im_end|>\n<|im_start|>assistant\n", true, true);
  r.sampling.num_predict = n_predict;
  r.sampling.temperature = 1.0f;
  r.sampling.seed = seed;
  r.grammar.gbnf = gbnf;
  auto c = e.Submit(std::move(r));
  EXPECT_TRUE(c.ok()) << c.status().message();
  GenRun run;
  while (true) {
    CompletionEvent ev = (*c)->Next();
    if (ev.kind == CompletionEvent::Kind::kToken) {
      run.text += ev.text;
      continue;
    }
    EXPECT_EQ(ev.kind, CompletionEvent::Kind::kDone) << ev.error.message();
    run.done_reason = ev.done_reason;
    return run;
  }
}

TEST(StructuredOutputTest, RandomWeightsWriteJsonThatFitsTheSchema) {
  EngineOptions o;
  o.num_ctx = 512;
  o.num_thread = 1;
  auto e = Engine::Create(testing::TinyChat(), o);
  ASSERT_TRUE(e.ok()) << e.status().message();
  const json schema = json::parse(R"({"type":"object","properties":{
      "ok":{"type":"boolean"},"level":{"type":"string","enum":["low","high"]},"n":{"type":"integer","enum":[1,2,3]}},
      "required":["ok","level","n"]})");
  auto gbnf = GrammarForFormat(testing::TinyChat(), schema);
  ASSERT_TRUE(gbnf.ok());
  for (int64_t seed : {1}) {
    GenRun run = Generate(**e, *gbnf, seed, 200);
    ASSERT_EQ(run.done_reason, "stop") << "seed " << seed << ": " << run.text;
    json out = json::parse(run.text, nullptr, false);
    ASSERT_FALSE(out.is_discarded()) << run.text;
    ASSERT_TRUE(out.is_object());
    EXPECT_TRUE(out["ok"].is_boolean()) << run.text;
    EXPECT_TRUE(out["level"] == "low" || out["level"] == "high") << run.text;
    EXPECT_TRUE(out["n"].is_number_integer() && out["n"] >= 1 && out["n"] <= 3) << run.text;
  }
  // "json": any object; it may run long, but what ends by itself parses.
  auto any = GrammarForFormat(testing::TinyChat(), json("json"));
  {
    GenRun run = Generate(**e, *any, 4, 40);
    EXPECT_EQ(run.text.front(), '{') << run.text;
    if (run.done_reason == "stop") {
      EXPECT_TRUE(json::parse(run.text, nullptr, false).is_object()) << run.text;
    }
  }
}

TEST(StructuredOutputTest, StrictToolGrammarTakesTheGenerationPromptAsPrefill) {
  std::string src;
  if (FILE* f = std::fopen(SUANLI_TEMPLATES_DIR "/Qwen-Qwen2.5-7B-Instruct.jinja", "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) src.append(buf, n);
    std::fclose(f);
  }
  ASSERT_FALSE(src.empty());
  const Model& m = testing::TinyChat();
  auto t = ChatTemplate::Create(m, src);
  ASSERT_TRUE(t.ok());
  RenderRequest req;
  req.messages = {{"user", "x", "", {}, "", ""}};
  req.tools = {{"f", "", R"({"type":"object","properties":{"a":{"type":"integer"}}})"}};
  req.tool_choice = ToolChoice::kRequired;
  auto r = (*t)->Render(req);
  ASSERT_TRUE(r.ok());
  GrammarSpec g;
  g.gbnf = r->grammar;
  g.prefill = m.Tokenize(r->generation_prompt, false, true);
  EXPECT_TRUE(CheckGrammar(m, g).ok()) << CheckGrammar(m, g).message();
  g.prefill = m.Tokenize("}}}", false, true);
  EXPECT_EQ(CheckGrammar(m, g).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckGrammar(m, GrammarSpec{"root ::= (", false, {}, {}, {}}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace suanli::engine
