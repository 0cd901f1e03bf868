// make_test_model: writes random-weight GGUF models with a real tokenizer.
//   make_test_model --preset NAME --out FILE [--seed N] [--vocab-dir DIR]
//                   [--pooling mean|cls] [--type f32|f16|q8_0]
//                   [--chat-template FILE]
// Exit status 0 on success (one summary line on stdout), 1 on any error (one
// lower-case line on stderr, no output file).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "ggml.h"
#include "gguf.h"
#include "gguf_writer.h"
#include "presets.h"
#include "vocab.h"

#ifndef SUANLI_DEFAULT_VOCAB_DIR
#define SUANLI_DEFAULT_VOCAB_DIR "third_party/llama.cpp/models"
#endif

namespace suanli::tools {
namespace {

constexpr char kProgram[] = "make_test_model";

struct Args {
  bool help = false;
  std::string preset;
  std::string out;
  uint64_t seed = 42;
  std::optional<std::string> vocab_dir;
  std::string chat_template;  // Jinja file replacing the vocabulary's template
  PresetOptions preset_options;
};

void PrintHelp() {
  std::printf(
      "usage: %s --preset NAME --out FILE [--seed N] [--vocab-dir DIR] "
      "[--pooling mean|cls] [--type f32|f16|q8_0] [--chat-template FILE]\n\n"
      "writes a random-weight gguf model (norms 1, biases 0, other weights "
      "N(0, 0.02))\nwith a real tokenizer copied from llama.cpp's "
      "models/ggml-vocab-*.gguf.\n\npresets:\n",
      kProgram);
  for (const PresetInfo& p : AllPresets()) {
    std::printf("  %-20s %s\n", p.name.c_str(), p.description.c_str());
  }
  std::printf(
      "\noptions:\n"
      "  --seed N         prng seed (default 42); same seed, same bytes\n"
      "  --vocab-dir DIR  directory of ggml-vocab-*.gguf (default: "
      "$SUANLI_VOCAB_DIR,\n                   else %s)\n"
      "  --pooling P      tiny-embed pooling: mean (default) or cls\n"
      "  --type T         tiny-chat weight matrices: f32 (default), f16 or q8_0\n"
      "  --chat-template FILE\n"
      "                   a Jinja chat template for tokenizer.chat_template (a\n"
      "                   relative path not found here is looked up in the vocab dir,\n"
      "                   e.g. templates/Qwen-Qwen2.5-7B-Instruct.jinja)\n"
      "  --help           this text\n",
      SUANLI_DEFAULT_VOCAB_DIR);
}

StatusOr<uint64_t> ParseSeed(std::string_view text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError("--seed needs a non-negative integer, got '" +
                                std::string(text) + "'");
  }
  return value;
}

StatusOr<Pooling> ParsePooling(std::string_view text) {
  if (text == "mean") return Pooling::kMean;
  if (text == "cls") return Pooling::kCls;
  return InvalidArgumentError("--pooling must be mean or cls, got '" +
                              std::string(text) + "'");
}

StatusOr<WeightType> ParseType(std::string_view text) {
  if (text == "f32") return WeightType::kF32;
  if (text == "f16") return WeightType::kF16;
  if (text == "q8_0") return WeightType::kQ8_0;
  return InvalidArgumentError("--type must be f32, f16 or q8_0, got '" + std::string(text) + "'");
}

StatusOr<Args> ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::optional<std::string> value;
    if (const size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (flag == "--help" || flag == "-h") {
      args.help = true;
      continue;
    }
    if (flag != "--preset" && flag != "--out" && flag != "--seed" &&
        flag != "--vocab-dir" && flag != "--pooling" && flag != "--chat-template" && flag != "--type") {
      return InvalidArgumentError("unknown argument '" + flag + "' (see --help)");
    }
    if (!value) {
      if (i + 1 >= argc) return InvalidArgumentError(flag + " needs a value");
      value = argv[++i];
    }
    if (flag == "--preset") {
      args.preset = *value;
    } else if (flag == "--out") {
      args.out = *value;
    } else if (flag == "--seed") {
      ASSIGN_OR_RETURN(args.seed, ParseSeed(*value));
    } else if (flag == "--vocab-dir") {
      args.vocab_dir = *value;
    } else if (flag == "--chat-template") {
      args.chat_template = *value;
    } else if (flag == "--type") {
      ASSIGN_OR_RETURN(args.preset_options.type, ParseType(*value));
    } else {
      ASSIGN_OR_RETURN(args.preset_options.pooling, ParsePooling(*value));
    }
  }
  if (args.help) return args;
  if (args.preset.empty()) return InvalidArgumentError("--preset is required (see --help)");
  if (args.out.empty()) return InvalidArgumentError("--out is required (see --help)");
  return args;
}

