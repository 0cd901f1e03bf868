// Synthetic mixed Chinese/English text for the latency benchmark, drawn
// from the vocabulary of the evaluation sets: Chinese follows a character
// bigram (first-order Markov) model of the Chinese passages, English a word
// bigram model of the English passages, so term frequencies and posting
// list lengths resemble real text. Deterministic for a seed.
// Thread-compatible (one generator per thread).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace suanli::bench {

class SyntheticCorpus {
 public:
  // `chinese` and `english`: passages to learn from (either may be empty,
  // not both).
  SyntheticCorpus(const std::vector<std::string>& chinese, const std::vector<std::string>& english, uint64_t seed);

  // One chunk of about 200 to 500 characters: three in four are Chinese
  // with a short English span, the rest English.
  std::string NextChunk();

 private:
  // A chain over tokens (code points or words): successors with repeats,
  // so a uniform pick follows the bigram frequencies.
  struct Chain {
    std::vector<std::string> tokens;
    std::unordered_map<uint32_t, std::vector<uint32_t>> next;
    std::vector<uint32_t> starts;
  };
  static void Learn(const std::vector<std::string>& sequence, Chain* chain);
  std::string Walk(const Chain& chain, size_t tokens, const char* separator);

  Chain chinese_, english_;
  std::mt19937_64 rng_;
};

}  // namespace suanli::bench
