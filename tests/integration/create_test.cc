// /api/create beyond the basics, against the real server: quantization (in a
// child process), LoRA adapters (create, run, show --modelfile round trip,
// bad adapters) and the legacy Modelfile form.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "create_helpers.h"
#include "server_harness.h"

namespace suanli::testing {
namespace {

namespace fs = std::filesystem;

json Show(ServerHarness& s, const std::string& model) { return s.Post("/api/show", json{{"model", model}}).Json(); }

// The line of `modelfile` that starts with `instruction` + " ", or "".
std::string LineOf(const std::string& modelfile, const std::string& instruction) {
  std::istringstream in(modelfile);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(instruction + " ", 0) == 0) return line;
  }
  return "";
}

TEST(CreateQuantizeTest, QuantizesAnF16ModelAndRunsIt) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  const std::string f16 = UploadBlob(server, ReadFile(TinyChatF16Model()));
  ASSERT_FALSE(f16.empty());
  std::vector<json> lines;
  auto r = server.Stream(
      "/api/create",
      json{
          {"model", "q8"}, {"files", {{"model.gguf", f16}}}, {"quantize", "q8_0"}, {"parameters", {{"num_thread", 1}}}},
      [&](const json& line) {
        lines.push_back(line);
        return true;
      });
  ASSERT_EQ(r.status, 200);
  ASSERT_FALSE(lines.empty());
  uint64_t last_completed = 0, total = 0;
  int progress_lines = 0;
  std::vector<std::string> statuses;
  for (const auto& l : lines) {
    ASSERT_FALSE(l.contains("error")) << l.dump();
    const std::string status = l.value("status", "");
    if (status == "quantizing F16 model to Q8_0") {
      ++progress_lines;
      EXPECT_EQ(l.value("digest", ""), f16);
      total = l.value("total", uint64_t{0});
      const uint64_t completed = l.value("completed", uint64_t{0});
      EXPECT_GE(completed, last_completed) << "progress never goes back";
      EXPECT_LE(completed, total);
      last_completed = completed;
    } else if (statuses.empty() || statuses.back() != status) {
      statuses.push_back(status);
    }
  }
  EXPECT_GE(progress_lines, 2);
  EXPECT_GT(total, 0u);
  EXPECT_EQ(last_completed, total);
  ASSERT_GE(statuses.size(), 3u);
  EXPECT_EQ(statuses.front(), "verifying conversion");
  EXPECT_EQ(statuses[1].rfind("parsing GGUF", 0), 0u);
  EXPECT_EQ(statuses.back(), "success");
  const bool new_layer = std::any_of(statuses.begin(), statuses.end(), [](const std::string& s) {
    return s.rfind("creating new layer sha256:", 0) == 0;
  });
  EXPECT_TRUE(new_layer);

  json show = Show(server, "q8");
  EXPECT_EQ(show["details"]["quantization_level"], "Q8_0");
  json gen = Generate(server, "q8");
  EXPECT_TRUE(gen.value("done", false)) << gen.dump();
  EXPECT_GT(gen.value("eval_count", 0), 0);

  // The CLI's -q, with the Modelfile naming the F16 file.
  const std::string modelfile = server.home() + "/Modelfile.q4";
  std::ofstream(modelfile) << "FROM " << TinyChatF16Model() << "\nPARAMETER num_thread 1\n";
  auto cli = Cli(server, "create q4 -q q4_K_M -f " + modelfile);
  ASSERT_EQ(cli.exit_code, 0) << cli.out;
  EXPECT_NE(cli.out.find("quantizing F16 model to Q4_K_M"), std::string::npos) << cli.out;
  EXPECT_EQ(Show(server, "q4")["details"]["quantization_level"], "Q4_K_M");
  json gen4 = Generate(server, "q4");
  EXPECT_TRUE(gen4.value("done", false)) << gen4.dump();

  // Sizes follow the types; the source is untouched.
  json tags = server.Get("/api/tags").Json();
  std::map<std::string, uint64_t> sizes;
  for (const auto& m : tags["models"]) sizes[m["name"]] = m["size"];
  EXPECT_LT(sizes["q4:latest"], sizes["q8:latest"]);
  EXPECT_LT(sizes["q8:latest"], fs::file_size(TinyChatF16Model()));
  EXPECT_TRUE(StoreProblems(server.home() + "/models").empty());
}

