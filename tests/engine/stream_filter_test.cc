#include "engine/stream_filter.h"

#include <gtest/gtest.h>

#include "base/utf8.h"

namespace suanli::engine {
namespace {

std::string Feed(StreamFilter& f, const std::vector<std::string>& pieces, std::vector<std::string>* emitted = nullptr) {
  std::string out;
  for (const auto& p : pieces) {
    std::string e = f.Push(p);
    if (emitted) emitted->push_back(e);
    out += e;
  }
  return out + f.Flush();
}

TEST(StreamFilterTest, PassesTextThrough) {
  StreamFilter f({});
  EXPECT_EQ(Feed(f, {"Hello", ", ", "world"}), "Hello, world");
}

TEST(StreamFilterTest, StopStringAcrossPieces) {
  StreamFilter f({"</end>"});
  std::vector<std::string> emitted;
  EXPECT_EQ(Feed(f, {"abc<", "/e", "nd", ">tail"}, &emitted), "abc");
  EXPECT_TRUE(f.stopped());
  EXPECT_EQ(f.matched_stop(), "</end>");
  EXPECT_EQ(emitted[0], "abc");  // "<" held back: it could start the stop string
  for (const auto& e : emitted) EXPECT_EQ(e.find('<'), std::string::npos);
}

TEST(StreamFilterTest, PartialMatchThatFailsIsReleased) {
  StreamFilter f({"STOP"});
  std::vector<std::string> emitted;
  EXPECT_EQ(Feed(f, {"ST", "ART", " now"}, &emitted), "START now");
  EXPECT_FALSE(f.stopped());
  EXPECT_EQ(emitted[0], "");
}

TEST(StreamFilterTest, EarliestStopWins) {
  StreamFilter f({"bb", "a"});
  EXPECT_EQ(Feed(f, {"xxbba"}), "xx");
  EXPECT_EQ(f.matched_stop(), "bb");
}

TEST(StreamFilterTest, NothingAfterStop) {
  StreamFilter f({"\n\n"});
  EXPECT_EQ(f.Push("one\n"), "one");
  EXPECT_EQ(f.Push("\ntwo"), "");
  EXPECT_EQ(f.Push("three"), "");
  EXPECT_EQ(f.Flush(), "");
}

TEST(StreamFilterTest, NeverSplitsUtf8) {
  // "中文" split byte by byte: each emitted chunk must be valid UTF-8.
  const std::string text = "\xE4\xB8\xAD\xE6\x96\x87";
  StreamFilter f({});
  std::string joined;
  for (char c : text) {
    std::string e = f.Push(std::string(1, c));
    EXPECT_TRUE(IsValidUtf8(e)) << "emitted a partial character";
    joined += e;
  }
  joined += f.Flush();
  EXPECT_EQ(joined, text);
}

TEST(StreamFilterTest, StopStringWithMultibyteCharacters) {
  StreamFilter f({"\xE3\x80\x82"});  // 。
  std::string text = "\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82\xE5\x86\x8D";  // 你好。再
  std::string out;
  for (char c : text) out += f.Push(std::string(1, c));
  out += f.Flush();
  EXPECT_EQ(out, "\xE4\xBD\xA0\xE5\xA5\xBD");
  EXPECT_TRUE(f.stopped());
}

TEST(StreamFilterTest, FlushDropsIncompleteCharacter) {
  StreamFilter f({});
  EXPECT_EQ(f.Push("ok\xE4\xB8"), "ok");
  EXPECT_EQ(f.Flush(), "");
}

TEST(StreamFilterTest, HeldPartialStopIsTextAtEnd) {
  StreamFilter f({"<|im_end|>"});
  EXPECT_EQ(f.Push("answer <|im"), "answer ");
  EXPECT_EQ(f.Flush(), "<|im");
}

}  // namespace
}  // namespace suanli::engine
