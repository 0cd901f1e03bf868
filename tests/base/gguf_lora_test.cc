// LoRA adapter checks against a base model's metadata: type keys, alpha's
// type, architecture, tensor pairs, names and shapes.
#include "base/gguf_lora.h"

#include <gtest/gtest.h>

namespace suanli {
namespace {

GgufTensorInfo Tensor(const std::string& name, uint64_t ne0, uint64_t ne1) {
  GgufTensorInfo t;
  t.name = name;
  t.dims = {ne0, ne1};
  t.elements = ne0 * ne1;
  return t;
}

GgufFile Base() {
  GgufFile g;
  g.kv["general.architecture"] = std::string("qwen2");
  g.tensors = {Tensor("token_embd.weight", 64, 1000), Tensor("blk.0.attn_q.weight", 64, 64),
               Tensor("blk.0.attn_k.weight", 64, 32)};
  return g;
}

GgufFile Adapter() {
  GgufFile g;
  g.kv["general.architecture"] = std::string("qwen2");
  g.kv["general.type"] = std::string("adapter");
  g.kv["adapter.type"] = std::string("lora");
  g.kv["adapter.lora.alpha"] = 16.0f;
  g.tensors = {Tensor("blk.0.attn_q.weight.lora_a", 64, 8), Tensor("blk.0.attn_q.weight.lora_b", 8, 64),
               Tensor("blk.0.attn_k.weight.lora_a", 64, 8), Tensor("blk.0.attn_k.weight.lora_b", 8, 32)};
  return g;
}

std::string Check(const GgufFile& adapter) {
  Status st = CheckLoraAdapter(adapter, Base(), "a.gguf");
  return st.ok() ? "ok" : st.message();
}

TEST(GgufLoraTest, AcceptsAMatchingAdapter) {
  EXPECT_EQ(Check(Adapter()), "ok");
  GgufFile embd = Adapter();
  embd.tensors = {Tensor("token_embd.weight.lora_a", 8, 1000), Tensor("token_embd.weight.lora_b", 8, 64)};
  EXPECT_EQ(Check(embd), "ok") << "token_embd's pair is stored flipped";
}

TEST(GgufLoraTest, RefusesWhatIsNotALoraAdapter) {
  EXPECT_NE(Check(Base()).find("is not a LoRA adapter"), std::string::npos);
  GgufFile wrong_type = Adapter();
  wrong_type.kv["adapter.type"] = std::string("control_vector");
  EXPECT_NE(Check(wrong_type).find("is not a LoRA adapter"), std::string::npos);
  GgufFile numeric = Adapter();
  numeric.kv["general.type"] = uint64_t{1};
  EXPECT_NE(Check(numeric).find("is not a LoRA adapter"), std::string::npos);
  GgufFile alpha = Adapter();
  alpha.kv["adapter.lora.alpha"] = 16.0;  // float64: llama.cpp would assert
  EXPECT_EQ(Check(alpha), "adapter 'a.gguf' has an adapter.lora.alpha that is not a float32");
  GgufFile empty = Adapter();
  empty.tensors.clear();
  EXPECT_EQ(Check(empty), "adapter 'a.gguf' has no LoRA tensors");
}

TEST(GgufLoraTest, RefusesAnAdapterForAnotherModel) {
  GgufFile arch = Adapter();
  arch.kv["general.architecture"] = std::string("bert");
  EXPECT_EQ(Check(arch), "adapter 'a.gguf' was made for architecture 'bert', the model is 'qwen2'");
  GgufFile missing = Adapter();
  missing.tensors.push_back(Tensor("blk.9.attn_q.weight.lora_a", 64, 8));
  missing.tensors.push_back(Tensor("blk.9.attn_q.weight.lora_b", 8, 64));
  EXPECT_NE(Check(missing).find("'blk.9.attn_q.weight', which does not exist in the model"), std::string::npos);
  GgufFile shape = Adapter();
  shape.tensors[3] = Tensor("blk.0.attn_k.weight.lora_b", 8, 64);  // k projects to 32
  EXPECT_NE(Check(shape).find("has the wrong shape for tensor 'blk.0.attn_k.weight'"), std::string::npos);
  GgufFile rank = Adapter();
  rank.tensors[1] = Tensor("blk.0.attn_q.weight.lora_b", 4, 64);  // rank 8 vs 4
  EXPECT_NE(Check(rank).find("wrong shape"), std::string::npos);
  GgufFile half = Adapter();
  half.tensors.pop_back();
  EXPECT_NE(Check(half).find("only one half of the LoRA pair for 'blk.0.attn_k.weight'"), std::string::npos);
  GgufFile stray = Adapter();
  stray.tensors.push_back(Tensor("blk.0.attn_q.weight", 64, 64));
  EXPECT_NE(Check(stray).find("is not a LoRA pair"), std::string::npos);
}

}  // namespace
}  // namespace suanli
