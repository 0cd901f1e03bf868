#include "rag/document_loader.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <random>
#include <string>
#include <vector>

namespace suanli::rag {
namespace {

// `utf8` converted to `charset` with glibc's iconv.
std::string Encode(const std::string& utf8, const char* charset) {
  iconv_t handle = iconv_open(charset, "UTF-8");
  EXPECT_NE(handle, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* dest = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(handle, &in, &in_left, &dest, &out_left), static_cast<size_t>(-1));
  iconv_close(handle);
  out.resize(out.size() - out_left);
  return out;
}

// Code-point offset -> the text from there on.
std::string From(const std::string& text, size_t code_point) {
  size_t i = 0;
  for (size_t seen = 0; i < text.size() && seen < code_point; ++seen) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return text.substr(i);
}

LoadedDocument Load(std::string_view bytes, std::string_view name = "", std::string_view type = "") {
  StatusOr<LoadedDocument> doc = LoadDocument(bytes, name, type);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  return doc.ok() ? std::move(doc).value() : LoadedDocument{};
}

void ExpectRefused(std::string_view bytes, std::string_view name, std::string_view words) {
  StatusOr<LoadedDocument> doc = LoadDocument(bytes, name, "");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find(words), std::string::npos) << doc.status().message();
}

const char kPage[] = R"(<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>  立法会 选举
  </title>
  <meta name="description" content="香港立法会选举的介绍">
  <style>body { color: red }</style>
  <script>var ignored = "<p>not text</p>";</script>
</head>
<body>
  <header><a href="/">Site name</a></header>
  <nav><ul><li>Home</li><li>About</li></ul></nav>
  <article>
    <header><h1>立法会</h1></header>
    <p>第一段   文字,
       继续。</p>
    <h2>选举</h2>
    <p>Votes&nbsp;are <b>counted</b><br>by hand.</p>
    <pre>  code
    kept</pre>
    <div hidden>hidden text</div>
    <footer>Posted today</footer>
  </article>
  <aside>Related links</aside>
  <footer>Copyright</footer>
  <noscript>Enable JavaScript</noscript>
</body>
</html>)";

TEST(HtmlLoaderTest, KeepsTheArticleTextAndMetadata) {
  const LoadedDocument doc = Load(kPage, "https://example.com/page", "");
  EXPECT_EQ(doc.text, "立法会\n\n第一段 文字, 继续。\n\n选举\n\nVotes are counted\nby hand.\n\n  code\n    kept");
  EXPECT_EQ(doc.metadata["type"], "html");
  EXPECT_EQ(doc.metadata["title"], "立法会 选举");
  EXPECT_EQ(doc.metadata["description"], "香港立法会选举的介绍");
  EXPECT_EQ(doc.metadata["language"], "zh-CN");
  EXPECT_EQ(doc.metadata["encoding"], "utf-8");
  ASSERT_EQ(doc.sections.size(), 2u);
  EXPECT_EQ(doc.sections[0].start, 0u);
  EXPECT_EQ(doc.sections[0].metadata["heading"], "立法会");
  EXPECT_EQ(doc.sections[1].metadata["heading"], "立法会 > 选举");
  EXPECT_EQ(From(doc.text, doc.sections[1].start).substr(0, 6), "选举");
}

TEST(HtmlLoaderTest, PrefersMainThenBody) {
  const LoadedDocument with_main =
      Load("<html><body><div>menu</div><main><p>Main text</p></main><div>footer links</div></body></html>");
  EXPECT_EQ(with_main.text, "Main text");
  const LoadedDocument body_only = Load(
      "<!doctype html><title>T</title><nav>skip</nav><div>One</div><div>Two <span>three</span></div><script>x()"
      "</script>");
  EXPECT_EQ(body_only.text, "One\nTwo three");
  // An empty <main> (filled by scripts in a browser) falls back to the body.
  const LoadedDocument empty_main = Load("<html><body><main></main><p>Body text</p></body></html>");
  EXPECT_EQ(empty_main.text, "Body text");
}

