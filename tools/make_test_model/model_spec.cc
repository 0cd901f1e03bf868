#include "model_spec.h"

namespace suanli::tools {

int64_t ParameterCount(const ModelSpec& spec) {
  int64_t n = 0;
  for (const TensorSpec& t : spec.tensors) n += t.ne0 * t.ne1;
  return n;
}

}  // namespace suanli::tools
