// Escaping for text that lands in an HTML document. Internal to sweep_dashboard (the one-file report).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace sweep::dashboard {

// Escapes & < > " ' so the text is safe both as element content and inside a
// quoted attribute value.
std::string HtmlEscape(std::string_view text);

// Makes JSON text safe inside <script type="application/json">: `<`, `>` and
// `&` become \u003c \u003e \u0026 (so neither "</script>" nor "<!--" can
// appear), and U+2028/U+2029 become \u2028/\u2029 (line terminators in older
// JavaScript). Only valid on JSON text: outside strings these bytes never occur.
std::string EscapeJsonForScript(std::string_view json);

}  // namespace sweep::dashboard