TEST(CreateQuantizeTest, RefusesOtherSourcesTypesAndBrokenFiles) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  const std::string q8 = UploadBlob(server, ReadFile(TinyChatQ8Model()));
  auto from_q8 = server.Post("/api/create", json{{"model", "x"}, {"files", {{"m.gguf", q8}}}, {"quantize", "q4_K_M"}});
  EXPECT_EQ(from_q8.status, 400);
  EXPECT_EQ(from_q8.Json()["error"], "quantization is only supported for F16, BF16 and F32 models");

  const std::string f16_bytes = ReadFile(TinyChatF16Model());
  const std::string f16 = UploadBlob(server, f16_bytes);
  auto bad_type =
      server.Post("/api/create", json{{"model", "x"}, {"files", {{"m.gguf", f16}}}, {"quantization", "q5"}});
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_NE(bad_type.Json().value("error", "").find("supported types are q4_K_M, q4_K_S, q8_0, f16, bf16 and f32"),
            std::string::npos);

  // Truncated in the tensor data: the header reads, the quantizer's
  // preflight refuses it before llama.cpp sees it.
  const std::string truncated = UploadBlob(server, f16_bytes.substr(0, f16_bytes.size() * 6 / 10));
  auto cut =
      server.Post("/api/create",
                  json{{"model", "cut"}, {"files", {{"m.gguf", truncated}}}, {"quantize", "q8_0"}, {"stream", false}});
  EXPECT_EQ(cut.status, 400) << cut.body;
  EXPECT_NE(cut.Json().value("error", "").find("truncated or corrupt"), std::string::npos) << cut.body;
  EXPECT_EQ(cut.body.find("/tmp"), std::string::npos) << "no paths in errors";
  // Streaming: the error is the last line.
  std::vector<json> lines;
  server.Stream("/api/create", json{{"model", "cut"}, {"files", {{"m.gguf", truncated}}}, {"quantize", "q8_0"}},
                [&](const json& l) {
                  lines.push_back(l);
                  return true;
                });
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().value("error", "").find("truncated or corrupt"), std::string::npos);

  // A hostile header (a tensor count the file cannot hold): 400 at once.
  std::string hostile = f16_bytes.substr(0, 4096);
  const uint64_t huge = 1ull << 40;
  hostile.replace(8, 8, reinterpret_cast<const char*>(&huge), 8);
  const std::string hostile_digest = UploadBlob(server, hostile);
  auto bad =
      server.Post("/api/create", json{{"model", "bad"}, {"files", {{"m.gguf", hostile_digest}}}, {"quantize", "q8_0"}});
  EXPECT_EQ(bad.status, 400) << bad.body;

  EXPECT_EQ(server.Get("/").status, 200) << "the server lives";
  EXPECT_TRUE(server.Get("/api/tags").Json()["models"].empty()) << "nothing was created";
  EXPECT_TRUE(StoreProblems(server.home() + "/models").empty());
}

TEST(CreateAdapterTest, CreateRunShowAndRecreate) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  const std::string dir = server.home();
  std::ofstream(dir + "/Modelfile.lora") << "FROM " << TinyChatF16Model() << "\nADAPTER " << TinyChatLoraModel()
                                         << "\nPARAMETER num_thread 1\n";
  std::ofstream(dir + "/Modelfile.plain") << "FROM " << TinyChatF16Model() << "\nPARAMETER num_thread 1\n";
  auto lora = Cli(server, "create lora -f " + dir + "/Modelfile.lora");
  ASSERT_EQ(lora.exit_code, 0) << lora.out;
  ASSERT_EQ(Cli(server, "create plain -f " + dir + "/Modelfile.plain").exit_code, 0);

  json with = Generate(server, "lora");
  json without = Generate(server, "plain");
  ASSERT_TRUE(with.value("done", false)) << with.dump();
  ASSERT_TRUE(without.value("done", false)) << without.dump();
  EXPECT_NE(with["context"], without["context"]) << "the adapter changes what the model generates";
  EXPECT_EQ(Generate(server, "lora")["context"], with["context"]) << "same seed, same output";
  // A different adapter set is a different runner.
  const int pid_lora = RunnerPid(server, "lora:latest");
  const int pid_plain = RunnerPid(server, "plain:latest");
  EXPECT_GT(pid_lora, 0);
  EXPECT_GT(pid_plain, 0);
  EXPECT_NE(pid_lora, pid_plain);

  // show --modelfile names the adapter blob; the Modelfile re-creates it.
  auto show = Cli(server, "show --modelfile lora");
  ASSERT_EQ(show.exit_code, 0) << show.out;
  const std::string adapter_line = LineOf(show.out, "ADAPTER");
  EXPECT_NE(adapter_line.find("/blobs/sha256-"), std::string::npos) << show.out;
  EXPECT_EQ(LineOf(Cli(server, "show --modelfile plain").out, "ADAPTER"), "");
  std::ofstream(dir + "/Modelfile.again") << show.out;
  auto again = Cli(server, "create again -f " + dir + "/Modelfile.again");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  const std::string again_modelfile = Show(server, "again")["modelfile"];
  EXPECT_EQ(LineOf(again_modelfile, "ADAPTER"), adapter_line);
  EXPECT_EQ(LineOf(again_modelfile, "FROM"), LineOf(show.out, "FROM"));
  EXPECT_EQ(Generate(server, "again")["context"], with["context"]);
}

