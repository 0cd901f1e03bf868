// Ollama's prompt rendering with its published templates (template/*.gotmpl
// of the reference commit: chatml, llama3-instruct, mistral-instruct,
// gemma-instruct, phi-3) and registry templates with tools, over messages,
// system prompts and tools. Expected prompts are written out by hand.
#include "store/prompt_renderer.h"

#include <gtest/gtest.h>

namespace suanli::store {
namespace {

using json = nlohmann::json;

// template/chatml.gotmpl
constexpr char kChatml[] =
    "{{- range .Messages }}<|im_start|>{{ .Role }}\n"
    "{{ .Content }}<|im_end|>\n"
    "{{ end }}<|im_start|>assistant\n";

// template/llama3-instruct.gotmpl
constexpr char kLlama3Instruct[] =
    "{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n"
    "\n"
    "{{ .Content }}<|eot_id|>\n"
    "{{- end }}<|start_header_id|>assistant<|end_header_id|>\n"
    "\n";

// template/mistral-instruct.gotmpl (no trailing newline)
constexpr char kMistralInstruct[] =
    "[INST] {{ range $index, $_ := .Messages }}\n"
    "{{- if eq .Role \"system\" }}{{ .Content }}\n"
    "\n"
    "{{ else if eq .Role \"user\" }}{{ .Content }}[/INST]\n"
    "{{- else if eq .Role \"assistant\" }} {{ .Content }}</s>[INST] {{ end }}\n"
    "{{- end }}";

// template/gemma-instruct.gotmpl
constexpr char kGemmaInstruct[] =
    "{{- $system := \"\" }}\n"
    "{{- range .Messages }}\n"
    "{{- if eq .Role \"system\" }}\n"
    "{{- if not $system }}{{ $system = .Content }}\n"
    "{{- else }}{{ $system = printf \"%s\\n\\n%s\" $system .Content }}\n"
    "{{- end }}\n"
    "{{- continue }}\n"
    "{{- else if eq .Role \"user\" }}<start_of_turn>user\n"
    "{{- if $system }}\n"
    "{{ $system }}\n"
    "{{- $system = \"\" }}\n"
    "{{- end }}\n"
    "{{- else if eq .Role \"assistant\" }}<start_of_turn>model\n"
    "{{- end }}\n"
    "{{ .Content }}<end_of_turn>\n"
    "{{ end }}<start_of_turn>model\n";

// template/phi-3.gotmpl
constexpr char kPhi3[] =
    "{{- range .Messages }}<|{{ .Role }}|>\n"
    "{{ .Content }}<|end|>\n"
    "{{ end }}<|assistant|>\n";

// The llama3.1 template on Ollama's registry: system, tools in the last user
// turn, tool calls and ipython results.
constexpr char kLlama31Tools[] =
    "{{- if or .System .Tools }}<|start_header_id|>system<|end_header_id|>\n"
    "{{- if .System }}\n"
    "\n"
    "{{ .System }}\n"
    "{{- end }}\n"
    "{{- if .Tools }}\n"
    "\n"
    "Cutting Knowledge Date: December 2023\n"
    "\n"
    "When you receive a tool call response, use the output to format an answer to the orginal user question.\n"
    "\n"
    "You are a helpful assistant with tool calling capabilities.\n"
    "{{- end }}<|eot_id|>\n"
    "{{- end }}\n"
    "{{- range $i, $_ := .Messages }}\n"
    "{{- $last := eq (len (slice $.Messages $i)) 1 }}\n"
    "{{- if eq .Role \"user\" }}<|start_header_id|>user<|end_header_id|>\n"
    "{{- if and $.Tools $last }}\n"
    "\n"
    "Given the following functions, please respond with a JSON for a function call with its proper arguments that "
    "best answers the given prompt.\n"
    "\n"
    "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}. Do "
    "not use variables.\n"
    "\n"
    "{{ range $.Tools }}\n"
    "{{- . }}\n"
    "{{ end }}\n"
    "Question: {{ .Content }}<|eot_id|>\n"
    "{{- else }}\n"
    "\n"
    "{{ .Content }}<|eot_id|>\n"
    "{{- end }}{{ if $last }}<|start_header_id|>assistant<|end_header_id|>\n"
    "\n"
    "{{ end }}\n"
    "{{- else if eq .Role \"assistant\" }}<|start_header_id|>assistant<|end_header_id|>\n"
    "{{- if .ToolCalls }}\n"
    "{{ range .ToolCalls }}\n"
    "{\"name\": \"{{ .Function.Name }}\", \"parameters\": {{ .Function.Arguments }}}{{ end }}\n"
    "{{- else }}\n"
    "\n"
    "{{ .Content }}\n"
    "{{- end }}{{ if not $last }}<|eot_id|>{{ end }}\n"
    "{{- else if eq .Role \"tool\" }}<|start_header_id|>ipython<|end_header_id|>\n"
    "\n"
    "{{ .Content }}<|eot_id|>{{ if $last }}<|start_header_id|>assistant<|end_header_id|>\n"
    "\n"
    "{{ end }}\n"
    "{{- end }}\n"
    "{{- end }}";

// The mistral (v0.3) template on Ollama's registry: [AVAILABLE_TOOLS] before
// the last user turn, [TOOL_CALLS], [TOOL_RESULTS], and a legacy branch.
constexpr char kMistralTools[] =
    "{{- if .Messages }}\n"
    "{{- range $index, $_ := .Messages }}\n"
    "{{- if eq .Role \"user\" }}\n"
    "{{- if and (eq (len (slice $.Messages $index)) 1) $.Tools }}[AVAILABLE_TOOLS] {{ $.Tools }}[/AVAILABLE_TOOLS]\n"
    "{{- end }}[INST] {{ if and $.System (eq (len (slice $.Messages $index)) 1) }}{{ $.System }}\n"
    "\n"
    "{{ end }}{{ .Content }}[/INST]\n"
    "{{- else if eq .Role \"assistant\" }}\n"
    "{{- if .Content }} {{ .Content }}\n"
    "{{- else if .ToolCalls }}[TOOL_CALLS] [\n"
    "{{- range .ToolCalls }}{\"name\": \"{{ .Function.Name }}\", \"arguments\": {{ .Function.Arguments }}}\n"
    "{{- end }}]\n"
    "{{- end }}</s>\n"
    "{{- else if eq .Role \"tool\" }}[TOOL_RESULTS] {\"content\": {{ .Content }}} [/TOOL_RESULTS]\n"
    "{{- end }}\n"
    "{{- end }}\n"
    "{{- else }}[INST] {{ if .System }}{{ .System }}\n"
    "\n"
    "{{ end }}{{ .Prompt }}[/INST]\n"
    "{{- end }} {{ .Response }}\n"
    "{{- if .Response }}</s>\n"
    "{{- end }}";

// Ollama's llama3 template before templates used .Messages (legacy mode).
constexpr char kLlama3Legacy[] =
    "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n"
    "\n"
    "{{ .System }}<|eot_id|>{{ end }}{{ if .Prompt }}<|start_header_id|>user<|end_header_id|>\n"
    "\n"
    "{{ .Prompt }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n"
    "\n"
    "{{ .Response }}<|eot_id|>";

constexpr char kWeatherTool[] = R"([{"type":"function","function":{"name":"get_current_weather",
  "description":"Get the current weather","parameters":{"type":"object","required":["city"],
  "properties":{"city":{"type":"string","description":"The name of the city"}}}}}])";
