// Capabilities from templates as Ollama infers them: Go TEMPLATE variables
// and thinking tags (thinking.InferTags), and Jinja templates' variables.
#include "store/template_capabilities.h"

#include <gtest/gtest.h>

#include "store/prompt_renderer.h"

namespace suanli::store {
namespace {

TemplateCapabilities Go(const std::string& text) {
  auto t = ParseOllamaTemplate(text);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? GoTemplateCapabilities(*t) : TemplateCapabilities{};
}

TEST(TemplateCapabilitiesTest, GoToolsAndInsertFollowTheVariables) {
  EXPECT_TRUE(Go("{{ if .Tools }}{{ json .Tools }}{{ end }}{{ .Prompt }}").tools);
  EXPECT_TRUE(Go("{{ range .Messages }}{{ if $.Tools }}t{{ end }}{{ end }}").tools);
  EXPECT_FALSE(Go("You can use tools. {{ .Prompt }}").tools) << "text is not a variable";
  auto fim = Go("{{ if .Suffix }}<PRE> {{ .Prompt }} <SUF>{{ .Suffix }} <MID>{{ else }}{{ .Prompt }}{{ end }}");
  EXPECT_TRUE(fim.insert);
  EXPECT_FALSE(fim.tools);
  EXPECT_FALSE(Go("{{ .Prompt }}").insert);
}

TEST(TemplateCapabilitiesTest, GoThinkingNeedsTagsAroundThinkingInsideMessages) {
  const auto qwen3 =
      Go("{{- range $i, $_ := .Messages }}<|im_start|>{{ .Role }}\n"
         "{{ if and (eq .Role \"assistant\") .Thinking }}<think>{{ .Thinking }}</think>{{ end }}"
         "{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n");
  EXPECT_TRUE(qwen3.thinking);
  EXPECT_EQ(qwen3.thinking_open, "<think>");
  EXPECT_EQ(qwen3.thinking_close, "</think>");
  EXPECT_FALSE(Go("{{ if .Think }}think hard{{ end }}{{ .Prompt }}").thinking) << ".Think alone has no tags";
  EXPECT_FALSE(Go("<think>{{ .Thinking }}</think>").thinking) << "outside range .Messages";
  EXPECT_FALSE(Go("{{ range .Messages }}{{ .Thinking }}{{ end }}").thinking) << "no tags around it";
}

TEST(TemplateCapabilitiesTest, Jinja) {
  const auto qwen25 = JinjaTemplateCapabilities(
      "{%- if tools %}{{- '<tools>' }}{%- for tool in tools %}{{ tool | tojson }}{%- endfor %}{%- endif %}");
  EXPECT_TRUE(qwen25.tools);
  EXPECT_FALSE(qwen25.thinking);
  const auto qwen3 = JinjaTemplateCapabilities(
      "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>' }}{%- endif %}");
  EXPECT_TRUE(qwen3.thinking);
  EXPECT_TRUE(JinjaTemplateCapabilities("{{ message.reasoning_content }}").thinking);
  const auto chatml = JinjaTemplateCapabilities(
      "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>'}}"
      "{% endfor %}");
  EXPECT_FALSE(chatml.tools);
  EXPECT_FALSE(chatml.thinking);
  EXPECT_FALSE(chatml.insert);
  EXPECT_FALSE(JinjaTemplateCapabilities("{{ use_tools_x }}").tools) << "a longer identifier";
}

}  // namespace
}  // namespace suanli::store
