#include "engine/options.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace suanli::engine {
namespace {

using json = nlohmann::json;

TEST(OptionsTest, OllamaDefaults) {
  ModelOptions o;
  EXPECT_FLOAT_EQ(o.sampling.temperature, 0.8f);
  EXPECT_EQ(o.sampling.top_k, 40);
  EXPECT_FLOAT_EQ(o.sampling.top_p, 0.9f);
  EXPECT_FLOAT_EQ(o.sampling.min_p, 0.0f);
  EXPECT_FLOAT_EQ(o.sampling.typical_p, 1.0f);
  EXPECT_EQ(o.sampling.repeat_last_n, 64);
  EXPECT_FLOAT_EQ(o.sampling.repeat_penalty, 1.0f);
  EXPECT_EQ(o.sampling.seed, -1);
  EXPECT_EQ(o.sampling.num_predict, -1);
  EXPECT_EQ(o.sampling.num_keep, 4);
  EXPECT_EQ(o.load.num_ctx, 4096);
  EXPECT_EQ(o.load.num_batch, 512);
  EXPECT_EQ(o.load.num_gpu, -1);
}

TEST(OptionsTest, MergesKnownKeys) {
  ModelOptions o;
  std::vector<std::string> ignored;
  json j = {{"temperature", 0}, {"top_k", 5.7}, {"seed", 42}, {"stop", {"a", "b"}},
            {"num_ctx", 2048}, {"num_predict", 16}, {"repeat_penalty", 1.1}};
  ASSERT_TRUE(ApplyOptions(j, &o, &ignored).ok());
  EXPECT_FLOAT_EQ(o.sampling.temperature, 0.0f);
  EXPECT_EQ(o.sampling.top_k, 5);  // JSON numbers are truncated, as Ollama does
  EXPECT_EQ(o.sampling.seed, 42);
  EXPECT_EQ(o.sampling.stop, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.load.num_ctx, 2048);
  EXPECT_EQ(o.sampling.num_predict, 16);
  EXPECT_TRUE(ignored.empty());
}

TEST(OptionsTest, UnknownAndDeprecatedKeysAreIgnored) {
  ModelOptions o;
  std::vector<std::string> ignored;
  ASSERT_TRUE(ApplyOptions({{"mirostat", 1}, {"bogus", "x"}}, &o, &ignored).ok());
  EXPECT_EQ(ignored.size(), 2u);
}

TEST(OptionsTest, WrongTypesAreClearErrors) {
  struct Case {
    json options;
    std::string message;
  } cases[] = {
      {{{"top_k", "40"}}, "option \"top_k\" must be of type integer"},
      {{{"temperature", true}}, "option \"temperature\" must be of type float32"},
      {{{"stop", 3}}, "option \"stop\" must be of type array"},
      {{{"stop", {1, 2}}}, "option \"stop\" must be of type array"},
      {{{"use_mmap", 1}}, "option \"use_mmap\" must be of type boolean"},
      {{{"num_ctx", -5}}, "option \"num_ctx\" is out of range"},
      {{{"num_ctx", 1e300}}, "option \"num_ctx\" is out of range"},
  };
  for (const auto& c : cases) {
    ModelOptions o;
    Status s = ApplyOptions(c.options, &o, nullptr);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.options.dump();
    EXPECT_EQ(s.message(), c.message);
  }
  ModelOptions o;
  EXPECT_EQ(ApplyOptions(json::array(), &o, nullptr).code(), StatusCode::kInvalidArgument);
}

TEST(OptionsTest, NullKeepsDefaultsAndTinyContextIsRaised) {
  ModelOptions o;
  ASSERT_TRUE(ApplyOptions({{"temperature", nullptr}, {"num_ctx", 1}}, &o, nullptr).ok());
  EXPECT_FLOAT_EQ(o.sampling.temperature, 0.8f);
  EXPECT_EQ(o.load.num_ctx, 4);
  ASSERT_TRUE(ApplyOptions(nullptr, &o, nullptr).ok());
}

}  // namespace
}  // namespace suanli::engine