constexpr char kWeatherToolJson[] =
    R"({"type":"function","function":{"name":"get_current_weather","description":"Get the current weather",)"
    R"("parameters":{"type":"object","required":["city"],"properties":{"city":{"type":"string",)"
    R"("description":"The name of the city"}}}}})";

constexpr char kConversation[] = R"({"messages":[
  {"role":"system","content":"You are Mario."},
  {"role":"user","content":"Hi"},
  {"role":"assistant","content":"Hello!"},
  {"role":"user","content":"Why is the sky blue?"}]})";

constexpr char kToolConversation[] = R"({"messages":[
  {"role":"system","content":"You are a bot."},
  {"role":"user","content":"What is the weather in Toronto?"},
  {"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_current_weather","arguments":{"city":"Toronto"}}}]},
  {"role":"tool","content":"11 degrees celsius","tool_name":"get_current_weather"}],
  "tools":)";

std::string ToolConversation() { return std::string(kToolConversation) + kWeatherTool + "}"; }
std::string ToolQuestion() {
  return std::string(R"({"messages":[{"role":"system","content":"You are a bot."},)"
                     R"({"role":"user","content":"What is the weather in Toronto?"}],"tools":)") +
         kWeatherTool + "}";
}

TemplateValues ValuesFromJson(const json& j) {
  TemplateValues v;
  auto messages = TemplateMessagesFromJson(j.value("messages", json()));
  EXPECT_TRUE(messages.ok()) << messages.status().message();
  if (messages.ok()) v.messages = *messages;
  v.tools = j.value("tools", json());
  v.prompt = j.value("prompt", "");
  v.suffix = j.value("suffix", "");
  v.think = j.value("think", false);
  v.think_level = j.value("think_level", "");
  v.is_think_set = j.value("is_think_set", false);
  v.force_legacy = j.value("force_legacy", false);
  return v;
}

