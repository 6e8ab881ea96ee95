#include "json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace doseplan::detail {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHigh = 0x8080808080808080ULL;

// Whether none of the 8 bytes of `x` needs a look: all ASCII, none below 0x20, no '"', no '\'.
// (The classic "has a byte less than n" and "has a zero byte" tests; exact for "any byte".)
bool plain8(std::uint64_t x) {
  const std::uint64_t control = (x - kOnes * 0x20) & ~x & kHigh;
  const std::uint64_t q = x ^ (kOnes * '"');
  const std::uint64_t quote = (q - kOnes) & ~q & kHigh;
  const std::uint64_t b = x ^ (kOnes * '\\');
  const std::uint64_t backslash = (b - kOnes) & ~b & kHigh;
  return ((x & kHigh) | control | quote | backslash) == 0;
}

bool continuation(unsigned char c) {
  return c >= 0x80 && c <= 0xBF;
}

// The length of the well-formed UTF-8 sequence at `p` (Unicode table 3-7: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  const auto left = static_cast<std::size_t>(end - p);
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && continuation(p[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !continuation(p[2])) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return p[1] >= lo && p[1] <= hi ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !continuation(p[2]) || !continuation(p[3])) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return p[1] >= lo && p[1] <= hi ? 4 : 0;
  }
  return 0;
}

[[noreturn]] void invalid_utf8(std::size_t index, unsigned char byte) {
  static const char* const kHex = "0123456789ABCDEF";
  throw std::invalid_argument("invalid UTF-8 byte at index " + std::to_string(index) + ": 0x" +
                              kHex[byte >> 4] + kHex[byte & 0xF]);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* const end = begin + text.size();
  const unsigned char* p = begin;
  const unsigned char* run = begin;  // plain bytes not yet copied
  auto flush = [&] {
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
  };
  while (p < end) {
    if (end - p >= 8) {
      std::uint64_t x;
      std::memcpy(&x, p, sizeof x);
      if (plain8(x)) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c >= 0x80) {
      const std::size_t n = utf8_length(p, end);
      if (n == 0) invalid_utf8(static_cast<std::size_t>(p - begin), c);
      p += n;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++p;
      continue;
    }
    flush();
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        static const char* const kHex = "0123456789abcdef";
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(u, sizeof u);
      }
    }
    ++p;
    run = p;
  }
  flush();
  out += '"';
}

void append_json_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  if (std::signbit(value)) {
    out += '-';
    value = -value;
  }
  if (value == 0) {
    out += "0.0";
    return;
  }
  // The shortest digits that read back as `value`, and the power of ten of the first one.
  char sci[32];
  const auto [sci_end, ec] =
      std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
  if (ec != std::errc()) {  // cannot happen with 32 bytes; say null rather than write garbage
    out += "null";
    return;
  }
  const char* const e = std::find(sci, sci_end, 'e');
  char digits[24];
  int k = 0;  // number of digits
  for (const char* q = sci; q < e; ++q)
    if (*q != '.') digits[k++] = *q;
  int exponent = 0;
  const char* q = e + 1;
  const bool negative_exponent = *q == '-';
  if (*q == '-' || *q == '+') ++q;
  std::from_chars(q, sci_end, exponent);
  if (negative_exponent) exponent = -exponent;
  // As nlohmann::detail::dtoa_impl::format_buffer, with its limits -4 and 15: the value is
  // digits x 10^(n - k).
  const int n = exponent + 1;
  if (k <= n && n <= 15) {  // 1234500.0
    out.append(digits, static_cast<std::size_t>(k));
    out.append(static_cast<std::size_t>(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= 15) {  // 12.345
    out.append(digits, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits + n, static_cast<std::size_t>(k - n));
  } else if (-4 < n && n <= 0) {  // 0.0012345
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out.append(digits, static_cast<std::size_t>(k));
  } else {  // 1.2345e+20, 1e-05
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits + 1, static_cast<std::size_t>(k - 1));
    }
    int x = n - 1;
    out += x < 0 ? "e-" : "e+";
    x = std::abs(x);
    if (x < 10) out += '0';
    char buf[8];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    out.append(buf, r.ptr);
  }
}

void JsonWriter::newline_and_indent(std::size_t depth) {
  out_ += '\n';
  out_.append((base_depth_ + depth) * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;  // the top-level value
  if (open_.back()) out_ += ',';
  open_.back() = true;
  if (indent_ >= 0) newline_and_indent(open_.size());
}

void JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  open_.push_back(false);
}

void JsonWriter::end_object() {
  const bool any = open_.back();
  open_.pop_back();
  if (any && indent_ >= 0) newline_and_indent(open_.size());
  out_ += '}';
}

void JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  open_.push_back(false);
}

void JsonWriter::end_array() {
  const bool any = open_.back();
  open_.pop_back();
  if (any && indent_ >= 0) newline_and_indent(open_.size());
  out_ += ']';
}

void JsonWriter::key(std::string_view k) {
  if (open_.back()) out_ += ',';
  open_.back() = true;
  if (indent_ >= 0) newline_and_indent(open_.size());
  append_json_string(out_, k);
  out_ += indent_ >= 0 ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::string(std::string_view s) {
  before_value();
  append_json_string(out_, s);
}

void JsonWriter::boolean(bool b) {
  before_value();
  out_ += b ? "true" : "false";
}

void JsonWriter::integer(std::int64_t i) {
  before_value();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, i);
  out_.append(buf, r.ptr);
}

void JsonWriter::number(double d) {
  before_value();
  append_json_double(out_, d);
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

void JsonWriter::raw(std::string_view json) {
  before_value();
  out_.append(json);
}

}  // namespace doseplan::detail
