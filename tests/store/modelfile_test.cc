// The Modelfile language: every instruction, every error, quoting, comments,
// encodings, FROM/ADAPTER path resolution, the /api/create request, and the
// `show --modelfile` round trip.
#include "store/modelfile.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "base/sha256.h"

namespace suanli::store {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

Modelfile MustParse(std::string_view text) {
  auto m = ParseModelfile(text);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? *m : Modelfile{};
}

std::string ParseError(std::string_view text) {
  auto m = ParseModelfile(text);
  return m.ok() ? "(parsed)" : m.status().message();
}

TEST(ModelfileTest, EveryInstruction) {
  const Modelfile m = MustParse(R"(# The seed's example, and everything else.
FROM ./qwen2.5-0.5b-instruct-q4_k_m.gguf
PARAMETER temperature 1
PARAMETER num_ctx 4096
PARAMETER use_mmap false
PARAMETER stop <|im_end|>
PARAMETER stop "<|im_start|>"
SYSTEM You are Mario from Super Mario Bros.
TEMPLATE """{{ if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}<|im_start|>user
{{ .Prompt }}<|im_end|>
"""
ADAPTER ./lora.gguf
LICENSE MIT
LICENSE """Apache
2.0"""
MESSAGE system Speak like a plumber.
MESSAGE user Who are you?
MESSAGE assistant It's-a me, Mario!
REQUIRES v0.14.0
DRAFT ./draft.gguf
RENDERER qwen3-coder
PARSER qwen3-coder
)");
  EXPECT_EQ(m.from, "./qwen2.5-0.5b-instruct-q4_k_m.gguf");
  EXPECT_EQ(m.from_line, 2);
  EXPECT_EQ(m.parameters, json::parse(R"({"temperature":1.0,"num_ctx":4096,"use_mmap":false,
                                          "stop":["<|im_end|>","<|im_start|>"]})"));
  EXPECT_TRUE(m.parameters["temperature"].is_number_float());
  EXPECT_TRUE(m.parameters["num_ctx"].is_number_integer());
  EXPECT_TRUE(m.has_system);
  EXPECT_EQ(m.system, "You are Mario from Super Mario Bros.");
  EXPECT_TRUE(m.has_template);
  EXPECT_EQ(m.template_text,
            "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}<|im_start|>user\n"
            "{{ .Prompt }}<|im_end|>\n");
  EXPECT_EQ(m.adapters, std::vector<std::string>{"./lora.gguf"});
  EXPECT_EQ(m.licenses, (std::vector<std::string>{"MIT", "Apache\n2.0"}));
  EXPECT_EQ(m.messages,
            (std::vector<ModelfileMessage>{
                {"system", "Speak like a plumber."}, {"user", "Who are you?"}, {"assistant", "It's-a me, Mario!"}}));
  EXPECT_EQ(m.requires_version, "0.14.0");
  EXPECT_EQ(m.draft, "./draft.gguf");
  EXPECT_EQ(m.renderer, "qwen3-coder");
  EXPECT_EQ(m.parser, "qwen3-coder");
  EXPECT_TRUE(m.warnings.empty());
}

TEST(ModelfileTest, InstructionNamesAreCaseInsensitive) {
  const Modelfile m = MustParse("from llama3.2\nParameter top_k 20\nsYsTeM hi\n");
  EXPECT_EQ(m.from, "llama3.2");
  EXPECT_EQ(m.parameters, json::parse(R"({"top_k":20})"));
  EXPECT_EQ(m.system, "hi");
}

TEST(ModelfileTest, CommentsOnlyWhereAnInstructionCouldStart) {
  const Modelfile m = MustParse("# header\n   # indented comment\nFROM x # not a comment\n\n\t\nSYSTEM a # b\n#end");
  EXPECT_EQ(m.from, "x # not a comment");
  EXPECT_EQ(m.system, "a # b");
}

TEST(ModelfileTest, ValuesAreTrimmedAndQuotesStripped) {
  // Cases from Ollama's parser tests.
  EXPECT_EQ(MustParse("FROM \"     model 1\"").from, "     model 1");
  EXPECT_EQ(MustParse("FROM     FOOO BAR    ").from, "FOOO BAR");
  EXPECT_EQ(MustParse("FROM foo\nLICENSE \"MIT       \"").licenses[0], "MIT       ");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM \"\"\"\nThis is a\nmultiline system.\n\"\"\"\n\t\t\t").system,
            "\nThis is a\nmultiline system.\n");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM \"\"\"This is a\nmultiline system.\"\"\"").system,
            "This is a\nmultiline system.");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM \"\"\"\nwith \"quotes\".\n\"\"\"").system, "\nwith \"quotes\".\n");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM \"\"\"\"\"\"").system, "");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM \"\"").system, "");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM \"'\"").system, "'");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM \"\"\"''\"'\"\"'\"\"'\"'''''\"\"'\"\"'\"\"\"").system,
            "''\"'\"\"'\"\"'\"'''''\"\"'\"\"'");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM \"a\nb\"  \nPARAMETER seed 1").system, "a\nb");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM   \n").system, "");
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM 'single quotes are text'").system, "'single quotes are text'");
  EXPECT_EQ(MustParse("FROM foo\nPARAMETER stop \"### User: \"").parameters["stop"][0], "### User: ");
  EXPECT_EQ(MustParse("FROM foo\nPARAMETER stop \"\"\"### User:\n\"\"\"").parameters["stop"][0], "### User:\n");
  EXPECT_EQ(MustParse("FROM foo\nMESSAGE system \"\"\"\nmultiline\n\"\"\"").messages[0].content, "\nmultiline\n");
}