std::string Render(const char* tmpl, const std::string& values) {
  auto t = ParseOllamaTemplate(tmpl);
  if (!t.ok()) return "parse error: " + t.status().message();
  auto out = RenderTemplate(*t, ValuesFromJson(json::parse(values)));
  return out.ok() ? *out : "error: " + out.status().message();
}

struct Case {
  const char* name;
  const char* tmpl;
  std::string values;
  std::string want;
};

const std::string kLlama31System =
    "<|start_header_id|>system<|end_header_id|>\n\nYou are a bot.\n\nCutting Knowledge Date: December 2023\n\n"
    "When you receive a tool call response, use the output to format an answer to the orginal user question.\n\n"
    "You are a helpful assistant with tool calling capabilities.<|eot_id|>";

std::vector<Case> Cases() {
  return {
      {"chatml", kChatml, kConversation,
       "<|im_start|>system\nYou are Mario.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
       "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nWhy is the sky blue?<|im_end|>\n"
       "<|im_start|>assistant\n"},
      {"chatml_user_only", kChatml, R"({"messages":[{"role":"user","content":"Hello"}]})",
       "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"},
      {"chatml_ignores_tools", kChatml, ToolQuestion(),
       "<|im_start|>system\nYou are a bot.<|im_end|>\n<|im_start|>user\nWhat is the weather in Toronto?<|im_end|>\n"
       "<|im_start|>assistant\n"},
      {"llama3_instruct", kLlama3Instruct, kConversation,
       "<|start_header_id|>system<|end_header_id|>\n\nYou are Mario.<|eot_id|>"
       "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
       "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
       "<|start_header_id|>user<|end_header_id|>\n\nWhy is the sky blue?<|eot_id|>"
       "<|start_header_id|>assistant<|end_header_id|>\n\n"},
      {"llama3_instruct_collated", kLlama3Instruct,
       R"({"messages":[{"role":"system","content":"A"},{"role":"system","content":"B"},)"
       R"({"role":"user","content":"u1"},{"role":"user","content":"u2"}]})",
       "<|start_header_id|>system<|end_header_id|>\n\nA\n\nB<|eot_id|>"
       "<|start_header_id|>user<|end_header_id|>\n\nu1\n\nu2<|eot_id|>"
       "<|start_header_id|>assistant<|end_header_id|>\n\n"},
      {"mistral_instruct", kMistralInstruct, kConversation,
       "[INST] You are Mario.\n\nHi[/INST] Hello!</s>[INST] Why is the sky blue?[/INST]"},
      {"gemma_instruct", kGemmaInstruct, kConversation,
       "<start_of_turn>user\nYou are Mario.\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
       "<start_of_turn>user\nWhy is the sky blue?<end_of_turn>\n<start_of_turn>model\n"},
      {"gemma_instruct_two_systems", kGemmaInstruct,
       R"({"messages":[{"role":"system","content":"A"},{"role":"assistant","content":"X"},)"
       R"({"role":"system","content":"B"},{"role":"user","content":"Hi"}]})",
       "<start_of_turn>model\nX<end_of_turn>\n<start_of_turn>user\nA\n\nB\nHi<end_of_turn>\n<start_of_turn>model\n"},
      {"phi3", kPhi3, kConversation,
       "<|system|>\nYou are Mario.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n"
       "<|user|>\nWhy is the sky blue?<|end|>\n<|assistant|>\n"},
      {"llama31_tools_question", kLlama31Tools, ToolQuestion(),
       kLlama31System +
           "<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON for "
           "a function call with its proper arguments that best answers the given prompt.\n\nRespond in the format "
           "{\"name\": function name, \"parameters\": dictionary of argument name and its value}. Do not use "
           "variables.\n\n" +
           kWeatherToolJson +
           "\n\nQuestion: What is the weather in Toronto?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"},
      {"llama31_tools_result", kLlama31Tools, ToolConversation(),
       kLlama31System + "<|start_header_id|>user<|end_header_id|>\n\nWhat is the weather in Toronto?<|eot_id|>"
                        "<|start_header_id|>assistant<|end_header_id|>\n\n"
                        "{\"name\": \"get_current_weather\", \"parameters\": {\"city\":\"Toronto\"}}<|eot_id|>"
                        "<|start_header_id|>ipython<|end_header_id|>\n\n11 degrees celsius<|eot_id|>"
                        "<|start_header_id|>assistant<|end_header_id|>\n\n"},
      {"llama31_no_tools", kLlama31Tools, kConversation,
       "<|start_header_id|>system<|end_header_id|>\n\nYou are Mario.<|eot_id|>"
       "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
       "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
       "<|start_header_id|>user<|end_header_id|>\n\nWhy is the sky blue?<|eot_id|>"
       "<|start_header_id|>assistant<|end_header_id|>\n\n"},
      {"mistral_tools_question", kMistralTools, ToolQuestion(),
       std::string("[AVAILABLE_TOOLS] [") + kWeatherToolJson +
           "][/AVAILABLE_TOOLS][INST] You are a bot.\n\nWhat is the weather in Toronto?[/INST] "},
      {"mistral_tools_result", kMistralTools, ToolConversation(),
       "[INST] What is the weather in Toronto?[/INST]"
       "[TOOL_CALLS] [{\"name\": \"get_current_weather\", \"arguments\": {\"city\":\"Toronto\"}}]</s>"
       "[TOOL_RESULTS] {\"content\": 11 degrees celsius} [/TOOL_RESULTS] "},
      {"mistral_tools_chat", kMistralTools, kConversation,
       "[INST] Hi[/INST] Hello!</s>[INST] You are Mario.\n\nWhy is the sky blue?[/INST] "},
      {"legacy_turns", kLlama3Legacy, kConversation,
       "<|start_header_id|>system<|end_header_id|>\n\nYou are Mario.<|eot_id|>"
       "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
       "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
       "<|start_header_id|>user<|end_header_id|>\n\nWhy is the sky blue?<|eot_id|>"
       "<|start_header_id|>assistant<|end_header_id|>\n\n"},
      {"legacy_assistant_prefill", kLlama3Legacy,
       R"({"messages":[{"role":"user","content":"Count"},{"role":"assistant","content":"1, 2,"}]})",
       "<|start_header_id|>user<|end_header_id|>\n\nCount<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
       "1, 2,"},
      {"forced_legacy", kMistralTools, R"({"messages":[{"role":"user","content":"Hi"}],"force_legacy":true})",
       "[INST] Hi[/INST] "},
      {"default_template_appends_response", "{{ .Prompt }}",
       R"({"messages":[{"role":"system","content":"S"},{"role":"user","content":"hello"}]})", "hello"},
      {"suffix_mode",
       "{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>"
       "{{- else }}{{ range .Messages }}{{ .Content }}{{ end }}{{- end }}",
       R"({"prompt":"def f():","suffix":"return 1"})", "<|fim_prefix|>def f():<|fim_suffix|>return 1<|fim_middle|>"},
      {"think_variables",
       "{{ range .Messages }}{{ .Content }}{{ end }}|{{ if .Think }}think{{ end }}|{{ .ThinkLevel }}|"
       "{{ if .IsThinkSet }}set{{ end }}",
       R"({"messages":[{"role":"user","content":"q"}],"think":true,"think_level":"high","is_think_set":true})",
       "q|think|high|set"},
      {"message_fields",
       "{{ range .Messages }}[{{ .Role }}|{{ .Thinking }}|{{ len .ToolCalls }}|{{ .ToolName }}|{{ .ToolCallID }}|"
       "{{ range .ToolCalls }}{{ .ID }}:{{ .Function.Index }}:{{ .Function.Name }}:{{ .Function.Arguments.city }}"
       "{{ end }}]{{ end }}",
       R"({"messages":[{"role":"USER","content":"q"},{"role":"assistant","content":"","thinking":"hmm",)"
       R"("tool_calls":[{"id":"call_1","function":{"index":2,"name":"f","arguments":{"city":"Paris"}}}]},)"
       R"({"role":"tool","content":"r","tool_name":"f","tool_call_id":"call_1"}]})",
       "[user||0|||][assistant|hmm|1|||call_1:2:f:Paris][tool||0|f|call_1|]"},
      {"tools_print_as_json", "{{ .Tools }}|{{ json .Tools }}|{{ range .Tools }}{{ . }}{{ end }}|{{ .Messages }}",
       R"({"messages":[],"tools":)" + std::string(kWeatherTool) + "}",
       std::string("[") + kWeatherToolJson + "]|[" + kWeatherToolJson + "]|" + kWeatherToolJson + "|[]"},
      {"tool_properties",
       "{{ .Messages }}{{ range .Tools }}{{ range $name, $p := .Function.Parameters.Properties }}{{ $name }}: "
       "{{ toTypeScriptType $p }} ({{ $p.Type }}); {{ end }}{{ end }}{{ toTypeScriptType 3 }}",
       R"({"messages":[],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object",)"
       R"("properties":{"city":{"type":"string"},"days":{"type":"integer"},"flags":{"type":["string","null"]},)"
       R"("any":{},"opt":{"anyOf":[{"type":"number"},{"type":"boolean"}]},"arr":{"type":"array"},)"
       R"("obj":{"type":"object"}}}}}]})",
       "[]any: any (); arr: any[] (array); city: string (string); days: number (integer); "
       "flags: string | null ([string null]); obj: Record<string, any> (object); opt: number | boolean (); any"},
      {"message_json", "{{ json (index .Messages 0) }}", R"({"messages":[{"role":"user","content":"<hi>"}]})",
       R"({"Role":"user","Content":"\u003chi\u003e","Thinking":"","Images":null,"ToolCalls":null,"ToolName":"",)"
       R"("ToolCallID":""})"},
      {"arguments_json_sorted",
       "{{ range .Messages }}{{ range .ToolCalls }}{{ .Function.Arguments }}|{{ json .Function.Arguments }}"
       "{{ end }}{{ end }}",
       R"({"messages":[{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":)"
       R"({"b":1,"a":[true,null],"c":{"z":"<"}}}}]}]})",
       R"({"a":[true,null],"b":1,"c":{"z":"\u003c"}}|{"a":[true,null],"b":1,"c":{"z":"\u003c"}})"},
  };
}

