#include "doseplan/format.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace doseplan {

std::string format_number(double value, int max_decimals) {
  if (max_decimals < 0) max_decimals = 0;
  if (max_decimals > 9) max_decimals = 9;
  // Large values have many digits: size the buffer first, never truncate.
  const int n = std::snprintf(nullptr, 0, "%.*f", max_decimals, value);
  std::string s(static_cast<std::size_t>(n > 0 ? n : 0) + 1, '\0');
  std::snprintf(s.data(), s.size(), "%.*f", max_decimals, value);
  s.resize(static_cast<std::size_t>(n > 0 ? n : 0));
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.erase(0, 1);
  if (s == "0") negative = false;  // no "-0"
  const auto dot = s.find('.');
  std::string int_part = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot);
  std::string grouped;
  for (std::size_t i = 0; i < int_part.size(); ++i) {
    if (i > 0 && (int_part.size() - i) % 3 == 0) grouped += ',';
    grouped += int_part[i];
  }
  return (negative ? "-" : "") + grouped + frac;
}

std::string format_mg(DrugMass m) {
  return format_number(in_mg(m), 2) + " mg";
}
std::string format_mL(DrugVolume v) {
  return format_number(in_mL(v), 2) + " mL";
}
std::string format_kg(BodyMass w) {
  return format_number(in_kg(w), 2) + " kg";
}
std::string format_dose_rate(DoseRate r) {
  return format_number(in_mg_per_kg_per_day(r), 2) + " mg/kg/day";
}
std::string format_daily_amount(DailyAmount a) {
  return format_number(in_mg_per_day(a), 2) + " mg/day";
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

}  // namespace doseplan