TEST(ModelfileTest, EncodingsAndLineEnds) {
  const Modelfile bom = MustParse(
      "\xEF\xBB\xBF"
      "FROM foo\r\nSYSTEM caf\xC3\xA9\r\n");
  EXPECT_EQ(bom.from, "foo");
  EXPECT_EQ(bom.system, "caf\xC3\xA9");

  std::string utf16 = "\xFF\xFE";                             // UTF-16LE with a BOM
  for (char c : std::string("FROM bar\nSYSTEM \xE9t\xE9")) {  // Latin-1 bytes as UTF-16 units
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  const Modelfile le = MustParse(utf16);
  EXPECT_EQ(le.from, "bar");
  EXPECT_EQ(le.system, "\xC3\xA9t\xC3\xA9");

  // Invalid UTF-8 becomes U+FFFD; control characters other than tab vanish.
  EXPECT_EQ(MustParse("FROM foo\nSYSTEM a\xFF"
                      "b\x01"
                      "c\td")
                .system,
            "a\xEF\xBF\xBD"
            "bc\td");
  // Line numbers count CRLF once.
  EXPECT_EQ(ParseError("FROM foo\r\n\r\nBAD x"), std::string("(line 3): command must be one of \"from\", "
                                                             "\"license\", \"template\", \"system\", \"adapter\", "
                                                             "\"draft\", \"renderer\", \"parser\", \"parameter\", "
                                                             "\"message\", or \"requires\""));
}

TEST(ModelfileTest, EveryError) {
  const std::string commands =
      "command must be one of \"from\", \"license\", \"template\", \"system\", \"adapter\", \"draft\", "
      "\"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\"";
  EXPECT_EQ(ParseError("\nFROM foo\nBADCOMMAND param1 value1\n"), "(line 3): " + commands);
  EXPECT_EQ(ParseError("FROM2 foo"), "(line 1): " + commands);
  EXPECT_EQ(ParseError("FROM foo\n{{ .Prompt }}"), "(line 2): " + commands);
  EXPECT_EQ(ParseError("FROM: foo"), "(line 1): " + commands);
  EXPECT_EQ(ParseError(""), "no FROM line");
  EXPECT_EQ(ParseError("# only a comment\n"), "no FROM line");
  EXPECT_EQ(ParseError("PARAMETER seed 1"), "no FROM line");
  EXPECT_EQ(ParseError("FROM"), "(line 1): missing value for FROM");
  EXPECT_EQ(ParseError("FROM foo\nSYSTEM\n"), "(line 2): missing value for SYSTEM");
  EXPECT_EQ(ParseError("FROM \"\""), "(line 1): FROM needs a model name or a file path");
  EXPECT_EQ(ParseError("FROM foo\nADAPTER \"\""), "(line 2): ADAPTER needs a file path");
  EXPECT_EQ(ParseError("FROM foo\nSYSTEM \"\"\"This is a multiline system.\"\"\n"),
            "(line 2): unexpected EOF: missing closing \"\"\"");
  EXPECT_EQ(ParseError("FROM foo\nSYSTEM \"\n"), "(line 2): unexpected EOF: missing closing \"");
  EXPECT_EQ(ParseError("FROM foo\nTEMPLATE \"\"\"\n{{ .Prompt }}\nPARAMETER seed 1\n"),
            "(line 2): unexpected EOF: missing closing \"\"\"");
  EXPECT_EQ(ParseError("FROM foo\nMESSAGE badguy I'm a bad guy!\n"),
            "(line 2): message role must be one of \"system\", \"user\", or \"assistant\"");
  EXPECT_EQ(ParseError("FROM foo\nMESSAGE User hi\n"),
            "(line 2): message role must be one of \"system\", \"user\", or \"assistant\"");
  EXPECT_EQ(ParseError("FROM foo\nMESSAGE user: hi\n"),
            "(line 2): message role must be one of \"system\", \"user\", or \"assistant\"");
  EXPECT_EQ(ParseError("FROM foo\nMESSAGE system\n"), "(line 2): missing content for MESSAGE system");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER param1\n"), "(line 2): missing value for parameter \"param1\"");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER \n"), "(line 2): missing parameter name after PARAMETER");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER top-k 3\n"),
            "(line 2): invalid parameter name \"top-...\": expected letters, digits or _ followed by a value");
  EXPECT_EQ(ParseError("FROM foo\n\nPARAMETER param1 value1\n"), "(line 3): unknown parameter 'param1'");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER Temperature 1\n"), "(line 2): unknown parameter 'Temperature'");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER num_ctx 4k\n"), "(line 2): invalid int value [4k]");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER num_ctx 4096.0\n"), "(line 2): invalid int value [4096.0]");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER temperature hot\n"), "(line 2): invalid float value [hot]");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER temperature 1e99\n"), "(line 2): invalid float value [1e99]");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER temperature nan\n"), "(line 2): invalid float value [nan]");
  EXPECT_EQ(ParseError("FROM foo\nPARAMETER use_mmap yes\n"), "(line 2): invalid bool value [yes]");
  EXPECT_EQ(ParseError("FROM foo\nREQUIRES latest\n"), "(line 2): requires must be a valid semver (e.g. 0.14.0)");
  EXPECT_EQ(ParseError("FROM foo\nREQUIRES 0.14.01\n"), "(line 2): requires must be a valid semver (e.g. 0.14.0)");
  EXPECT_EQ(ParseError("FROM foo\nREQUIRES 1.2-rc1\n"), "(line 2): requires must be a valid semver (e.g. 0.14.0)");
}

