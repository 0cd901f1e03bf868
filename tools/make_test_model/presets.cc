#include "presets.h"

#include <string>
#include <utility>

#include "quant_mix.h"

namespace suanli::tools {
namespace {

constexpr char kQwen2Vocab[] = "ggml-vocab-qwen2.gguf";
constexpr char kBertVocab[] = "ggml-vocab-bert-bge.gguf";

// Hyper-parameters of a qwen2-style decoder (tied embeddings, q/k/v biases).
struct DecoderShape {
  int64_t n_embd;
  int n_layer;
  int64_t n_head;
  int64_t n_head_kv;
  int64_t n_ff;
  uint32_t n_ctx;
  float rope_base;
  float eps;
  QuantScheme scheme;
  const char* scheme_name;
};

// Hyper-parameters of a bert encoder (post-norm, GELU FFN, learned positions).
struct EncoderShape {
  int64_t n_embd;
  int n_layer;
  int64_t n_head;
  int64_t n_ff;
  uint32_t n_ctx;
  float eps;
  uint32_t token_types;
};

TensorSpec Vector(std::string name, int64_t n, TensorInit init) {
  return TensorSpec{std::move(name), n, 1, 1, GGML_TYPE_F32, init};
}

TensorSpec Matrix(std::string name, int64_t ne0, int64_t ne1, ggml_type type) {
  return TensorSpec{std::move(name), ne0, ne1, 2, type, TensorInit::kNormal};
}

std::string Blk(int layer, const char* suffix) {
  return "blk." + std::to_string(layer) + "." + suffix;
}

ModelSpec Qwen2Spec(const std::string& name, const DecoderShape& s,
                    int64_t n_vocab) {
  ModelSpec spec;
  spec.preset = name;
  spec.arch = "qwen2";
  spec.vocab_file = kQwen2Vocab;
  spec.summary = "qwen2 n_embd=" + std::to_string(s.n_embd) +
                 " n_layer=" + std::to_string(s.n_layer) +
                 " n_head=" + std::to_string(s.n_head) + "/" +
                 std::to_string(s.n_head_kv) +
                 " n_ff=" + std::to_string(s.n_ff) +
                 " n_vocab=" + std::to_string(n_vocab) +
                 " n_ctx=" + std::to_string(s.n_ctx) + " " + s.scheme_name;

  const bool quantized = s.scheme != QuantScheme::kF32;
  spec.metadata = {
      {"general.name", name},
      {"general.file_type", FileType(s.scheme)},
      {"qwen2.context_length", s.n_ctx},
      {"qwen2.embedding_length", static_cast<uint32_t>(s.n_embd)},
      {"qwen2.block_count", static_cast<uint32_t>(s.n_layer)},
      {"qwen2.feed_forward_length", static_cast<uint32_t>(s.n_ff)},
      {"qwen2.attention.head_count", static_cast<uint32_t>(s.n_head)},
      {"qwen2.attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv)},
      {"qwen2.attention.layer_norm_rms_epsilon", s.eps},
      {"qwen2.rope.freq_base", s.rope_base},
  };
  if (quantized) spec.metadata.push_back({"general.quantization_version", 2u});

  const int64_t n_embd_kv = s.n_embd / s.n_head * s.n_head_kv;
  auto type = [&](WeightRole role, int layer, int64_t ne0) {
    return ChooseWeightType(s.scheme, role, layer, s.n_layer, ne0);
  };

  auto& t = spec.tensors;
  t.push_back(Matrix("token_embd.weight", s.n_embd, n_vocab,
                     type(WeightRole::kTokenEmbd, 0, s.n_embd)));
  for (int i = 0; i < s.n_layer; ++i) {
    t.push_back(Vector(Blk(i, "attn_norm.weight"), s.n_embd, TensorInit::kOnes));
    t.push_back(Matrix(Blk(i, "attn_q.weight"), s.n_embd, s.n_embd,
                       type(WeightRole::kAttnQ, i, s.n_embd)));
    t.push_back(Vector(Blk(i, "attn_q.bias"), s.n_embd, TensorInit::kZeros));
    t.push_back(Matrix(Blk(i, "attn_k.weight"), s.n_embd, n_embd_kv,
                       type(WeightRole::kAttnK, i, s.n_embd)));
    t.push_back(Vector(Blk(i, "attn_k.bias"), n_embd_kv, TensorInit::kZeros));
    t.push_back(Matrix(Blk(i, "attn_v.weight"), s.n_embd, n_embd_kv,
                       type(WeightRole::kAttnV, i, s.n_embd)));
    t.push_back(Vector(Blk(i, "attn_v.bias"), n_embd_kv, TensorInit::kZeros));
    t.push_back(Matrix(Blk(i, "attn_output.weight"), s.n_embd, s.n_embd,
                       type(WeightRole::kAttnOutput, i, s.n_embd)));
    t.push_back(Vector(Blk(i, "ffn_norm.weight"), s.n_embd, TensorInit::kOnes));
    t.push_back(Matrix(Blk(i, "ffn_gate.weight"), s.n_embd, s.n_ff,
                       type(WeightRole::kFfnGate, i, s.n_embd)));
    t.push_back(Matrix(Blk(i, "ffn_up.weight"), s.n_embd, s.n_ff,
                       type(WeightRole::kFfnUp, i, s.n_embd)));
    t.push_back(Matrix(Blk(i, "ffn_down.weight"), s.n_ff, s.n_embd,
                       type(WeightRole::kFfnDown, i, s.n_ff)));
  }
  t.push_back(Vector("output_norm.weight", s.n_embd, TensorInit::kOnes));
  return spec;
}

ModelSpec BertSpec(const std::string& name, const EncoderShape& s,
                   int64_t n_vocab, Pooling pooling) {
  const uint32_t pooling_type = pooling == Pooling::kCls ? 2u : 1u;
  ModelSpec spec;
  spec.preset = name;
  spec.arch = "bert";
  spec.vocab_file = kBertVocab;
  spec.summary = "bert n_embd=" + std::to_string(s.n_embd) +
                 " n_layer=" + std::to_string(s.n_layer) +
                 " n_head=" + std::to_string(s.n_head) +
                 " n_ff=" + std::to_string(s.n_ff) +
                 " n_vocab=" + std::to_string(n_vocab) +
                 " n_ctx=" + std::to_string(s.n_ctx) + " pooling=" +
                 (pooling_type == 2u ? "cls" : "mean") + " f32";
  spec.metadata = {
      {"general.name", name},
      {"general.file_type", FileType(QuantScheme::kF32)},
      {"bert.context_length", s.n_ctx},
      {"bert.embedding_length", static_cast<uint32_t>(s.n_embd)},
      {"bert.block_count", static_cast<uint32_t>(s.n_layer)},
      {"bert.feed_forward_length", static_cast<uint32_t>(s.n_ff)},
      {"bert.attention.head_count", static_cast<uint32_t>(s.n_head)},
      {"bert.attention.layer_norm_epsilon", s.eps},
      {"bert.attention.causal", false},
      {"bert.pooling_type", pooling_type},
      {"tokenizer.ggml.token_type_count", s.token_types},
  };

  constexpr ggml_type kF32 = GGML_TYPE_F32;
  auto& t = spec.tensors;
  t.push_back(Matrix("token_embd.weight", s.n_embd, n_vocab, kF32));
  t.push_back(Matrix("position_embd.weight", s.n_embd, s.n_ctx, kF32));
  t.push_back(Matrix("token_types.weight", s.n_embd, s.token_types, kF32));
  t.push_back(Vector("token_embd_norm.weight", s.n_embd, TensorInit::kOnes));
  t.push_back(Vector("token_embd_norm.bias", s.n_embd, TensorInit::kZeros));
  for (int i = 0; i < s.n_layer; ++i) {
    for (const char* proj : {"attn_q", "attn_k", "attn_v", "attn_output"}) {
      const std::string base = proj;
      t.push_back(Matrix(Blk(i, (base + ".weight").c_str()), s.n_embd,
                         s.n_embd, kF32));
      t.push_back(Vector(Blk(i, (base + ".bias").c_str()), s.n_embd,
                         TensorInit::kZeros));
    }
    t.push_back(Vector(Blk(i, "attn_output_norm.weight"), s.n_embd,
                       TensorInit::kOnes));
    t.push_back(Vector(Blk(i, "attn_output_norm.bias"), s.n_embd,
                       TensorInit::kZeros));
    t.push_back(Matrix(Blk(i, "ffn_up.weight"), s.n_embd, s.n_ff, kF32));
    t.push_back(Vector(Blk(i, "ffn_up.bias"), s.n_ff, TensorInit::kZeros));
    t.push_back(Matrix(Blk(i, "ffn_down.weight"), s.n_ff, s.n_embd, kF32));
    t.push_back(Vector(Blk(i, "ffn_down.bias"), s.n_embd, TensorInit::kZeros));
    t.push_back(Vector(Blk(i, "layer_output_norm.weight"), s.n_embd,
                       TensorInit::kOnes));
    t.push_back(Vector(Blk(i, "layer_output_norm.bias"), s.n_embd,
                       TensorInit::kZeros));
  }
  return spec;
}

// A random LoRA adapter for a qwen2 decoder of shape `s`: rank-`rank`
// pairs <weight>.lora_a [in, rank] and <weight>.lora_b [rank, out] for every
// attention and feed-forward matrix. alpha / rank scales the update so that
// it visibly changes the tiny model's output.
ModelSpec Qwen2LoraSpec(const std::string& name, const DecoderShape& s) {
  constexpr int64_t kRank = 8;
  ModelSpec spec;
  spec.preset = name;
  spec.arch = "qwen2";
  spec.summary = "qwen2 lora adapter rank=" + std::to_string(kRank) +
                 " n_embd=" + std::to_string(s.n_embd) +
                 " n_layer=" + std::to_string(s.n_layer) + " f32";
  spec.metadata = {
      {"general.name", name},
      {"general.type", std::string("adapter")},
      {"adapter.type", std::string("lora")},
      {"adapter.lora.alpha", 256.0f},
  };
  const int64_t n_embd_kv = s.n_embd / s.n_head * s.n_head_kv;
  struct Weight {
    const char* name;
    int64_t in, out;
  };
  const Weight weights[] = {
      {"attn_q.weight", s.n_embd, s.n_embd},   {"attn_k.weight", s.n_embd, n_embd_kv},
      {"attn_v.weight", s.n_embd, n_embd_kv},  {"attn_output.weight", s.n_embd, s.n_embd},
      {"ffn_gate.weight", s.n_embd, s.n_ff},   {"ffn_up.weight", s.n_embd, s.n_ff},
      {"ffn_down.weight", s.n_ff, s.n_embd},
  };
  for (int i = 0; i < s.n_layer; ++i) {
    for (const Weight& w : weights) {
      spec.tensors.push_back(Matrix(Blk(i, w.name) + ".lora_a", w.in, kRank, GGML_TYPE_F32));
      spec.tensors.push_back(Matrix(Blk(i, w.name) + ".lora_b", kRank, w.out, GGML_TYPE_F32));
    }
  }
  return spec;
}

constexpr DecoderShape kTinyChat = {64, 2, 4, 2, 128, 4096, 1e6f, 1e-6f,
                                    QuantScheme::kF32, "f32"};

DecoderShape WithType(DecoderShape s, WeightType type) {
  switch (type) {
    case WeightType::kF16: s.scheme = QuantScheme::kF16; s.scheme_name = "f16"; break;
    case WeightType::kQ8_0: s.scheme = QuantScheme::kQ8_0; s.scheme_name = "q8_0"; break;
    default: break;
  }
  return s;
}
constexpr EncoderShape kTinyEmbed = {64, 2, 4, 128, 512, 1e-12f, 2};

// Qwen2.5-0.5B shapes (494,032,768 parameters with the qwen2 vocab).
constexpr DecoderShape Qwen05B(QuantScheme scheme, const char* scheme_name) {
  return {896, 24, 14, 2, 4864, 32768, 1e6f, 1e-6f, scheme, scheme_name};
}

using Builder = ModelSpec (*)(const std::string& name, int64_t n_vocab,
                              const PresetOptions& options);

struct PresetEntry {
  PresetInfo info;
  Builder build;
};

const std::vector<PresetEntry>& Table() {
  static const std::vector<PresetEntry> table = {
      {{"tiny-chat", kQwen2Vocab,
        "qwen2, n_embd 64, 2 layers, 4/2 heads, f32 (--type), chatml template",
        false, true},
       [](const std::string& n, int64_t v, const PresetOptions& o) {
         return Qwen2Spec(n, WithType(kTinyChat, o.type), v);
       }},
      {{"tiny-chat-lora", "",
        "a random lora adapter (rank 8, f32) for tiny-chat", false, false},
       [](const std::string& n, int64_t, const PresetOptions&) {
         return Qwen2LoraSpec(n, kTinyChat);
       }},
      {{"tiny-embed", kBertVocab,
        "bert (bge vocab), n_embd 64, 2 layers, 4 heads, f32, mean pooling",
        true, false},
       [](const std::string& n, int64_t v, const PresetOptions& o) {
         return BertSpec(n, kTinyEmbed, v, o.pooling);
       }},
      {{"qwen2-0.5b-q4_0", kQwen2Vocab,
        "qwen2.5-0.5b shapes, every matrix q4_0 (about 284 mb)", false, false},
       [](const std::string& n, int64_t v, const PresetOptions&) {
         return Qwen2Spec(n, Qwen05B(QuantScheme::kQ4_0, "q4_0"), v);
       }},
      {{"qwen2-0.5b-q8_0", kQwen2Vocab,
        "qwen2.5-0.5b shapes, every matrix q8_0 (about 530 mb)", false, false},
       [](const std::string& n, int64_t v, const PresetOptions&) {
         return Qwen2Spec(n, Qwen05B(QuantScheme::kQ8_0, "q8_0"), v);
       }},
      {{"qwen2-0.5b-q4_k_m", kQwen2Vocab,
        "qwen2.5-0.5b shapes, llama.cpp q4_k_m mix with its fallbacks",
        false, false},
       [](const std::string& n, int64_t v, const PresetOptions&) {
         return Qwen2Spec(n, Qwen05B(QuantScheme::kQ4_K_M, "q4_k_m"), v);
       }},
  };
  return table;
}

}  // namespace

const std::vector<PresetInfo>& AllPresets() {
  static const std::vector<PresetInfo> presets = [] {
    std::vector<PresetInfo> out;
    for (const PresetEntry& e : Table()) out.push_back(e.info);
    return out;
  }();
  return presets;
}

StatusOr<PresetInfo> FindPreset(const std::string& name) {
  std::string known;
  for (const PresetInfo& p : AllPresets()) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  return NotFoundError("unknown preset '" + name + "' (known: " + known + ")");
}

StatusOr<ModelSpec> BuildModelSpec(const PresetInfo& preset, int64_t n_vocab,
                                   const PresetOptions& options) {
  if (n_vocab <= 0 && !preset.vocab_file.empty()) {
    return InvalidArgumentError("vocabulary " + preset.vocab_file +
                                " has no tokens");
  }
  if (options.pooling != Pooling::kDefault && !preset.has_pooling) {
    return InvalidArgumentError("--pooling does not apply to preset " +
                                preset.name);
  }
  if (options.type != WeightType::kDefault && !preset.has_type) {
    return InvalidArgumentError("--type does not apply to preset " + preset.name);
  }
  for (const PresetEntry& e : Table()) {
    if (e.info.name == preset.name) return e.build(preset.name, n_vocab, options);
  }
  return NotFoundError("unknown preset '" + preset.name + "'");
}

}  // namespace suanli::tools
