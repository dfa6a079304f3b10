#include "dashboard/server/html_escape.h"

#include <gtest/gtest.h>

namespace sweep::dashboard {
namespace {

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
}

TEST(EscapeJsonForScript, CannotCloseScriptOrOpenComment) {
  const std::string out = EscapeJsonForScript(R"({"n":"</script><!--x-->&"})");
  EXPECT_EQ(out.find('<'), std::string::npos);
  EXPECT_EQ(out.find('>'), std::string::npos);
  EXPECT_EQ(out.find('&'), std::string::npos);
  EXPECT_EQ(out, R"({"n":"\u003c/script\u003e\u003c!--x--\u003e\u0026"})");
}

TEST(EscapeJsonForScript, EscapesLineAndParagraphSeparators) {
  EXPECT_EQ(EscapeJsonForScript("\"a\xE2\x80\xA8" "b\xE2\x80\xA9" "c\""), R"("a\u2028b\u2029c")");
  // Other multi-byte characters pass through untouched.
  EXPECT_EQ(EscapeJsonForScript("\"\xC3\xA9\xE2\x82\xAC\""), "\"\xC3\xA9\xE2\x82\xAC\"");
}

}  // namespace
}  // namespace sweep::dashboard