TEST(ModelfileTest, RequiresAcceptsSemver) {
  EXPECT_EQ(MustParse("FROM a\nREQUIRES 0.14.0").requires_version, "0.14.0");
  EXPECT_EQ(MustParse("FROM a\nREQUIRES v1").requires_version, "1");
  EXPECT_EQ(MustParse("FROM a\nREQUIRES 1.2").requires_version, "1.2");
  EXPECT_EQ(MustParse("FROM a\nREQUIRES 1.2.3-rc.1+build.5").requires_version, "1.2.3-rc.1+build.5");
}

TEST(ModelfileTest, ParameterTypesAsOllamaFormatsThem) {
  const struct {
    const char* line;
    json want;
  } cases[] = {
      {"num_ctx 1", 1},
      {"num_batch 1", 1},
      {"num_gpu -1", -1},
      {"main_gpu 1", 1},
      {"num_thread 1", 1},
      {"num_keep +4", 4},
      {"seed 1", 1},
      {"num_predict -1", -1},
      {"top_k 1", 1},
      {"repeat_last_n 64", 64},
      {"draft_num_predict 4", 4},
      {"top_p 0.9", 0.9},
      {"min_p 0.05", 0.05},
      {"typical_p 1.0", 1.0},
      {"temperature 0.7", 0.7},
      {"repeat_penalty 1.1", 1.1},
      {"presence_penalty 1.5", 1.5},
      {"frequency_penalty -0.5", -0.5},
      {"temperature 0.123456789", 0.12345679},
      {"use_mmap true", true},
      {"use_mmap F", false},
      {"use_mmap 1", true},
      {"stop ### User:", json::array({"### User:"})},
      {"stop </s>", json::array({"</s>"})},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    const Modelfile m = MustParse(std::string("FROM foo\nPARAMETER ") + c.line);
    ASSERT_EQ(m.parameters.size(), 1u);
    EXPECT_EQ(m.parameters.begin().value(), c.want);
  }
  EXPECT_EQ(*ParseParameter("temperature", "1"), json(1.0));
  EXPECT_EQ(ParseParameter("nope", "1").status().message(), "unknown parameter 'nope'");
}