TEST(HtmlLoaderTest, TypeComesFromContentThenContentTypeThenExtension) {
  // A fragment without a doctype is HTML when declared so.
  EXPECT_EQ(Load("<p>Hi <b>there</b></p>", "", "text/html; charset=utf-8").text, "Hi there");
  EXPECT_EQ(Load("<p>Hi <b>there</b></p>", "page.htm", "").text, "Hi there");
  // Otherwise it stays text as written.
  const LoadedDocument text = Load("<p>Hi</p>", "notes.txt", "");
  EXPECT_EQ(text.text, "<p>Hi</p>");
  EXPECT_EQ(text.metadata["type"], "text");
  // Content sniffing wins over a wrong name.
  EXPECT_EQ(Load("<!-- c --><!DOCTYPE HTML><p>x</p>", "file.md", "text/plain").metadata["type"], "html");
}

TEST(HtmlLoaderTest, MetaCharsetDecidesTheEncoding) {
  const std::string page =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">"
      "</head><body><p>" +
      Encode("中文网页内容", "GB18030") + "</p></body></html>";
  const LoadedDocument doc = Load(page);
  EXPECT_EQ(doc.text, "中文网页内容");
  EXPECT_EQ(doc.metadata["encoding"], "gb18030");
}

TEST(HtmlLoaderTest, DeepNestingIsRefusedQuickly) {
  std::string page = "<html><body>";
  for (int i = 0; i < 100000; ++i) page += "<div>";
  ExpectRefused(page, "deep.html", "nests");
  // Many elements that close themselves are fine.
  std::string list = "<html><body><ul>";
  for (int i = 0; i < 20000; ++i) list += "<li>item";
  EXPECT_EQ(Load(list).text.substr(0, 10), "item\nitem\n");
}

TEST(MarkdownLoaderTest, HeadingsBecomeSections) {
  const std::string text =
      "前言文字\n"
      "# 指南\n"
      "介绍。\n"
      "## Install ##\n"
      "```sh\n"
      "# not a heading\n"
      "```\n"
      "### Linux\n"
      "apt install\n"
      "Usage\n"
      "-----\n"
      "Run it.\n"
      "    # indented code\n"
      "#hashtag\n";
  const LoadedDocument doc = Load(text, "guide.md", "");
  EXPECT_EQ(doc.text, text);
  EXPECT_EQ(doc.metadata["type"], "markdown");
  EXPECT_EQ(doc.metadata["title"], "指南");
  ASSERT_EQ(doc.sections.size(), 4u);
  EXPECT_EQ(doc.sections[0].metadata["heading"], "指南");
  EXPECT_EQ(doc.sections[1].metadata["heading"], "指南 > Install");
  EXPECT_EQ(doc.sections[2].metadata["heading"], "指南 > Install > Linux");
  EXPECT_EQ(doc.sections[3].metadata["heading"], "指南 > Usage");
  EXPECT_EQ(doc.sections[0].start, 5u);  // code points: "前言文字\n"
  EXPECT_EQ(From(doc.text, doc.sections[1].start).substr(0, 10), "## Install");
  EXPECT_EQ(From(doc.text, doc.sections[3].start).substr(0, 5), "Usage");
  EXPECT_EQ(Load("# T\nbody", "", "text/markdown").metadata["type"], "markdown");
  EXPECT_TRUE(Load("# T\nbody", "notes.txt", "").sections.empty());
}

TEST(TextLoaderTest, Utf8BomAndLineEnds) {
  const LoadedDocument doc = Load("\xEF\xBB\xBFline one\r\nline two\rthree", "a.txt", "");
  EXPECT_EQ(doc.text, "line one\nline two\nthree");
  EXPECT_EQ(doc.metadata["encoding"], "utf-8");
  EXPECT_EQ(doc.metadata["type"], "text");
}

TEST(TextLoaderTest, Utf16WithBom) {
  const std::string text = "UTF-16 文本 \xF0\x9F\x98\x80";
  const LoadedDocument little = Load("\xFF\xFE" + Encode(text, "UTF-16LE"));
  EXPECT_EQ(little.text, text);
  EXPECT_EQ(little.metadata["encoding"], "utf-16le");
  const LoadedDocument big = Load("\xFE\xFF" + Encode(text, "UTF-16BE"));
  EXPECT_EQ(big.text, text);
  EXPECT_EQ(big.metadata["encoding"], "utf-16be");
}

