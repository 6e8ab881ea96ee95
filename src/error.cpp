#include "doseplan/error.hpp"

#include <string_view>
#include <utility>

namespace doseplan {
namespace {

// Length of the valid UTF-8 sequence at the start of `s` (1 to 4), or 0 when it is not one
// (a stray continuation byte, a sequence cut short, an overlong form, a surrogate, or a code
// point above U+10FFFF).
std::size_t utf8_sequence(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i)
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  return n;
}

// `s` with every byte that is not part of valid UTF-8 written as \xNN: a message quotes what the
// user typed, and must stay valid UTF-8 (for terminals, JSON, logs) when that was not.
std::string valid_utf8(std::string s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_sequence(std::string_view(s).substr(i));
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) return s;  // the usual case: unchanged
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = s.substr(0, i);
  while (i < s.size()) {
    const std::size_t n = utf8_sequence(std::string_view(s).substr(i));
    if (n == 0) {
      const auto c = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      i += 1;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

std::vector<Problem> with_valid_utf8(std::vector<Problem> problems) {
  for (Problem& p : problems) {
    p.where = valid_utf8(std::move(p.where));
    p.message = valid_utf8(std::move(p.message));
  }
  return problems;
}

std::string join(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) {
    if (!out.empty()) out += '\n';
    out += p.to_string();
  }
  return out;
}

}  // namespace

std::string Problem::to_string() const {
  std::string out;
  if (!where.empty()) out = where + ": ";
  out += message;
  out += " [" + id + "]";
  return out;
}

// The base is initialised first: it makes the problems valid UTF-8, then problems_ takes them.
Error::Error(std::vector<Problem> problems)
    : std::runtime_error(join(problems = with_valid_utf8(std::move(problems)))),
      problems_(std::move(problems)) {
  if (problems_.empty()) problems_.push_back({"internal.empty_error", "", "unspecified error"});
}

Error::Error(std::string id, std::string where, std::string message)
    : Error(std::vector<Problem>{{std::move(id), std::move(where), std::move(message)}}) {}

}  // namespace doseplan

#include "doseplan/doseplan.hpp"

#ifndef DOSEPLAN_VERSION
#define DOSEPLAN_VERSION "0.0.0"
#endif

const char* doseplan::version() {
  return DOSEPLAN_VERSION;
}
