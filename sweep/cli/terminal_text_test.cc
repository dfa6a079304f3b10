#include "sweep/cli/terminal_text.h"

#include <gtest/gtest.h>

#include <string>

namespace sweep::cli {
namespace {

// No byte a terminal acts on is left: no C0 control but the allowed line
// breaks, no DEL, no raw C1 byte and no UTF-8-encoded C1 character.
void ExpectInert(const std::string& s, bool line_breaks_allowed) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (line_breaks_allowed && (c == '\n' || c == '\t')) continue;
    EXPECT_FALSE(c < 0x20 || c == 0x7F) << "control byte " << int(c) << " at " << i << " in " << s;
    if (c == 0xC2 && i + 1 < s.size()) {
      const unsigned char next = static_cast<unsigned char>(s[i + 1]);
      EXPECT_FALSE(next >= 0x80 && next <= 0x9F) << "C1 character at " << i;
    }
  }
}

TEST(TerminalSafe, HostileSequencesBecomeVisibleEscapes) {
  const std::string osc52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07";
  const std::string clear = "\x1b[2J\x1b[H";
  const std::string colour = "\x1b[31mERROR\x1b[0m";
  const std::string title = "\x1b]0;owned\x1b\\";
  for (const std::string& hostile : {osc52, clear, colour, title}) {
    const std::string safe = TerminalSafe(hostile);
    ExpectInert(safe, false);
    EXPECT_NE(safe.find("\\x1b"), std::string::npos) << safe;
  }
  EXPECT_EQ(TerminalSafe(colour), "\\x1b[31mERROR\\x1b[0m");
  EXPECT_EQ(TerminalSafe(osc52), "\\x1b]52;c;ZWNobyBwd25lZA==\\x07");
}

TEST(TerminalSafe, EveryC0ControlAndDelIsEscaped) {
  for (int c = 0; c < 0x20; ++c) {
    if (c == '\n' || c == '\t') continue;
    const std::string one(1, static_cast<char>(c));
    char expected[8];
    std::snprintf(expected, sizeof expected, "\\x%02x", c);
    EXPECT_EQ(TerminalSafe(one), expected) << c;
    EXPECT_EQ(TerminalSafe(one, LineBreaks::kKeep), expected) << c;
  }
  EXPECT_EQ(TerminalSafe("a\x7f"), "a\\x7f");
  EXPECT_EQ(TerminalSafe("progress\r50%"), "progress\\x0d50%");
}

TEST(TerminalSafe, C1ControlsRawAndEncodedAreEscaped) {
  // 0x9B is CSI on terminals that read 8-bit controls; U+009B is the same in UTF-8.
  EXPECT_EQ(TerminalSafe("\x9b" "2J"), "\\x9b2J");
  EXPECT_EQ(TerminalSafe("\xc2\x9b" "2J"), "\\u009b2J");
  EXPECT_EQ(TerminalSafe("\xc2\x85"), "\\u0085");
  ExpectInert(TerminalSafe("\xc2\x80\xc2\x9f\x80\x9f"), false);
}

TEST(TerminalSafe, LineBreaksEscapedInALineKeptInABlock) {
  EXPECT_EQ(TerminalSafe("a\nb\tc"), "a\\nb\\tc");
  EXPECT_EQ(TerminalSafe("a\nb\tc", LineBreaks::kKeep), "a\nb\tc");
  EXPECT_EQ(TerminalSafe("line\n\x1b[2Jnext", LineBreaks::kKeep), "line\n\\x1b[2Jnext");
}

TEST(TerminalSafe, OrdinaryTextAndValidUtf8Unchanged) {
  for (const std::string text :
       {"loss=0.25 lr=1e-3", "ModuleNotFoundError: No module named 'torch'", "C:\\data\\x1b", "µ±σ → ✓ 日本",
        "emoji 😀", ""}) {
    EXPECT_EQ(TerminalSafe(text), text);
  }
}

TEST(TerminalSafe, InvalidUtf8BytesAreEscapedOneByOne) {
  EXPECT_EQ(TerminalSafe("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(TerminalSafe("\xc0\xaf"), "\\xc0\\xaf");        // overlong '/'
  EXPECT_EQ(TerminalSafe("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(TerminalSafe("ab\xe2\x82"), "ab\\xe2\\x82");      // cut short
}

TEST(FitWidth, CutsWithEllipsisByColumnsNotBytes) {
  EXPECT_EQ(FitWidth("abcdef", 6), "abcdef");
  EXPECT_EQ(FitWidth("abcdef", 4), "abc…");
  EXPECT_EQ(FitWidth("µµµµµ", 3), "µµ…");
  EXPECT_EQ(DisplayWidth("µµ…"), 3u);
  EXPECT_EQ(FitWidth("abc", 0), "");
}

}  // namespace
}  // namespace sweep::cli