TEST(ModelfileTest, DeprecatedParametersWarnAndAreSkipped) {
  const Modelfile m = MustParse("FROM foo\nPARAMETER mirostat 1\nPARAMETER penalize_newline true\nPARAMETER seed 3");
  EXPECT_EQ(m.parameters, json::parse(R"({"seed":3})"));
  EXPECT_EQ(m.warnings,
            (std::vector<std::string>{"parameter mirostat is deprecated", "parameter penalize_newline is deprecated"}));
  EXPECT_TRUE(IsDeprecatedParameter("tfs_z"));
  EXPECT_FALSE(IsDeprecatedParameter("temperature"));
}

TEST(ModelfileTest, LaterInstructionsWinOrAccumulate) {
  const Modelfile m = MustParse(
      "FROM base\nFROM ./mmproj.gguf\nSYSTEM a\nSYSTEM b\nPARAMETER seed 1\n"
      "PARAMETER seed 2\nADAPTER a.gguf\nADAPTER b.gguf\n");
  EXPECT_EQ(m.from, "base");
  EXPECT_EQ(m.extra_from, std::vector<std::string>{"./mmproj.gguf"});
  EXPECT_EQ(m.system, "b");
  EXPECT_EQ(m.parameters["seed"], 2);
  EXPECT_EQ(m.adapters.size(), 2u);
}

TEST(ModelfileTest, QuoteValue) {
  EXPECT_EQ(QuoteModelfileValue("plain value"), "plain value");
  EXPECT_EQ(QuoteModelfileValue(""), "\"\"");
  EXPECT_EQ(QuoteModelfileValue(" padded "), "\" padded \"");
  EXPECT_EQ(QuoteModelfileValue("two\nlines"), "\"\"\"two\nlines\"\"\"");
  EXPECT_EQ(QuoteModelfileValue("say \"hi\""), "say \"hi\"");
  EXPECT_EQ(QuoteModelfileValue("\"quoted\""), "\"\"\"\"quoted\"\"\"\"");
  EXPECT_EQ(QuoteModelfileValue("a\"\nb"), "\"\"\"a\"\nb\"\"\"");
  // A line ending in """ cannot be written in any quoting; the best effort is """...""".
  EXPECT_EQ(QuoteModelfileValue("x\"\"\"\ny"), "\"\"\"x\"\"\"\ny\"\"\"");
}

Modelfile Tricky() {
  Modelfile m;
  m.from = "/home/me/.suanli/models/blobs/sha256-0123";
  m.extra_from = {"/models/mmproj file.gguf"};
  m.adapters = {"/models/lora.gguf"};
  m.draft = "/models/draft.gguf";
  m.has_template = true;
  m.template_text = "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}\"quoted\"\n";
  m.has_system = true;
  m.system = "  leading spaces, a \"quote\" and a trailing newline\n";
  m.renderer = "qwen3-coder";
  m.parser = "harmony";
  m.requires_version = "0.14.0";
  m.parameters = json::parse(R"({"stop":["<|im_end|>","\n\n"," User:","\""],"temperature":0.7,"num_ctx":4096,
                                 "use_mmap":false,"seed":-1,"top_p":1.0})");
  m.licenses = {"MIT", "Line one\nLine \"two\""};
  m.messages = {{"system", "Be brief."}, {"user", "multi\nline"}, {"assistant", ""}};
  return m;
}

