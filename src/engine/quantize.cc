#include "engine/quantize.h"

#include <cstdio>
#include <mutex>

#include "base/gguf_reader.h"
#include "engine/gguf_preflight.h"
#include "engine/llama_backend.h"
#include "ggml.h"
#include "llama.h"

namespace suanli::engine {

namespace {

struct TypeEntry {
  const char* name;
  llama_ftype ftype;
};
constexpr TypeEntry kTypes[] = {
    {"Q4_K_M", LLAMA_FTYPE_MOSTLY_Q4_K_M}, {"Q4_K_S", LLAMA_FTYPE_MOSTLY_Q4_K_S}, {"Q8_0", LLAMA_FTYPE_MOSTLY_Q8_0},
    {"F16", LLAMA_FTYPE_MOSTLY_F16},       {"BF16", LLAMA_FTYPE_MOSTLY_BF16},     {"F32", LLAMA_FTYPE_ALL_F32},
};

// Routes llama.cpp's log while a quantization runs: the per-tensor lines
// ("[  3/ 26] blk.0.attn_q.weight - ...") become progress; everything is
// also passed on to the previous callback.
class ProgressLog {
 public:
  ProgressLog(uint64_t total, const QuantizeProgressFn* progress) : total_(total), progress_(progress) {
    llama_log_get(&previous_, &previous_data_);
    llama_log_set(&ProgressLog::Callback, this);
  }
  ~ProgressLog() { llama_log_set(previous_, previous_data_); }

 private:
  static void Callback(ggml_log_level level, const char* text, void* data) {
    auto* self = static_cast<ProgressLog*>(data);
    if (self->previous_) self->previous_(level, text, self->previous_data_);
    if (text == nullptr) return;
    std::lock_guard<std::mutex> lock(self->mu_);
    self->partial_ += text;
    size_t newline;
    while ((newline = self->partial_.find('\n')) != std::string::npos) {
      self->Line(self->partial_.substr(0, newline));
      self->partial_.erase(0, newline + 1);
    }
  }
  void Line(const std::string& line) {
    unsigned done = 0, count = 0;
    if (std::sscanf(line.c_str(), "[ %u/ %u]", &done, &count) == 2 && count > 0 && done <= count && *progress_) {
      (*progress_)(total_ / count * done, total_);
    }
  }

  uint64_t total_;
  const QuantizeProgressFn* progress_;
  ggml_log_callback previous_ = nullptr;
  void* previous_data_ = nullptr;
  std::mutex mu_;
  std::string partial_;  // GUARDED_BY(mu_)
};

}  // namespace

Status QuantizeModel(const QuantizeOptions& options, const QuantizeProgressFn& progress) {
  const TypeEntry* target = nullptr;
  for (const auto& t : kTypes) {
    if (options.type == t.name) target = &t;
  }
  if (target == nullptr) return InvalidArgumentError("unsupported quantization type '" + options.type + "'");
  ASSIGN_OR_RETURN(GgufSummary summary, PreflightGguf(options.input));
  ASSIGN_OR_RETURN(GgufFile input, ReadGguf(options.input));
  for (const auto& t : input.tensors) {
    if (t.type != GGML_TYPE_F32 && t.type != GGML_TYPE_F16 && t.type != GGML_TYPE_BF16) {
      return InvalidArgumentError("quantization is only supported for F16, BF16 and F32 models");
    }
  }
  EnsureLlamaBackend();
  llama_model_quantize_params params = llama_model_quantize_default_params();
  params.ftype = target->ftype;
  params.nthread = options.threads;
  {
    ProgressLog log(summary.file_size - summary.data_offset, &progress);
    TakeFirstLlamaError();
    if (llama_model_quantize(options.input.c_str(), options.output.c_str(), &params) != 0) {
      std::string why = TakeFirstLlamaError();
      if (auto colon = why.rfind(": "); colon != std::string::npos) why = why.substr(colon + 2);
      if (why.find('/') != std::string::npos || why.empty()) why = "llama.cpp could not quantize it";
      return InternalError("quantizing the model failed: " + why);
    }
  }
  if (progress) progress(summary.file_size - summary.data_offset, summary.file_size - summary.data_offset);
  auto check = PreflightGguf(options.output);
  if (!check.ok()) return InternalError("the quantized model does not check out: " + check.status().message());
  ASSIGN_OR_RETURN(GgufFile output, ReadGguf(options.output));
  if (output.Unsigned("general.file_type", UINT64_MAX) != static_cast<uint64_t>(target->ftype)) {
    return InternalError("the quantized model does not have the requested type " + options.type);
  }
  return OkStatus();
}

}  // namespace suanli::engine
