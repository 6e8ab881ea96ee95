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

namespace {
// "1 capsule of 100 mg + 1 capsule of 50 mg": each term a catalogue phrase, joined by " + ".
std::string unit_counts(const std::vector<UnitCount>& units, Product::Form form, Lang lang) {
  std::string out;
  for (const UnitCount& u : units) {
    const bool one = u.count == 1;
    const char* key = nullptr;
    switch (form) {
      case Product::Form::tablet:
        key = one ? "{count} tablet of {strength}" : "{count} tablets of {strength}";
        break;
      case Product::Form::iv_vial:
        key = one ? "{count} vial of {strength}" : "{count} vials of {strength}";
        break;
      default:
        key = one ? "{count} capsule of {strength}" : "{count} capsules of {strength}";
    }
    if (!out.empty()) out += " + ";
    out += fill(tr(lang, key),
                {{"count", std::to_string(u.count)}, {"strength", format_mg(u.strength, lang)}});
  }
  return out;
}
}  // namespace

std::string patient_units(const Administration& a, Product::Form form, Lang lang) {
  if (a.cells) return fill(tr(lang, "{cells} IV"), {{"cells", format_cells(*a.cells, lang)}});
  if (a.volume) {
    return fill(tr(lang, "{volume} ({amount})"),
                {{"volume", format_number(in_mL(*a.volume), 2, lang) + " mL"},
                 {"amount", format_mg(a.amount, lang)}});
  }
  if (!a.intravenous) return unit_counts(a.units, form, lang);
  const std::string amount = format_mg(a.amount, lang);
  if (a.vials.empty()) return fill(tr(lang, "{amount} IV"), {{"amount", amount}});
  DrugMass prepared{};
  for (const UnitCount& v : a.vials) prepared += v.strength * static_cast<double>(v.count);
  const std::string vials = unit_counts(a.vials, Product::Form::iv_vial, lang);
  if (in_mg(prepared) > in_mg(a.amount) + 1e-9) {
    return fill(tr(lang, "{amount} IV (prepare {vials}; only {amount} of it is used)"),
                {{"amount", amount}, {"vials", vials}});
  }
  return fill(tr(lang, "{amount} IV (prepare {vials})"), {{"amount", amount}, {"vials", vials}});
}

bool is_trough(const VisitItem& item) {
  const auto says_trough = [](std::string text) {
    for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (text.find("trough") != std::string::npos) return true;
    for (std::size_t at = text.find("c0"); at != std::string::npos; at = text.find("c0", at + 1)) {
      const bool word_start = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
      const bool word_end =
          at + 2 == text.size() || !std::isalnum(static_cast<unsigned char>(text[at + 2]));
      if (word_start && word_end) return true;
    }
    return false;
  };
  if (says_trough(item.name.en) || says_trough(item.timing.en)) return true;
  if (item.timing.zh.find("\u8c37\u6d53\u5ea6") != std::string::npos) return true;  // 谷浓度
  for (const std::string& id : item.tests)
    if (says_trough(id)) return true;
  return false;
}

bool has_trough(const Visit& v) {
  for (const VisitItem& item : v.items)
    if (is_trough(item)) return true;
  return false;
}

std::string trough_day_text(const Plan& plan, Lang lang) {
  return fill(tr(lang, "Today: draw blood for the {drug} level first, then take the morning dose."),
              {{"drug", pick(plan.regimen.drug.name, lang)}});
}

std::string trough_dose_mark(Lang lang) {
  return tr(lang, "after the blood draw");
}

std::string trough_footnote(const Plan& plan, Lang lang) {
  const char* key =
      plan.doses_per_day.value == 2
          ? "On the day of the blood draw take no morning dose of {drug} before the draw; take it "
            "after the draw. The draw should be about 12 hours after the evening dose."
          : "On the day of the blood draw take no morning dose of {drug} before the draw; take it "
            "after the draw.";
  return fill(tr(lang, key), {{"drug", pick(plan.regimen.drug.name, lang)}});
}

std::string twice_daily_text(const Plan& plan, Lang lang) {
  if (plan.doses_per_day.value != 2) return "";
  for (const PlannedPhase& ph : plan.phases) {
    if (ph.cycle || ph.dose.administrations.size() != 2) return "";
    for (const Administration& a : ph.dose.administrations)
      if (a.intravenous || a.cells) return "";
  }
  return tr(lang, "Morning and evening, about 12 hours apart, at the same times every day.");
}

std::string phase_step_name(const std::string& name, bool cycle, int first, int last, int steps,
                            Lang lang) {
  if (steps == 0) return name;
  std::string n = std::to_string(first);
  if (last != first) n += "\u2013" + std::to_string(last);
  return fill(
      tr(lang, cycle ? "{name}: administration {n} of {steps}" : "{name}: step {n} of {steps}"),
      {{"name", name}, {"n", n}, {"steps", std::to_string(steps)}});
}

std::string window_words(Date from, Date to, Lang lang) {
  return fill(tr(lang, "(may be done {from} to {to})"),
              {{"from", format_date(from)}, {"to", format_date(to)}});
}

std::string drug_heading(const Regimen::Drug& drug, Lang lang) {
  if (lang == Lang::en) return drug.name.en + " (" + drug.name.zh + ")";
  // The English name's trailing abbreviation stands for it when it has one
  // ("umbilical-cord mesenchymal stem cells (MSC)" -> "MSC").
  std::string english = drug.name.en;
  const std::size_t open = english.rfind(" (");
  if (open != std::string::npos && english.back() == ')') {
    const std::string inside = english.substr(open + 2, english.size() - open - 3);
    const bool abbreviation =
        inside.size() >= 2 && std::all_of(inside.begin(), inside.end(), [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        });
    if (abbreviation) english = inside;
  }
  if (drug.also_known_as.zh.empty()) {
    return fill(tr(lang, "{name} ({english})"), {{"name", drug.name.zh}, {"english", english}});
  }
  return fill(tr(lang, "{name} (also known as {others}; {english})"),
              {{"name", drug.name.zh}, {"others", drug.also_known_as.zh}, {"english", english}});
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

}  // namespace doseplan
