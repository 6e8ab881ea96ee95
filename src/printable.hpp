// Text as it may be printed (issue 18, items 6 and 10): what an error message quotes, or what the
// tracker shows again from its store, is shown, never obeyed by the terminal.
#ifndef DOSEPLAN_SRC_PRINTABLE_HPP_
#define DOSEPLAN_SRC_PRINTABLE_HPP_

#include <cstddef>
#include <string>
#include <string_view>

namespace doseplan {

// Text that can be shown on a terminal or in a log line as it is: valid UTF-8 without control
// characters (C0 and DEL, C1 such as NEL U+0085), line or paragraph separators (U+2028, U+2029)
// or bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), which could
// move the cursor, colour the terminal, break a line or reorder it. The offset of the first byte
// that is not so, or npos; with `allow_line_breaks`, a line feed and a tab are allowed.
std::size_t unprintable_at(std::string_view text, bool allow_line_breaks = false);

// `text` with every byte that is not UTF-8 and every C0 control or DEL written as \xNN, and every
// other character unprintable_at() finds written as \uNNNN; unchanged if it is printable. Every
// doseplan::Error passes its texts through it (src/error.cpp).
std::string printable(std::string text);

}  // namespace doseplan

#endif  // DOSEPLAN_SRC_PRINTABLE_HPP_