TEST(ModelfileTest, FormatLikeShowModelfile) {
  Modelfile m;
  m.from = "/root/.suanli/models/blobs/sha256-abc";
  m.has_template = true;
  m.template_text = "{{ .System }}\nUSER: {{ .Prompt }}\nASSISTANT: ";
  m.has_system = true;
  m.system = "You are Mario.";
  m.parameters = json::parse(R"({"num_ctx":4096,"stop":["</s>","USER:"],"temperature":1.0})");
  m.messages = {{"user", "Hi"}};
  m.licenses = {"MIT"};
  EXPECT_EQ(FormatModelfile(m, "mario:latest"),
            "# Modelfile generated by \"suanli show\"\n"
            "# To build a new Modelfile based on this, replace FROM with:\n"
            "# FROM mario:latest\n"
            "\n"
            "FROM /root/.suanli/models/blobs/sha256-abc\n"
            "TEMPLATE \"\"\"{{ .System }}\nUSER: {{ .Prompt }}\nASSISTANT: \"\"\"\n"
            "SYSTEM You are Mario.\n"
            "PARAMETER num_ctx 4096\n"
            "PARAMETER stop </s>\n"
            "PARAMETER stop USER:\n"
            "PARAMETER temperature 1\n"
            "LICENSE MIT\n"
            "MESSAGE user Hi\n");
}

TEST(ModelfileTest, RoundTrip) {
  const Modelfile original = Tricky();
  const std::string text = FormatModelfile(original, "tricky:latest");
  auto parsed = ParseModelfile(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message() << "\n" << text;
  EXPECT_EQ(*parsed, original) << text;
  EXPECT_EQ(FormatModelfile(*parsed, "tricky:latest"), text);

  // And from parsed text: parse(format(parse(x))) == parse(x).
  const Modelfile seed = MustParse("FROM ./m.gguf\nPARAMETER stop \" \"\nSYSTEM \"\"\nMESSAGE user \"\"\"a\nb\"\"\"\n");
  EXPECT_EQ(MustParse(FormatModelfile(seed)), seed);
}

// Values from an alphabet of the characters that matter to quoting: every one
// that can be written reads back exactly (all but those with a line that
// ends in """ before the last line).
TEST(ModelfileTest, RandomValuesRoundTrip) {
  const std::string alphabet[] = {"a", " ", "\"", "\n", "\t", "#", "\xC3\xA9", "\"\"\"", "x y"};
  std::mt19937 rng(7);
  auto representable = [](const std::string& v) {
    size_t start = 0;
    for (size_t nl = v.find('\n'); nl != std::string::npos; start = nl + 1, nl = v.find('\n', start)) {
      std::string line = v.substr(start, nl - start);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
      if (line.size() >= 3 && line.compare(line.size() - 3, 3, "\"\"\"") == 0) return false;
    }
    return true;
  };
  int checked = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string v;
    for (int n = static_cast<int>(rng() % 12); n > 0; --n) v += alphabet[rng() % std::size(alphabet)];
    if (!representable(v)) continue;
    ++checked;
    Modelfile m;
    m.from = "base";
    m.has_system = true;
    m.system = v;
    m.messages = {{"user", v}};
    m.parameters = {{"stop", json::array({v})}};
    auto parsed = ParseModelfile(FormatModelfile(m));
    ASSERT_TRUE(parsed.ok()) << parsed.status().message() << " for " << json(v).dump();
    EXPECT_EQ(*parsed, m) << json(v).dump();
  }
  EXPECT_GT(checked, 1000);
}

TEST(ModelfileTest, GarbageNeverCrashes) {
  const char* pieces[] = {"FROM ",   "from",      "PARAMETER ", "stop ",  "temperature ", "MESSAGE ",     "user ",
                          "SYSTEM ", "TEMPLATE ", "\"",         "\"\"\"", "\n",           "\r\n",         " ",
                          "\t",      "#",         "x",          "1",      "\xFF",         "\xEF\xBB\xBF", "REQUIRES ",
                          "v1.2.3",  "ADAPTER ",  "LICENSE ",   "\0",     "{{ .Prompt }}"};
  std::mt19937 rng(11);
  int parsed = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text;
    for (int n = 1 + static_cast<int>(rng() % 20); n > 0; --n) text += pieces[rng() % std::size(pieces)];
    auto m = ParseModelfile(text);
    if (!m.ok()) continue;
    ++parsed;
    (void)ParseModelfile(FormatModelfile(*m, "x"));
  }
  EXPECT_GT(parsed, 50);
}

class ModelfilePathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/suanli-modelfile-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& rel, const std::string& content) {
    const fs::path p = fs::path(dir_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string dir_;
};

TEST_F(ModelfilePathsTest, ExpandPaths) {
  EXPECT_EQ(*ExpandModelfilePath("model.gguf", "/work/models"), "/work/models/model.gguf");
  EXPECT_EQ(*ExpandModelfilePath("../x/./m.gguf", "/work/models"), "/work/x/m.gguf");
  EXPECT_EQ(*ExpandModelfilePath("/abs/m.gguf", "/work/models"), "/abs/m.gguf");
  const char* old_home = std::getenv("HOME");
  const std::string saved = old_home ? old_home : "";
  setenv("HOME", "/home/tester", 1);
  EXPECT_EQ(*ExpandModelfilePath("~", "/x"), "/home/tester");
  EXPECT_EQ(*ExpandModelfilePath("~/models/m.gguf", "/x"), "/home/tester/models/m.gguf");
  if (old_home)
    setenv("HOME", saved.c_str(), 1);
  else
    unsetenv("HOME");
  EXPECT_EQ(*ExpandModelfilePath("~root/m.gguf", "/x"), "/root/m.gguf");
  EXPECT_EQ(ExpandModelfilePath("~no-such-user-xyz/m.gguf", "/x").status().message(),
            "failed to find user 'no-such-user-xyz'");
  EXPECT_TRUE(ExpandModelfilePath("rel", "").ok());
}

TEST_F(ModelfilePathsTest, ResolveFrom) {
  Write("models/m.gguf", "GGUF");
  auto file = ResolveFrom("./m.gguf", dir_ + "/models");
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->is_path);
  EXPECT_EQ(file->path, dir_ + "/models/m.gguf");
  auto name = ResolveFrom("llama3.2:1b", dir_);
  ASSERT_TRUE(name.ok());
  EXPECT_FALSE(name->is_path);
  EXPECT_EQ(name->model, "llama3.2:1b");
  EXPECT_EQ(ResolveFrom("hf.co/user/repo:Q4_K_M", dir_)->model, "hf.co/user/repo:Q4_K_M");
  auto missing = ResolveFrom("./missing.gguf", dir_);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "FROM ./missing.gguf: no such file or folder");
  EXPECT_EQ(ResolveFrom("weights.gguf", dir_).status().code(), StatusCode::kNotFound);
}