std::string VocabDir(const Args& args) {
  if (args.vocab_dir) return *args.vocab_dir;
  if (const char* env = std::getenv("SUANLI_VOCAB_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return SUANLI_DEFAULT_VOCAB_DIR;
}

// The template file's text; a relative path that does not exist is tried
// under the vocab dir (llama.cpp's models/, which holds templates/).
StatusOr<std::string> ReadTemplate(const std::string& file, const std::string& vocab_dir) {
  std::string path = file;
  std::error_code ec;
  if (!path.empty() && path[0] != '/' && !std::filesystem::exists(path, ec)) path = vocab_dir + file;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return NotFoundError("cannot read the chat template '" + file + "'");
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
  std::fclose(f);
  if (text.empty()) return InvalidArgumentError("the chat template '" + file + "' is empty");
  return text;
}

Status Run(const Args& args) {
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(const PresetInfo preset, FindPreset(args.preset));
  std::string dir = VocabDir(args);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  // Adapters carry no tokenizer.
  gguf_context_ptr vocab;
  if (!preset.vocab_file.empty()) {
    ASSIGN_OR_RETURN(vocab, LoadVocab(dir + preset.vocab_file));
  }
  if (!args.chat_template.empty()) {
    if (!vocab) return InvalidArgumentError("--chat-template does not apply to preset " + preset.name);
    ASSIGN_OR_RETURN(const std::string text, ReadTemplate(args.chat_template, dir));
    gguf_set_val_str(vocab.get(), "tokenizer.chat_template", text.c_str());
  }
  ASSIGN_OR_RETURN(const ModelSpec spec,
                   BuildModelSpec(preset, vocab ? VocabSize(vocab.get()) : 0, args.preset_options));

  WriteOptions options;
  options.seed = args.seed;
  options.n_threads = static_cast<int>(
      std::clamp(std::thread::hardware_concurrency(), 1u, 16u));
  ASSIGN_OR_RETURN(const WriteStats stats,
                   WriteModel(spec, vocab.get(), args.out, options));

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: wrote %s: preset %s (%s), %.2fM params, %d tensors, %.1f MB, seed %llu, %.2f s\n",
              kProgram, args.out.c_str(), spec.preset.c_str(), spec.summary.c_str(),
              static_cast<double>(stats.n_params) / 1e6, stats.n_tensors,
              static_cast<double>(stats.file_bytes) / 1e6,
              static_cast<unsigned long long>(args.seed), seconds);
  return OkStatus();
}

// ggml/gguf log lines would duplicate our single error line.
void DropGgmlLog(ggml_log_level, const char*, void*) {}

}  // namespace
}  // namespace suanli::tools

int main(int argc, char** argv) {
  using namespace suanli::tools;
  ggml_log_set(DropGgmlLog, nullptr);
  suanli::StatusOr<Args> args = ParseArgs(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, args.status().message().c_str());
    return 1;
  }
  if (args->help) {
    PrintHelp();
    return 0;
  }
  const suanli::Status status = Run(*args);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, status.message().c_str());
    return 1;
  }
  return 0;
}
