#include "rank_metrics.h"

#include <cstdio>

namespace suanli::bench {

namespace {
constexpr size_t kCutoffs[4] = {1, 3, 5, 10};
}

void RankMetrics::Add(size_t rank) {
  ++questions_;
  if (rank == 0) return;
  for (size_t i = 0; i < 4; ++i) {
    if (rank <= kCutoffs[i]) ++hits_[i];
  }
  if (rank <= 10) reciprocal_sum_ += 1.0 / static_cast<double>(rank);
}

double RankMetrics::RecallAt(size_t k) const {
  for (size_t i = 0; i < 4; ++i) {
    if (kCutoffs[i] == k) return questions_ == 0 ? 0 : static_cast<double>(hits_[i]) / questions_;
  }
  return 0;
}

double RankMetrics::MrrAt10() const { return questions_ == 0 ? 0 : reciprocal_sum_ / questions_; }

std::string RankMetrics::Summary() const {
  char line[160];
  std::snprintf(line, sizeof(line), "R@1 %.3f  R@3 %.3f  R@5 %.3f  R@10 %.3f  MRR@10 %.3f", RecallAt(1), RecallAt(3),
                RecallAt(5), RecallAt(10), MrrAt10());
  return line;
}

}  // namespace suanli::bench
