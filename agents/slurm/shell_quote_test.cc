#include "agents/slurm/shell_quote.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(ShellQuoteTest, PlainWordsStayBare) {
  EXPECT_EQ(ShellQuote("/usr/bin/sweep"), "/usr/bin/sweep");
  EXPECT_EQ(ShellQuote("postgresql://u@h:5432/db"), "postgresql://u@h:5432/db");
}

TEST(ShellQuoteTest, SpecialCharactersAreSingleQuoted) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("$(rm -rf /);`x`"), "'$(rm -rf /);`x`'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

TEST(ShellQuoteTest, SbatchQuotingEscapesBackslashAndDoubleQuote) {
  EXPECT_EQ(SbatchQuote("--mem=4G"), "--mem=4G");
  EXPECT_EQ(SbatchQuote("--job-name=a b#c"), "\"--job-name=a b#c\"");
  EXPECT_EQ(SbatchQuote("x\"y\\z"), "\"x\\\"y\\\\z\"");
}

TEST(ShellQuoteTest, DetectsControlCharacters) {
  EXPECT_FALSE(HasControlChar("plain text, with 'quotes'"));
  EXPECT_TRUE(HasControlChar("a\nb"));
  EXPECT_TRUE(HasControlChar("a\rb"));
  EXPECT_TRUE(HasControlChar("a\tb"));
  EXPECT_TRUE(HasControlChar(std::string_view("a\0b", 3)));
  EXPECT_TRUE(HasControlChar("a\x7f"));
}

}  // namespace
}  // namespace sweep