TEST(PromptRendererTest, PublishedTemplates) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Render(c.tmpl, c.values), c.want);
  }
}

TEST(PromptRendererTest, FunctionOfAToolPrintsAsJson) {
  // qwen2.5's template prints {{ .Function }}; it must read as JSON.
  const std::string values = R"({"messages":[],"tools":)" + std::string(kWeatherTool) + "}";
  EXPECT_EQ(Render("{{ if .Messages }}{{ end }}{{ range .Tools }}{\"type\": \"function\", \"function\": "
                   "{{ .Function }}}{{ end }}",
                   values),
            R"({"type": "function", "function": {"name":"get_current_weather","description":"Get the current weather",)"
            R"("parameters":{"type":"object","required":["city"],"properties":{"city":{"type":"string",)"
            R"("description":"The name of the city"}}}}})");
}

TEST(PromptRendererTest, ParseOllamaTemplateAppendsResponseOnlyWhenNeeded) {
  auto plain = ParseOllamaTemplate("{{ .Prompt }}");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->HasVar("response"));
  auto messages = ParseOllamaTemplate(kChatml);
  ASSERT_TRUE(messages.ok());
  EXPECT_FALSE(messages->HasVar("response"));
  auto bad = ParseOllamaTemplate("{{ .Prompt ");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "template: :1: unclosed action");
}

