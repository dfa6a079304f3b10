#include "agents/line_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sweep {
namespace {

using Lines = std::vector<std::pair<std::string, bool>>;

Lines Split(const std::vector<std::string>& chunks, std::size_t max = 100) {
  LineSplitter s(max);
  Lines out;
  auto fn = [&](std::string_view line, bool oversized) { out.emplace_back(std::string(line), oversized); };
  for (const auto& c : chunks) s.Feed(c, fn);
  s.Finish(fn);
  return out;
}

TEST(LineSplitter, JoinsLinesAcrossChunks) {
  EXPECT_EQ(Split({"ab", "c\nde", "f\n"}), (Lines{{"abc", false}, {"def", false}}));
}

TEST(LineSplitter, StripsCarriageReturnOfCrLf) {
  EXPECT_EQ(Split({"a\r", "\nb\r\n"}), (Lines{{"a", false}, {"b", false}}));
}

TEST(LineSplitter, FinalUnterminatedLineAtEof) {
  EXPECT_EQ(Split({"a\nlast"}), (Lines{{"a", false}, {"last", false}}));
}

TEST(LineSplitter, EmptyLinesAreLines) {
  EXPECT_EQ(Split({"\n\nx\n"}), (Lines{{"", false}, {"", false}, {"x", false}}));
}

TEST(LineSplitter, NothingAtEofWhenStreamEndsWithNewline) {
  EXPECT_EQ(Split({"x\n"}).size(), 1u);
  EXPECT_TRUE(Split({}).empty());
}

TEST(LineSplitter, OversizedLineIsCappedAndFlagged) {
  LineSplitter s(4);
  Lines out;
  auto fn = [&](std::string_view line, bool oversized) { out.emplace_back(std::string(line), oversized); };
  s.Feed("abc", fn);
  s.Feed("defgh", fn);
  s.Feed("ij\nok\n", fn);
  s.Finish(fn);
  EXPECT_EQ(out, (Lines{{"abcd", true}, {"ok", false}}));
  EXPECT_EQ(s.oversized_lines(), 1u);
}

TEST(LineSplitter, LineOfExactlyTheCapWithCrLfIsNotOversized) {
  EXPECT_EQ(Split({"abcd\r\n"}, 4), (Lines{{"abcd", false}}));
  EXPECT_EQ(Split({"abcde\n"}, 4), (Lines{{"abcd", true}}));
}

TEST(LineSplitter, TenMegabyteLineDoesNotGrowTheBuffer) {
  LineSplitter s(1024);
  std::string chunk(1 << 20, 'x');
  Lines out;
  auto fn = [&](std::string_view line, bool oversized) { out.emplace_back(std::string(line), oversized); };
  for (int i = 0; i < 10; ++i) s.Feed(chunk, fn);
  s.Feed("\nend\n", fn);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first.size(), 1024u);
  EXPECT_TRUE(out[0].second);
  EXPECT_EQ(out[1], (std::pair<std::string, bool>{"end", false}));
}

TEST(LineSplitter, BinaryBytesPassThrough) {
  std::string binary("a\0\xff\xfe", 4);
  EXPECT_EQ(Split({binary + "\n"}), (Lines{{binary, false}}));
}

}  // namespace
}  // namespace sweep