TEST(CreateAdapterTest, BadAdaptersAreClearErrors) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  const std::string model = UploadBlob(server, ReadFile(TinyChatF16Model()));
  const std::string embed = UploadBlob(server, ReadFile(TinyEmbedModel()));
  const std::string lora_bytes = ReadFile(TinyChatLoraModel());
  const std::string lora = UploadBlob(server, lora_bytes);
  auto create = [&](const std::string& base, const json& adapters) {
    return server.Post("/api/create", json{{"model", "x"},
                                           {"files", {{"m.gguf", base}}},
                                           {"adapters", adapters},
                                           {"stream", false},
                                           {"parameters", {{"num_thread", 1}}}});
  };
  auto not_lora = create(model, {{"a.gguf", model}});
  EXPECT_EQ(not_lora.status, 400);
  EXPECT_NE(not_lora.Json().value("error", "").find("adapter 'a.gguf' is not a LoRA adapter"), std::string::npos);
  auto wrong_arch = create(embed, {{"a.gguf", lora}});
  EXPECT_EQ(wrong_arch.status, 400);
  EXPECT_EQ(wrong_arch.Json()["error"], "adapter 'a.gguf' was made for architecture 'qwen2', the model is 'bert'");
  EXPECT_EQ(create(model, {{"a.gguf", "sha256:../../x"}}).status, 400);
  EXPECT_EQ(create(model, {{"a.gguf", "sha256:" + std::string(64, '0')}}).status, 400);
  EXPECT_EQ(create(model, {{"../a.gguf", lora}}).status, 400);
  EXPECT_EQ(create(model, json::array()).status, 400);

  // Cut in its tensor data, an adapter passes the header checks; loading it
  // is then a clear error, not a crash of anything.
  const std::string cut = UploadBlob(server, lora_bytes.substr(0, lora_bytes.size() - 4096));
  ASSERT_EQ(create(model, {{"a.gguf", cut}}).status, 200);
  auto gen = server.Post("/api/generate", json{{"model", "x"}, {"prompt", "hi"}, {"stream", false}});
  EXPECT_EQ(gen.status, 400) << gen.body;
  EXPECT_NE(gen.Json().value("error", "").find("truncated or corrupt"), std::string::npos) << gen.body;
  EXPECT_EQ(server.Get("/").status, 200);
}