TEST(PromptRendererTest, CollateMergesConsecutiveRolesButNotTools) {
  std::vector<TemplateMessage> in;
  for (const auto& [role, content] : std::vector<std::pair<std::string, std::string>>{{"system", "a"},
                                                                                      {"system", "b"},
                                                                                      {"user", "u"},
                                                                                      {"tool", "t1"},
                                                                                      {"tool", "t2"},
                                                                                      {"user", "v"},
                                                                                      {"system", "c"}}) {
    TemplateMessage m;
    m.role = role;
    m.content = content;
    in.push_back(m);
  }
  auto [system, collated] = CollateMessages(in);
  EXPECT_EQ(system, "a\n\nb\n\nc");
  ASSERT_EQ(collated.size(), 6u);
  EXPECT_EQ(collated[0].content, "a\n\nb");
  EXPECT_EQ(collated[2].content, "t1");
  EXPECT_EQ(collated[3].content, "t2");
  EXPECT_EQ(collated[5].role, "system");
}

TEST(PromptRendererTest, ChatPromptDropsOldestMessagesButKeepsSystem) {
  auto tmpl = ParseOllamaTemplate(kChatml);
  ASSERT_TRUE(tmpl.ok());
  TemplateValues values = ValuesFromJson(json::parse(R"({"messages":[
    {"role":"system","content":"S"},
    {"role":"user","content":"first question, quite long"},
    {"role":"assistant","content":"A1"},
    {"role":"user","content":"Q2"}]})"));
  const std::string all =
      "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nfirst question, quite long<|im_end|>\n"
      "<|im_start|>assistant\nA1<|im_end|>\n<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n";
  const std::string from_a1 =
      "<|im_start|>system\nS<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n<|im_start|>user\nQ2<|im_end|>\n"
      "<|im_start|>assistant\n";
  const std::string last_only =
      "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ2<|im_end|>\n<|im_start|>assistant\n";

  auto fits_under = [](size_t limit) {
    return [limit](const std::string& prompt, size_t) -> StatusOr<bool> { return prompt.size() <= limit; };
  };
  auto everything = RenderChatPrompt(*tmpl, values, fits_under(all.size()));
  ASSERT_TRUE(everything.ok());
  EXPECT_EQ(everything->prompt, all);
  EXPECT_EQ(everything->first_message, 0u);

  auto dropped = RenderChatPrompt(*tmpl, values, fits_under(from_a1.size()));
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->prompt, from_a1);
  EXPECT_EQ(dropped->first_message, 2u);

  auto tiny = RenderChatPrompt(*tmpl, values, fits_under(1));  // the last message always stays
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->prompt, last_only);
  EXPECT_EQ(tiny->first_message, 3u);

  auto failing = RenderChatPrompt(*tmpl, values, [](const std::string&, size_t) -> StatusOr<bool> {
    return UnavailableError("tokenizer is gone");
  });
  EXPECT_EQ(failing.status().message(), "tokenizer is gone");

  auto no_limit = RenderChatPrompt(*tmpl, values, nullptr);
  EXPECT_EQ(no_limit->prompt, all);
}

