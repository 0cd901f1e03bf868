// Go TEMPLATEs (Modelfile and request override) render the prompt as Ollama's do.
#include <gtest/gtest.h>

#include "server_harness.h"

namespace suanli::testing {
namespace {

// ChatML written as Ollama's chatml.gotmpl.
constexpr const char* kChatml =
    "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n";

TEST(TemplateTest, ModelfileTemplateAndRequestOverride) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.CreateModel("plain", TinyChatModel(), json{{"template", "{{ .System }}|{{ .Prompt }}"},
                                                                  {"system", "SYS"}}));
  auto gen = server.Post("/api/generate", json{{"model", "plain"}, {"prompt", "hello"}, {"_debug_render_only", true}});
  ASSERT_EQ(gen.status, 200) << gen.body;
  EXPECT_EQ(gen.Json()["_debug_info"]["rendered_template"], "SYS|hello");
  auto real = server.Post("/api/generate", json{{"model", "plain"}, {"prompt", "hello"}, {"stream", false},
                                                 {"options", {{"temperature", 0}, {"num_predict", 2}}}});
  ASSERT_EQ(real.status, 200) << real.body;
  EXPECT_LT(real.Json()["prompt_eval_count"].get<int>(), 8) << "only SYS|hello, no chat template around it";

  ASSERT_TRUE(server.CreateModel("chatml", TinyChatModel(), json{{"template", kChatml}}));
  json messages = {{{"role", "system"}, {"content", "be brief"}}, {{"role", "user"}, {"content", "hi"}}};
  auto chat = server.Post("/api/chat", json{{"model", "chatml"}, {"messages", messages}, {"_debug_render_only", true}});
  ASSERT_EQ(chat.status, 200) << chat.body;
  EXPECT_EQ(chat.Json()["_debug_info"]["rendered_template"],
            "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
  auto answered = server.Post("/api/chat", json{{"model", "chatml"}, {"messages", messages}, {"stream", false},
                                                 {"options", {{"temperature", 0}, {"num_predict", 3}}}});
  EXPECT_EQ(answered.status, 200) << answered.body;

  auto over = server.Post("/api/generate", json{{"model", "plain"}, {"prompt", "x"}, {"template", "[{{ .Prompt }}]"},
                                                 {"_debug_render_only", true}});
  EXPECT_EQ(over.Json()["_debug_info"]["rendered_template"], "[x]");
  auto broken = server.Post("/api/generate", json{{"model", "plain"}, {"prompt", "x"}, {"template", "{{ .Prompt"}});
  EXPECT_EQ(broken.status, 400);
  auto raw = server.Post("/api/generate", json{{"model", "plain"}, {"prompt", "x"}, {"raw", true}, {"template", "{{ .Prompt }}"}});
  EXPECT_EQ(raw.status, 400);
  auto bad_create = server.Post("/api/create", json{{"model", "bad"}, {"from", "plain"}, {"template", "{{ if }}"}});
  EXPECT_EQ(bad_create.status, 400);
}

TEST(TemplateTest, TemplateThatFailsWhenRunIs500AndTheServerStaysUp) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  // It parses (so create accepts it) but fails when executed.
  ASSERT_TRUE(server.CreateModel("fails-at-run", TinyChatModel(), json{{"template", "{{ index .Messages 99 }}"}}));
  const json messages = {{{"role", "user"}, {"content", "hi"}}};
  for (const json& extra : {json{{"stream", false}}, json{{"stream", true}}, json{{"_debug_render_only", true}}}) {
    json body = {{"model", "fails-at-run"}, {"messages", messages}};
    body.update(extra);
    auto chat = server.Post("/api/chat", body);
    EXPECT_EQ(chat.status, 500) << extra.dump() << ": " << chat.body;
    const std::string error = chat.Json().value("error", "");
    EXPECT_NE(error.find("template: "), std::string::npos) << error;
    EXPECT_NE(error.find("index out of range: 99"), std::string::npos) << error;
  }
  ASSERT_TRUE(ProcessAlive(server.pid())) << "the server survives the failed render";
  EXPECT_EQ(server.Get("/api/version").status, 200);
  ASSERT_TRUE(server.CreateModel("fine", TinyChatModel(), kOneThread));
  auto fine = server.Post("/api/chat", json{{"model", "fine"},
                                            {"messages", messages},
                                            {"stream", false},
                                            {"options", {{"temperature", 0}, {"num_predict", 2}}}});
  EXPECT_EQ(fine.status, 200) << fine.body;
}

}  // namespace
}  // namespace suanli::testing
