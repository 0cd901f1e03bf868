// The suanli CLI against the real server: every client command is an HTTP
// client of `suanli serve`, as in Ollama.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "server_harness.h"

namespace suanli::testing {
namespace {

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerHarness();
    ASSERT_TRUE(server_->ok());
    std::ofstream(server_->home() + "/Modelfile") << "FROM " << TinyChatModel()
                                                  << "\nPARAMETER temperature 0\nPARAMETER num_predict 4\n"
                                                     "PARAMETER stop <|endoftext|>\nSYSTEM \"\"\"You are Mario.\"\"\"\n";
  }
  static void TearDownTestSuite() { delete server_; }
  static ServerHarness* server_;
};
ServerHarness* CliTest::server_ = nullptr;

TEST_F(CliTest, CreateListShowRunPsStopCopyRemove) {
  auto create = Cli(*server_, "create mario -f " + server_->home() + "/Modelfile");
  ASSERT_EQ(create.exit_code, 0) << create.out;
  EXPECT_NE(create.out.find("success"), std::string::npos);

  auto list = Cli(*server_, "list");
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_TRUE(std::regex_search(list.out, std::regex("NAME\\s+ID\\s+SIZE\\s+MODIFIED")));
  EXPECT_TRUE(std::regex_search(list.out, std::regex("mario:latest\\s+[0-9a-f]{12}\\s+45 MB")));

  auto show = Cli(*server_, "show mario --system");
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("You are Mario."), std::string::npos);
  auto params = Cli(*server_, "show mario --parameters");
  EXPECT_NE(params.out.find("temperature"), std::string::npos);

  // Same request twice gives the same text (temperature 0 from the Modelfile).
  auto a = Cli(*server_, "run mario hello --nowordwrap");
  auto b = Cli(*server_, "run mario hello --nowordwrap");
  ASSERT_EQ(a.exit_code, 0) << a.out;
  EXPECT_EQ(a.out, b.out);
  auto verbose = Cli(*server_, "run mario hello --verbose");
  EXPECT_NE(verbose.out.find("eval count:"), std::string::npos) << verbose.out;
  EXPECT_NE(verbose.out.find("eval rate:"), std::string::npos);
  auto piped = Cli(*server_, "run mario", "piped prompt");
  EXPECT_EQ(piped.exit_code, 0) << piped.out;

  auto ps = Cli(*server_, "ps");
  EXPECT_TRUE(std::regex_search(ps.out, std::regex("NAME\\s+ID\\s+SIZE\\s+PROCESSOR\\s+CONTEXT\\s+UNTIL")));
  EXPECT_TRUE(std::regex_search(ps.out, std::regex("mario:latest.*100% CPU\\s+4096"))) << ps.out;
  EXPECT_EQ(Cli(*server_, "stop mario").exit_code, 0);
  EXPECT_EQ(Cli(*server_, "ps").out.find("mario"), std::string::npos);

  // show --modelfile prints a Modelfile that re-creates the model.
  auto modelfile = Cli(*server_, "show mario --modelfile");
  ASSERT_EQ(modelfile.exit_code, 0);
  std::ofstream(server_->home() + "/Modelfile2") << modelfile.out;
  ASSERT_EQ(Cli(*server_, "create mario2 -f " + server_->home() + "/Modelfile2").exit_code, 0);
  auto again = Cli(*server_, "show mario2 --modelfile").out;
  EXPECT_EQ(again.substr(again.find("\nFROM ")), modelfile.out.substr(modelfile.out.find("\nFROM ")));
  EXPECT_NE(again.find("SYSTEM You are Mario."), std::string::npos) << again;
  EXPECT_EQ(Cli(*server_, "rm mario2").exit_code, 0);

  auto cp = Cli(*server_, "cp mario luigi");
  EXPECT_EQ(cp.exit_code, 0);
  EXPECT_NE(cp.out.find("copied 'mario' to 'luigi'"), std::string::npos);
  auto rm = Cli(*server_, "rm luigi");
  EXPECT_EQ(rm.exit_code, 0);
  EXPECT_NE(rm.out.find("deleted 'luigi'"), std::string::npos);
}

TEST_F(CliTest, ErrorsAreOneLineWithoutTraces) {
  auto missing = Cli(*server_, "run nope hi");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("Error: "), std::string::npos);
  EXPECT_NE(missing.out.find("not found"), std::string::npos);
  std::ofstream(server_->home() + "/Bad") << "FROM ./x.gguf\nFROBNICATE yes\n";
  auto bad = Cli(*server_, "create bad -f " + server_->home() + "/Bad");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("line 2"), std::string::npos) << bad.out;
  std::ofstream(server_->home() + "/BadTemplate") << "FROM " << TinyChatModel() << "\nTEMPLATE {{ .Prompt \n";
  auto bad_template = Cli(*server_, "create bad -f " + server_->home() + "/BadTemplate");
  EXPECT_EQ(bad_template.exit_code, 1);
  EXPECT_NE(bad_template.out.find("template: "), std::string::npos) << bad_template.out;
  auto version = Cli(*server_, "-v");
  EXPECT_NE(version.out.find("suanli version is"), std::string::npos);
}

TEST_F(CliTest, ModelfileTemplateAndMessagesComeFirstInThePrompt) {
  std::ofstream(server_->home() + "/ModelfileMessages")
      << "FROM " << TinyChatModel() << "\n"
      << "TEMPLATE \"\"\"{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
         "<|im_start|>assistant\n\"\"\"\n"
         "MESSAGE user Is Mario a plumber?\n"
         "MESSAGE assistant Yes, from Brooklyn.\n";
  auto create = Cli(*server_, "create primed -f " + server_->home() + "/ModelfileMessages");
  ASSERT_EQ(create.exit_code, 0) << create.out;
  EXPECT_NE(create.out.find("success"), std::string::npos) << create.out;

  auto chat = server_->Post("/api/chat", json{{"model", "primed"},
                                              {"messages", {{{"role", "user"}, {"content", "And Luigi?"}}}},
                                              {"_debug_render_only", true}});
  ASSERT_EQ(chat.status, 200) << chat.body;
  EXPECT_EQ(chat.Json()["_debug_info"]["rendered_template"],
            "<|im_start|>user\nIs Mario a plumber?<|im_end|>\n"
            "<|im_start|>assistant\nYes, from Brooklyn.<|im_end|>\n"
            "<|im_start|>user\nAnd Luigi?<|im_end|>\n"
            "<|im_start|>assistant\n");
  auto modelfile = Cli(*server_, "show primed --modelfile");
  EXPECT_NE(modelfile.out.find("MESSAGE user Is Mario a plumber?"), std::string::npos) << modelfile.out;
  EXPECT_NE(modelfile.out.find("MESSAGE assistant Yes, from Brooklyn."), std::string::npos) << modelfile.out;
  EXPECT_EQ(Cli(*server_, "rm primed").exit_code, 0);
}

TEST(CliNoServerTest, SaysHowToStartTheServer) {
  ServerHarness dead;
  const int port = dead.port();
  dead.Terminate();
  const char* bin = std::getenv("SUANLI_BIN");
  std::string cmd = "SUANLI_HOST=127.0.0.1:" + std::to_string(port) + " " + (bin ? bin : "suanli") + " list 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(out.find("suanli serve"), std::string::npos) << out;
}

}  // namespace
}  // namespace suanli::testing