TEST_F(ModelfilePathsTest, ModelFilesOfFoldersAndFiles) {
  const std::string gguf = Write("single/model.gguf", "GGUF");
  auto one = ModelFilesAt(gguf);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, (std::vector<std::pair<std::string, std::string>>{{"model.gguf", gguf}}));

  Write("st/model-00001-of-00002.safetensors", "a");
  Write("st/model-00002-of-00002.safetensors", "b");
  Write("st/config.json", "{}");
  Write("st/tokenizer.json", "{}");
  Write("st/tokenizer.model", "t");
  Write("st/README.md", "ignored");
  Write("st/1_Pooling/config.json", "{}");
  auto st = ModelFilesAt(dir_ + "/st");
  ASSERT_TRUE(st.ok());
  std::vector<std::string> names;
  for (const auto& [name, path] : *st) names.push_back(name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                      "config.json", "tokenizer.json", "1_Pooling/config.json", "tokenizer.model"}));

  Write("empty/notes.txt", "x");
  EXPECT_EQ(ModelFilesAt(dir_ + "/empty").status().message(), "no Modelfile or safetensors files found");
  EXPECT_EQ(ModelFilesAt(dir_ + "/nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ModelfilePathsTest, CreateRequestFromLocalFiles) {
  Write("model.gguf", "GGUF-weights");
  Write("adapters/lora.gguf", "GGUF-lora");
  Write("draft.gguf", "GGUF-draft");
  Write("Modelfile", "");
  const Modelfile m = MustParse(R"(FROM ./model.gguf
ADAPTER adapters/lora.gguf
DRAFT draft.gguf
TEMPLATE {{ .Prompt }}
SYSTEM You are Mario.
PARAMETER temperature 1
PARAMETER stop a
PARAMETER stop b
MESSAGE user Hi
LICENSE MIT
REQUIRES 0.14.0
RENDERER r
PARSER p
)");
  std::vector<std::string> hashed;
  CreateRequestOptions options;
  options.modelfile_dir = dir_;
  options.digest = [&hashed](const std::string& path) -> StatusOr<std::string> {
    hashed.push_back(fs::path(path).filename().string());
    ASSIGN_OR_RETURN(std::string hex, Sha256File(path));
    return "sha256:" + hex;
  };
  auto req = ToCreateRequest(m, options);
  ASSERT_TRUE(req.ok()) << req.status().message();
  EXPECT_EQ(*req, json({{"files", {{"model.gguf", "sha256:" + Sha256Hex("GGUF-weights")}}},
                        {"adapters", {{"lora.gguf", "sha256:" + Sha256Hex("GGUF-lora")}}},
                        {"draft_files", {{"draft.gguf", "sha256:" + Sha256Hex("GGUF-draft")}}},
                        {"template", "{{ .Prompt }}"},
                        {"system", "You are Mario."},
                        {"parameters", {{"temperature", 1.0}, {"stop", {"a", "b"}}}},
                        {"messages", {{{"role", "user"}, {"content", "Hi"}}}},
                        {"license", {"MIT"}},
                        {"requires", "0.14.0"},
                        {"renderer", "r"},
                        {"parser", "p"}}));
  EXPECT_EQ(hashed, (std::vector<std::string>{"model.gguf", "lora.gguf", "draft.gguf"}));

  // The default digest hashes the file itself.
  CreateRequestOptions plain;
  plain.modelfile_dir = dir_;
  EXPECT_EQ((*ToCreateRequest(MustParse("FROM model.gguf"), plain))["files"]["model.gguf"],
            "sha256:" + Sha256Hex("GGUF-weights"));
}

TEST_F(ModelfilePathsTest, CreateRequestFromAModelAndErrors) {
  CreateRequestOptions options;
  options.modelfile_dir = dir_;
  EXPECT_EQ(*ToCreateRequest(MustParse("FROM llama3.2\nSYSTEM \"\""), options),
            json({{"from", "llama3.2"}, {"system", ""}}));
  auto missing = ToCreateRequest(MustParse("\n\nFROM ./nope.gguf"), options);
  EXPECT_EQ(missing.status().message(), "(line 3): FROM ./nope.gguf: no such file or folder");
  auto adapter = ToCreateRequest(MustParse("FROM base\nADAPTER ./none.gguf"), options);
  EXPECT_EQ(adapter.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(adapter.status().message(), "ADAPTER ./none.gguf: no such file or folder");
  Write("same.gguf", "x");
  auto same = ToCreateRequest(MustParse("FROM same.gguf\nDRAFT ./same.gguf"), options);
  EXPECT_EQ(same.status().message(), "DRAFT must not reference the same local path as FROM");
  CreateRequestOptions failing = options;
  failing.digest = [](const std::string&) -> StatusOr<std::string> { return UnavailableError("upload failed"); };
  EXPECT_EQ(ToCreateRequest(MustParse("FROM same.gguf"), failing).status().message(), "upload failed");
}

TEST_F(ModelfilePathsTest, ServerSideRequestNeverReadsLocalPaths) {
  CreateRequestOptions server;
  server.allow_local_paths = false;
  const std::string digest = "sha256:" + std::string(64, 'a');
  auto blob = ToCreateRequest(MustParse("FROM @" + digest + "\nADAPTER @" + digest), server);
  ASSERT_TRUE(blob.ok()) << blob.status().message();
  EXPECT_EQ(*blob, json({{"files", {{"model.gguf", digest}}}, {"adapters", {{"adapter.gguf", digest}}}}));
  EXPECT_EQ(*ToCreateRequest(MustParse("FROM llama3.2"), server), json({{"from", "llama3.2"}}));
  EXPECT_EQ(ToCreateRequest(MustParse("FROM /etc/passwd"), server).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ToCreateRequest(MustParse("FROM base\nADAPTER ../../x.gguf"), server).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ToCreateRequest(MustParse("FROM @sha256:../../etc"), server).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace suanli::store
