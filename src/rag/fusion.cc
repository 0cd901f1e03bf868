#include "rag/fusion.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "rag/embedding.h"

namespace suanli::rag {

std::vector<FusedId> FuseReciprocalRank(const std::vector<RankedList>& lists, double constant) {
  struct Entry {
    double score = 0;
    size_t best_rank = std::numeric_limits<size_t>::max();
  };
  std::unordered_map<int64_t, Entry> entries;
  for (const RankedList& list : lists) {
    for (size_t i = 0; i < list.ids.size(); ++i) {
      Entry& e = entries[list.ids[i]];
      const size_t rank = i + 1;
      e.score += list.weight / (constant + static_cast<double>(rank));
      e.best_rank = std::min(e.best_rank, rank);
    }
  }
  std::vector<std::pair<int64_t, Entry>> sorted(entries.begin(), entries.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    if (a.second.score != b.second.score) return a.second.score > b.second.score;
    if (a.second.best_rank != b.second.best_rank) return a.second.best_rank < b.second.best_rank;
    return a.first < b.first;
  });
  std::vector<FusedId> out;
  out.reserve(sorted.size());
  for (const auto& [id, entry] : sorted) out.push_back({id, entry.score});
  return out;
}

std::vector<size_t> SelectMaximalMarginalRelevance(const std::vector<std::vector<float>>& vectors,
                                                    const std::vector<double>& relevance, size_t dimension, size_t k,
                                                    double lambda) {
  const size_t n = std::min(vectors.size(), relevance.size());
  std::vector<size_t> picked;
  std::vector<bool> used(n, false);
  // max_sim[i]: highest cosine between candidate i and any picked one.
  std::vector<double> max_sim(n, -std::numeric_limits<double>::infinity());
  while (picked.size() < std::min(k, n)) {
    size_t best = n;
    double best_score = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < n; ++i) {
      if (used[i]) continue;
      const double redundancy = picked.empty() ? 0.0 : max_sim[i];
      const double score = lambda * relevance[i] - (1.0 - lambda) * redundancy;
      if (best == n || score > best_score) {
        best = i;
        best_score = score;
      }
    }
    used[best] = true;
    picked.push_back(best);
    for (size_t i = 0; i < n; ++i) {
      if (!used[i]) max_sim[i] = std::max(max_sim[i], Dot(vectors[i].data(), vectors[best].data(), dimension));
    }
  }
  return picked;
}

}  // namespace suanli::rag