TEST(PromptRendererTest, ExecutionErrorsAreStatusesNotCrashes) {
  auto tmpl = ParseOllamaTemplate("{{ range .Messages }}{{ .Nope }}{{ end }}");
  ASSERT_TRUE(tmpl.ok());
  auto out = RenderTemplate(*tmpl, ValuesFromJson(json::parse(R"({"messages":[{"role":"user","content":"x"}]})")));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInternal);
  EXPECT_EQ(out.status().message(),
            "template: :1:24: executing \"\" at <.Nope>: can't evaluate field Nope in type *template.templateMessage");

  auto index = ParseOllamaTemplate("{{ with index .Messages 5 }}{{ .Content }}{{ end }}");
  auto oob = RenderTemplate(*index, ValuesFromJson(json::parse(R"({"messages":[{"role":"user","content":"x"}]})")));
  EXPECT_EQ(oob.status().message(),
            "template: :1:8: executing \"\" at <index .Messages 5>: error calling index: index out of range: 5");

  // As in Ollama, .Messages seen only through (pipeline).Field does not make
  // a .Messages template: it runs in legacy mode, where .Messages is nil.
  auto chained = ParseOllamaTemplate("{{ (index .Messages 0).Content }}");
  auto legacy =
      RenderTemplate(*chained, ValuesFromJson(json::parse(R"({"messages":[{"role":"user","content":"x"}]})")));
  EXPECT_EQ(legacy.status().message(),
            "template: :1:4: executing \"\" at <index .Messages 0>: error calling index: index of untyped nil");
}

