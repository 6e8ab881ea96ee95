#include "doseplan/format.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <system_error>

namespace doseplan {

namespace {
// A number with 2 decimals at most, then its unit: one string, one allocation.
std::string with_unit(double value, const char* unit) {
  std::string s;
  append_number(s, value, 2);
  s += unit;
  return s;
}
}  // namespace

std::string exact_number(double value) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr);
}

namespace {
void append_number(std::string& out, double value, int max_decimals, bool separators);
}  // namespace

void append_number(std::string& out, double value, int max_decimals) {
  append_number(out, value, max_decimals, true);
}

namespace {
void append_number(std::string& out, double value, int max_decimals, bool separators) {
  max_decimals = std::clamp(max_decimals, 0, 9);
  // std::to_chars with a precision rounds exactly, as printf("%.*f") does (without the locale),
  // and writes "nan" and "inf" as printf does. The largest double has 309 digits before the
  // point: the buffer always holds the whole number, never truncated.
  char buf[400];
  const auto [end_of_number, ec] =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, max_decimals);
  const char* p = buf;
  const char* end = ec == std::errc() ? end_of_number : buf;
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  const char* dot =
      static_cast<const char*>(std::memchr(p, '.', static_cast<std::size_t>(end - p)));
  if (dot) {  // no trailing zero, no trailing point
    while (end > dot && end[-1] == '0') --end;
    if (end == dot + 1) end = dot;
    if (end == dot) dot = nullptr;
  }
  const char* int_end = dot ? dot : end;
  const auto int_len = static_cast<std::size_t>(int_end - p);
  const bool zero = int_len == 1 && *p == '0' && !dot;  // no "-0"
  out.reserve(out.size() + int_len + int_len / 3 + static_cast<std::size_t>(end - int_end) + 1);
  if (negative && !zero) out += '-';
  for (std::size_t i = 0; i < int_len; ++i) {
    if (separators && i > 0 && (int_len - i) % 3 == 0) out += ',';
    out += p[i];
  }
  out.append(int_end, end);
}
}  // namespace

std::string format_number(double value, int max_decimals) {
  std::string s;
  append_number(s, value, max_decimals);
  return s;
}

std::string format_number(double value, int max_decimals, Lang lang) {
  std::string s;
  append_number(s, value, max_decimals, lang == Lang::en);
  return s;
}

std::string format_mg(DrugMass m, Lang lang) {
  return format_number(in_mg(m), 2, lang) + " mg";
}

LocalizedText mg_text(DrugMass m) {
  return {format_mg(m), format_mg(m, Lang::zh_CN)};
}

LocalizedText strengths_text(const std::vector<DrugMass>& strengths) {
  LocalizedText out;
  for (DrugMass s : strengths) {
    out.en += (out.en.empty() ? "" : ", ") + format_mg(s);
    out.zh += (out.zh.empty() ? "" : "\u3001") + format_mg(s, Lang::zh_CN);
  }
  return out;
}

std::string format_cells(CellCount c, Lang lang) {
  const std::string n = format_number(c.millions, 2, lang);
  if (lang == Lang::en) return fill(tr(lang, "{n} million cells"), {{"n", n}});
  // 1 million = 100万: "5000万个细胞（50×10⁶）".
  return fill(tr(lang, "{wan} ten-thousand cells ({n} million)"),
              {{"wan", format_number(c.millions * 100, 0, lang)}, {"n", n}});
}

std::string window_words(Date from, Date to, Lang lang) {
  return fill(tr(lang, "(may be done {from} to {to})"),
              {{"from", format_date(from)}, {"to", format_date(to)}});
}

std::string format_mg(DrugMass m) {
  return with_unit(in_mg(m), " mg");
}
std::string format_mL(DrugVolume v) {
  return with_unit(in_mL(v), " mL");
}
std::string format_kg(BodyMass w) {
  return with_unit(in_kg(w), " kg");
}
std::string format_dose_rate(DoseRate r, Lang lang) {
  if (lang == Lang::en) return format_dose_rate(r);
  return format_number(in_mg_per_kg_per_day(r), 2) + " mg/(kg\u00b7\u5929)";
}

std::string format_dose_rate(DoseRate r) {
  return with_unit(in_mg_per_kg_per_day(r), " mg/kg/day");
}
std::string format_daily_amount(DailyAmount a) {
  return with_unit(in_mg_per_day(a), " mg/day");
}

std::string format_percent(double percent) {
  std::string s = format_number(percent, 2);
  if (s != "0" && s.front() != '-') s = "+" + s;
  return s + "%";
}

std::string tall_man(std::string text) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"cyclosporine", "cycloSPORINE"}, {"cycloserine", "cycloSERINE"},
      {"rituximab", "riTUXimab"},       {"infliximab", "inFLIXimab"},
      {"sandimmune", "SandIMMUNE"},     {"sandostatin", "SandoSTATIN"},
  };
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const auto& [plain, tall] : kNames) {
    const std::string p = plain;
    for (std::size_t at = lower.find(p); at != std::string::npos;
         at = lower.find(p, at + p.size())) {
      text.replace(at, p.size(), tall);
    }
  }
  return text;
}

std::string frequency_words(int doses_per_day) {
  switch (doses_per_day) {
    case 1:
      return "once daily";
    case 2:
      return "twice daily";
    case 3:
      return "three times daily";
    default:
      return std::to_string(doses_per_day) + " times daily";
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace doseplan