TEST(TextLoaderTest, Gb18030AndBig5AreDetected) {
  const std::vector<std::string> simplified = {
      "香港第六届立法会选举有多少个议席？",
      "中华人民共和国是世界上人口最多的国家之一，首都是北京。我们今天去公园散步，天气很好。", "数据库",
      "人工智能的发展需要大量的计算资源和高质量的训练数据。"};
  for (const std::string& text : simplified) {
    const LoadedDocument doc = Load(Encode(text, "GB18030"));
    EXPECT_EQ(doc.text, text);
    EXPECT_EQ(doc.metadata["encoding"], "gb18030") << text;
  }
  const std::vector<std::string> traditional = {"香港第六屆立法會選舉有多少個議席？",
                                                "中華民國的首都是臺北，我們今天去公園散步，天氣很好。", "資料庫",
                                                "人工智慧的發展需要大量的計算資源和高品質的訓練資料。"};
  for (const std::string& text : traditional) {
    const LoadedDocument doc = Load(Encode(text, "BIG5"));
    EXPECT_EQ(doc.text, text);
    EXPECT_EQ(doc.metadata["encoding"], "big5") << text;
    // Traditional characters saved as GBK are still GBK.
    const LoadedDocument gbk = Load(Encode(text, "GB18030"));
    EXPECT_EQ(gbk.text, text);
    EXPECT_EQ(gbk.metadata["encoding"], "gb18030") << text;
  }
}

TEST(TextLoaderTest, DeclaredCharsetWins) {
  const LoadedDocument latin = Load(Encode("café crème", "ISO-8859-1"), "", "text/plain; charset=ISO-8859-1");
  EXPECT_EQ(latin.text, "café crème");
  EXPECT_EQ(latin.metadata["encoding"], "windows-1252");
  // GBK bytes that would also pass as Big5, declared in the Content-Type.
  const LoadedDocument gbk = Load(Encode("数据", "GB18030"), "", "text/plain; charset=\"GBK\"");
  EXPECT_EQ(gbk.text, "数据");
  // A wrong declaration falls back to detection.
  EXPECT_EQ(Load("plain ascii \xE4\xB8\xAD", "", "text/plain; charset=utf-16be-bogus").text, "plain ascii 中");
}

TEST(TextLoaderTest, BinaryAndEmptyInputIsRefused) {
  ExpectRefused(std::string("abc\0def", 7), "a.txt", "binary");
  ExpectRefused(Encode("no mark", "UTF-16LE"), "a.txt", "binary");
  std::string controls = "text";
  for (int i = 0; i < 50; ++i) controls += "\x01\x02\x1B";
  ExpectRefused(controls, "a.txt", "binary");
  ExpectRefused("\x80\xFF\xFE\x81 not text \xFF\x80", "a.bin", "encoding");
  std::mt19937 rng(5);
  for (int round = 0; round < 50; ++round) {
    std::string junk(64 + rng() % 512, '\0');
    for (char& c : junk) c = static_cast<char>(rng() % 256);
    junk[0] = 'x';  // no byte order mark
    EXPECT_FALSE(LoadDocument(junk, "junk", "").ok());
  }
  ExpectRefused("", "a.txt", "empty");
  ExpectRefused(" \n\t ", "a.txt", "no text");
  ExpectRefused("<html><body><script>x</script></body></html>", "", "no text");
  ExpectRefused("just text", "report.pdf", "%PDF-");
  LoaderOptions small;
  small.max_bytes = 4;
  StatusOr<LoadedDocument> big = LoadDocument("12345", "a.txt", "", small);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("limit"), std::string::npos);
}

TEST(TextLoaderTest, FewControlCharactersAreDropped) {
  EXPECT_EQ(Load("bell\x07 and tab\tand\x0C feed").text, "bell and tab\tand\x0C feed");
}

}  // namespace
}  // namespace suanli::rag