TEST(CreateLegacyFormTest, ModelfileTextWithBlobsAndNames) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  const std::string model = UploadBlob(server, ReadFile(TinyChatF16Model()));
  const std::string lora = UploadBlob(server, ReadFile(TinyChatLoraModel()));
  auto first = server.Post("/api/create", json{{"name", "legacy"},
                                               {"modelfile", "FROM @" + model + "\nADAPTER @" + lora +
                                                                 "\nSYSTEM Be brief.\nPARAMETER num_thread 1\n"},
                                               {"stream", false}});
  ASSERT_EQ(first.status, 200) << first.body;
  json show = Show(server, "legacy");
  EXPECT_EQ(show["system"], "Be brief.");
  EXPECT_NE(LineOf(show["modelfile"], "ADAPTER"), "");
  EXPECT_TRUE(Generate(server, "legacy").value("done", false));

  // FROM a model name, with the deprecated "quantization" field, streamed.
  std::vector<json> lines;
  auto second = server.Stream(
      "/api/create",
      json{{"model", "legacy-q8"}, {"modelfile", "FROM legacy\nPARAMETER temperature 0.2"}, {"quantization", "Q8_0"}},
      [&](const json& l) {
        lines.push_back(l);
        return true;
      });
  ASSERT_EQ(second.status, 200);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().value("status", ""), "success") << lines.back().dump();
  json q8 = Show(server, "legacy-q8");
  EXPECT_EQ(q8["details"]["quantization_level"], "Q8_0");
  EXPECT_EQ(q8["system"], "Be brief.") << "layers come from the FROM model";
  EXPECT_EQ(LineOf(q8["modelfile"], "ADAPTER"), LineOf(show["modelfile"], "ADAPTER"));

  // Paths are refused alike whether they exist or not; so is "path".
  auto existing = server.Post("/api/create", json{{"name", "p"}, {"modelfile", "FROM " + TinyChatF16Model()}});
  auto missing =
      server.Post("/api/create", json{{"name", "p"}, {"modelfile", "FROM " + TinyChatF16Model() + ".missing"}});
  EXPECT_EQ(existing.status, 400);
  EXPECT_EQ(missing.status, 400);
  std::string a = existing.Json()["error"], b = missing.Json()["error"];
  if (const size_t at = b.find(".missing"); at != std::string::npos) b.erase(at, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("local paths are not allowed"), std::string::npos);
  auto path = server.Post("/api/create", json{{"name", "p"}, {"path", "/etc/passwd"}});
  EXPECT_EQ(path.status, 400);
  EXPECT_EQ(server.Get("/api/tags").Json()["models"].size(), 2u);
}

TEST(CreateCapabilitiesTest, FollowTheTemplateAsOllamaDoes) {
  ServerHarness server;
  ASSERT_TRUE(server.ok());
  auto caps = [&](const std::string& model) { return Show(server, model)["capabilities"]; };
  ASSERT_TRUE(server.CreateModel("chat", TinyChatModel(), kOneThread));
  ASSERT_TRUE(server.CreateModel("tools", TinyToolsModel(), kOneThread));
  ASSERT_TRUE(server.CreateModel("think", TinyThinkModel(), kOneThread));
  ASSERT_TRUE(server.CreateModel("embed", TinyEmbedModel(), kOneThread));
  // Jinja templates from the GGUF.
  EXPECT_EQ(caps("chat"), json({"completion"}));
  EXPECT_EQ(caps("tools"), json({"completion", "tools"}));
  EXPECT_EQ(caps("think"), json({"completion", "tools", "thinking"}));
  EXPECT_EQ(caps("embed"), json({"embedding"}));
  // A Go TEMPLATE decides instead of the GGUF's.
  const std::string go =
      "{{ if .Suffix }}<PRE>{{ .Prompt }}<SUF>{{ .Suffix }}<MID>{{ else }}"
      "{{ if .Tools }}{{ json .Tools }}{{ end }}"
      "{{ range .Messages }}{{ .Role }}: {{ if .Thinking }}<think>{{ .Thinking }}</think>{{ end }}{{ .Content }}\n"
      "{{ end }}{{ end }}";
  ASSERT_TRUE(server.CreateModel("go-all", TinyChatModel(), {{"template", go}, {"parameters", {{"num_thread", 1}}}}));
  EXPECT_EQ(caps("go-all"), json({"completion", "tools", "insert", "thinking"}));
  ASSERT_TRUE(server.CreateModel("go-plain", TinyThinkModel(), {{"template", "{{ .Prompt }}"}}));
  EXPECT_EQ(caps("go-plain"), json({"completion"}));
  // The checks follow: insert needs .Suffix, thinking needs the tags.
  auto suffix = server.Post("/api/generate", json{{"model", "chat"}, {"prompt", "a"}, {"suffix", "b"}});
  EXPECT_EQ(suffix.status, 400);
  EXPECT_EQ(suffix.Json()["error"], "\"chat\" does not support insert");
  auto think = server.Post(
      "/api/chat", json{{"model", "go-plain"}, {"think", true}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}});
  EXPECT_EQ(think.status, 400);
  EXPECT_EQ(think.Json()["error"], "\"go-plain\" does not support thinking");
  auto fim = server.Post(
      "/api/generate",
      json{
          {"model", "go-all"}, {"prompt", "a"}, {"suffix", "b"}, {"stream", false}, {"options", {{"num_predict", 2}}}});
  EXPECT_EQ(fim.status, 200) << fim.body;
}

}  // namespace
}  // namespace suanli::testing
