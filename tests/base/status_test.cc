#include "base/status.h"

#include <gtest/gtest.h>

namespace suanli {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2) return InvalidArgumentError("odd number");
  return x / 2;
}

Status UseHalf(int x, int* out) {
  ASSIGN_OR_RETURN(*out, Half(x));
  RETURN_IF_ERROR(OkStatus());
  return OkStatus();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(OkStatus().ok());
  Status s = NotFoundError("model 'x' not found");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not_found: model 'x' not found");
}

TEST(StatusTest, StatusOrPropagates) {
  int out = 0;
  EXPECT_TRUE(UseHalf(8, &out).ok());
  EXPECT_EQ(out, 4);
  Status bad = UseHalf(3, &out);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), "odd number");
}

TEST(StatusTest, CodeNamesRoundTrip) {
  for (StatusCode c : {StatusCode::kInvalidArgument, StatusCode::kNotFound, StatusCode::kCancelled,
                       StatusCode::kUnavailable, StatusCode::kInternal, StatusCode::kResourceExhausted}) {
    EXPECT_EQ(StatusCodeFromName(StatusCodeName(c)), c);
  }
  EXPECT_EQ(StatusCodeFromName("no such code"), StatusCode::kInternal);
}

TEST(StatusTest, StatusOrFromOkStatusIsAnError) {
  StatusOr<int> v = OkStatus();
  EXPECT_FALSE(v.ok());
}

}  // namespace
}  // namespace suanli