TEST(PromptRendererTest, LimitsApplyAcrossLegacyTurns) {
  auto tmpl = ParseOllamaTemplate(kLlama3Legacy);
  ASSERT_TRUE(tmpl.ok());
  GoTemplate::ExecOptions options;
  options.max_output_bytes = 200;
  auto out = RenderTemplate(*tmpl, ValuesFromJson(json::parse(kConversation)), options);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("exceeds the limit of 200 bytes"), std::string::npos);
}

TEST(PromptRendererTest, MalformedToolsAndMessages) {
  EXPECT_EQ(ToolsValue(json::parse(R"([{"type":"function","function":{"name":3}}])")).status().message(),
            "tools[0].function.name must be a string");
  EXPECT_EQ(ToolsValue(json::parse(R"({"a":1})")).status().message(), "tools must be an array");
  EXPECT_EQ(
      ToolsValue(json::parse(R"([{"function":{"parameters":{"properties":{"x":{"type":5}}}}}])")).status().message(),
      "tools[0].function.parameters.properties.x.type must be a string or an array of strings");
  EXPECT_EQ(TemplateMessageFromJson(json::parse(R"({"role":"user","content":7})")).status().message(),
            "message.content must be a string");
  auto args_string = TemplateMessageFromJson(
      json::parse(R"({"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"{\"a\":1}"}}]})"));
  ASSERT_TRUE(args_string.ok());
  EXPECT_EQ(args_string->tool_calls[0].arguments, json::parse(R"({"a":1})"));
  EXPECT_FALSE(
      TemplateMessageFromJson(json::parse(R"({"role":"assistant","tool_calls":[{"function":{"arguments":"[1]"}}]})"))
          .ok());
}

}  // namespace
}  // namespace suanli::store
