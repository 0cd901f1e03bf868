// Retrieval metrics over questions that each have one gold item: recall@k
// (= hit@k) for k = 1, 3, 5, 10 and MRR@10. Thread-compatible.
#pragma once

#include <cstddef>
#include <string>

namespace suanli::bench {

class RankMetrics {
 public:
  // `rank` is the 1-based rank of the gold item, 0 when it is not among the
  // results.
  void Add(size_t rank);

  size_t questions() const { return questions_; }
  double RecallAt(size_t k) const;  // k in {1, 3, 5, 10}
  double MrrAt10() const;
  // "R@1 0.961  R@3 0.992  R@5 0.996  R@10 0.998  MRR@10 0.977".
  std::string Summary() const;

 private:
  size_t questions_ = 0;
  size_t hits_[4] = {0, 0, 0, 0};  // at 1, 3, 5, 10
  double reciprocal_sum_ = 0;
};

}  // namespace suanli::bench
