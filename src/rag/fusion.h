// Result fusion and diversification for retrieval: reciprocal rank fusion
// (Cormack et al. 2009) and maximal marginal relevance. Pure functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace suanli::rag {

// The constant in 1 / (constant + rank) used by LangChain, LlamaIndex and
// Elasticsearch.
constexpr double kRrfConstant = 60.0;

struct RankedList {
  std::vector<int64_t> ids;  // best first; rank = position + 1
  double weight = 1.0;
};

struct FusedId {
  int64_t id;
  double score;
};

// score(d) = sum over lists r containing d of weight_r / (constant + rank_r(d)),
// ranks 1-based. Sorted by score, ties by the best rank in any list, then id.
std::vector<FusedId> FuseReciprocalRank(const std::vector<RankedList>& lists, double constant = kRrfConstant);

// Greedy MMR: repeatedly picks the candidate maximising
//   lambda * relevance[i] - (1 - lambda) * max_{j picked} cos(v_i, v_j)
// (ties to the lower index). `vectors` holds one normalised vector of
// `dimension` floats per candidate. Returns up to k candidate indices in
// the order picked.
std::vector<size_t> SelectMaximalMarginalRelevance(const std::vector<std::vector<float>>& vectors,
                                                    const std::vector<double>& relevance, size_t dimension, size_t k,
                                                    double lambda);

}  // namespace suanli::rag
