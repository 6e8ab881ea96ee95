// The patient monitoring tracker (contract in doseplan/tracker.hpp, user guide in docs/tracker.md).
//
// Storage: one SQLite file (SQLiteCpp), schema versioned by PRAGMA user_version and marked by
// PRAGMA application_id; WAL journal, synchronous=FULL, a busy timeout, foreign keys on. Every
// change is one BEGIN IMMEDIATE transaction, so a second writer waits (busy timeout) instead of
// failing half-way, and a crash leaves either the whole change or nothing. Results and patients
// are append-only: triggers refuse UPDATE and DELETE, and a visit marked done can not be undone.
//
// Every input is checked before the database is touched; a failed check throws doseplan::Error
// and the transaction (if one was opened) is rolled back without having written anything.
//
// Why this file is long (about 3,490 lines): it holds the store, migrations, lab values, the
// plan-JSON importer, advice and the due list. Issue 19 splits it by concern (src/tracker/); it is
// kept whole until then so that the split is one reviewed move, not several half-moves.
#include "doseplan/tracker.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "core/utf8.hpp"
#include "doseplan/body.hpp"
#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "tracker/plan_file.hpp"

namespace doseplan {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kBusyTimeoutMs = 15000;
constexpr std::size_t kMaxNote = 500;
constexpr std::size_t kMaxLabel = 40;

// ------------------------------------------------------------------ small helpers

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string in_quotes(std::string_view s) {
  return '"' + std::string(s) + '"';
}

// `text` quoted for an error message: at most 60 bytes of it.
std::string quoted_stored(std::string_view text) {
  constexpr std::size_t kShown = 60;
  return in_quotes(text.substr(0, kShown)) + (text.size() > kShown ? "..." : "");
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// `v` to 12 significant digits: unit conversions leave no noise (200 ng/mL read through mg/mL is
// 200, not 199.99999999999997), so a value on a rule's boundary is judged as typed.
double tidy(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale = std::pow(10.0, 11 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  return std::round(v * scale) / scale;
}

// The Chinese detail of an error (Problem::message_zh, printed with --lang zh-CN): the Chinese
// half of tr_both() of the detail in English, the msgid in po/zh_CN/track.po, with named
// {placeholders}.
std::string zh(const LocalizedText& text) {
  return text.zh;
}

void check_label(const std::string& label, const std::string& field = "label") {
  const auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  const bool ok = !label.empty() && label.size() <= kMaxLabel &&
                  std::all_of(label.begin(), label.end(), ok_char) &&
                  std::isalnum(static_cast<unsigned char>(label.front()));
  if (!ok) {
    throw Error(
        "tracker.bad_label", field,
        in_quotes(label) +
            " is not a patient label; a label is a pseudonym of 1 to 40 letters, digits, "
            "\".\", \"_\" or \"-\", starting with a letter or digit (e.g. \"pt-07\"); do "
            "not use names or record numbers",
        zh(tr_both("\"{label}\" can not be a patient label: a label is a code of 1 to {max} "
                   "letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit, "
                   "such as \"pt-07\"; for privacy, never use a name or a record number",
                   {{"label", same_text(label)}, {"max", same_text(std::to_string(kMaxLabel))}})));
  }
}

using detail::is_valid_utf8;

void check_note(const std::string& note, const std::string& field = "note") {
  if (note.size() > kMaxNote) {
    throw Error("tracker.bad_note", field,
                "the note has " + std::to_string(note.size()) + " bytes; at most " +
                    std::to_string(kMaxNote) + " are kept",
                zh(tr_both("the note has {n} bytes; at most {max} are kept (a Chinese character "
                           "takes 3): shorten it",
                           {{"n", same_text(std::to_string(note.size()))},
                            {"max", same_text(std::to_string(kMaxNote))}})));
  }
  for (char c : note) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw Error("tracker.bad_note", field,
                  "the note contains a control character (a line break or tab); write it on one "
                  "line",
                  zh(tr_both("the note contains a line break or a tab; write it on one line")));
    }
  }
  // Stored as typed and shown again (text and JSON): it must be text.
  if (!is_valid_utf8(note)) {
    throw Error("tracker.bad_note", field,
                "the note is not valid UTF-8 text (was it typed in another encoding, such as "
                "Latin-1?); write it again in UTF-8",
                zh(tr_both("the note is not UTF-8 text (was it typed in another encoding, such as "
                           "GBK?); write it again in UTF-8")));
  }
  // Invisible characters that break or reorder a line where the note is shown again (issue 18):
  // C1 controls such as NEL (U+0080-U+009F), the line and paragraph separators (U+2028, U+2029),
  // and the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
  for (std::size_t i = 0; i + 1 < note.size(); ++i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(note[k]); };
    const bool c1 = b(i) == 0xc2 && b(i + 1) >= 0x80 && b(i + 1) <= 0x9f;
    const bool e2 = i + 2 < note.size() && b(i) == 0xe2;
    const bool separator_or_bidi = e2 && b(i + 1) == 0x80 && b(i + 2) >= 0xa8 && b(i + 2) <= 0xae;
    const bool isolate = e2 && b(i + 1) == 0x81 && b(i + 2) >= 0xa6 && b(i + 2) <= 0xa9;
    if (c1 || separator_or_bidi || isolate) {
      throw Error("tracker.bad_note", field,
                  "the note contains an invisible control character (a C1 control such as NEL, a "
                  "line or paragraph separator, or a bidirectional override); write it without",
                  zh(tr_both("the note contains an invisible control character (a line break or "
                             "a text-direction mark); write it without")));
    }
  }
}

void check_not_future(Date d, Date today, const std::string& field) {
  if (d > today) {
    throw Error(
        "tracker.future_date", field,
        format_date(d) + " is after today (" + format_date(today) +
            "); only what has happened can be recorded (give --today if the date used "
            "as today is wrong)",
        zh(tr_both(
            "{date} is after today ({today}); only what has happened can be recorded "
            "(give --today if the date used as today is wrong)",
            {{"date", same_text(format_date(d))}, {"today", same_text(format_date(today))}})));
  }
}

// The earliest date of a result or of a visit done: 1900-01-01, or the patient's birth date when
// the stored plan was given one. Catches a year mistyped ("0206-11-17" for 2026-11-17), which
// would otherwise be stored for good and join the baselines.
void check_plausible_date(Date d, Date today, const std::optional<Date>& birth,
                          const std::string& field) {
  check_not_future(d, today, field);
  static const Date kEarliest = parse_date("1900-01-01");
  const bool by_birth = birth && *birth > kEarliest;
  const Date floor = by_birth ? *birth : kEarliest;
  if (d >= floor) return;
  const std::string why = by_birth ? "the patient's birth date" : "the earliest date accepted";
  throw Error(
      "tracker.implausible_date", field,
      format_date(d) + " is before " + format_date(floor) + " (" + why + "); a date from " +
          format_date(floor) + " to " + format_date(today) +
          " (today) is expected; nothing was stored",
      zh(tr_both("{date} is before {floor}; a date from {floor} to {today} (today) is expected; "
                 "nothing was stored",
                 {{"date", same_text(format_date(d))},
                  {"floor", same_text(format_date(floor))},
                  {"today", same_text(format_date(today))}})));
}

// ------------------------------------------------------------------ units of recorded results
//
// Dimensions of the values of labs.json, with a base unit each; a spelling's factor converts to
// the base. Mass and molar concentrations convert into each other through the molar mass of the
// analyte (kMolarMass). Spellings are compared after normalisation: ASCII lower case, micro
// ("µ", "μ") as "u", "^" as "*", spaces removed.
enum class Dim {
  molar,      // umol/L
  mass,       // ng/mL (= ug/L)
  count,      // 10*9/L (= 10*3/uL)
  catalytic,  // U/L
  pressure,   // mm[Hg]
  mass_rate,  // g/(24.h)
  // Known only to say what a wrong unit is:
  drug_mass,
  volume,
  body_mass,
  fraction,
};

std::string_view dim_name(Dim d) {
  switch (d) {
    case Dim::molar:
      return "a molar concentration";
    case Dim::mass:
      return "a mass concentration";
    case Dim::count:
      return "a count per volume";
    case Dim::catalytic:
      return "an enzyme activity";
    case Dim::pressure:
      return "a pressure";
    case Dim::mass_rate:
      return "an amount per 24 hours";
    case Dim::drug_mass:
      return "a mass, not a concentration";
    case Dim::volume:
      return "a volume";
    case Dim::body_mass:
      return "a body mass";
    case Dim::fraction:
      return "a fraction";
  }
  return "a quantity";
}

struct TUnit {
  std::string_view spelling;
  Dim dim;
  double factor;
};

// clang-format off
constexpr TUnit kTUnits[] = {
    {"umol/l", Dim::molar, 1},          {"mmol/l", Dim::molar, 1000},
    {"nmol/l", Dim::molar, 1e-3},
    {"ng/ml", Dim::mass, 1},            {"ug/l", Dim::mass, 1},
    {"mcg/l", Dim::mass, 1},            {"ug/ml", Dim::mass, 1e3},
    {"mcg/ml", Dim::mass, 1e3},         {"mg/l", Dim::mass, 1e3},
    {"mg/dl", Dim::mass, 1e4},          {"g/l", Dim::mass, 1e6},
    {"g/dl", Dim::mass, 1e7},           {"mg/ml", Dim::mass, 1e6},
    {"10*9/l", Dim::count, 1},          {"10*3/ul", Dim::count, 1},
    // As the tracker shows them ("1.1×10⁹/L"), so that what it shows can be typed back:
    {"\u00d710\u2079/l", Dim::count, 1},    {"10\u2079/l", Dim::count, 1},
    {"\u00d710\u00b3/ul", Dim::count, 1},   {"10\u00b3/ul", Dim::count, 1},
    {"u/l", Dim::catalytic, 1},         {"iu/l", Dim::catalytic, 1},
    {"mm[hg]", Dim::pressure, 1},       {"mmhg", Dim::pressure, 1},
    {"g/(24.h)", Dim::mass_rate, 1},    {"g/(24h)", Dim::mass_rate, 1},
    {"g/24h", Dim::mass_rate, 1},       {"g/d", Dim::mass_rate, 1},
    {"g/day", Dim::mass_rate, 1},       {"mg/(24.h)", Dim::mass_rate, 1e-3},
    {"mg/(24h)", Dim::mass_rate, 1e-3}, {"mg/24h", Dim::mass_rate, 1e-3},
    {"mg/d", Dim::mass_rate, 1e-3},     {"mg/day", Dim::mass_rate, 1e-3},
    {"mg", Dim::drug_mass, 1},          {"g", Dim::drug_mass, 1},
    {"mcg", Dim::drug_mass, 1},         {"ug", Dim::drug_mass, 1},
    {"ng", Dim::drug_mass, 1},          {"ml", Dim::volume, 1},
    {"l", Dim::volume, 1},              {"kg", Dim::body_mass, 1},
    {"lb", Dim::body_mass, 1},          {"%", Dim::fraction, 1},
};
// clang-format on

// Molar masses (g/mol) of the analytes that labs.json lists in both mass and molar units:
// c[umol/L] = c[ug/L] / M. Creatinine uses the library's 1 mg/dL = 88.4 umol/L (M = 10,000/88.4,
// about 113.12). Urea nitrogen (BUN) counts the two nitrogen atoms of urea (2 x 14.007);
// triglycerides are counted as triolein.
const std::map<std::string, double, std::less<>>& molar_masses() {
  static const std::map<std::string, double, std::less<>> m = {
      {"creatinine", 10000.0 / 88.4},
      {"bilirubin", 584.66},
      {"bun", 28.014},
      {"urea", 60.06},
      {"magnesium", 24.305},
      {"uric-acid", 168.11},
      {"cholesterol", 386.65},
      {"triglycerides", 885.7},
      {"potassium", 39.098},
  };
  return m;
}

std::string normalize_unit(std::string_view typed) {
  std::string out;
  for (std::size_t i = 0; i < typed.size();) {
    const std::string_view rest = typed.substr(i);
    if (rest.starts_with("\xC2\xB5") || rest.starts_with("\xCE\xBC")) {
      out += 'u';
      i += 2;
      continue;
    }
    if (rest.starts_with("\xC2\xA0")) {
      i += 2;
      continue;
    }
    const char c = typed[i++];
    if (is_space(c)) continue;
    if (c == '^') {
      out += '*';
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

const TUnit* find_unit(std::string_view typed) {
  const std::string n = normalize_unit(typed);
  for (const TUnit& u : kTUnits)
    if (u.spelling == n) return &u;
  return nullptr;
}

// A unit as people read it: the UCUM spellings of labs.json that people do not write ("umol/L",
// "10*9/L", "10*3/uL", "mm[Hg]"), in any spelling the tracker reads, through display_unit()
// (render.hpp: "µmol/L", "10⁹/L", "10³/µL", "mmHg"); any other unit as it is written.
std::string unit_shown(std::string_view unit) {
  const std::string typed = normalize_unit(unit);
  for (const std::string_view ucum : {"umol/L", "10*9/L", "10*3/uL", "mm[Hg]"}) {
    if (typed == normalize_unit(ucum)) return display_unit(ucum);
  }
  return std::string(unit);
}

// `v` as format_number() writes it; in Chinese without thousands separators ("8574.8").
std::string number_in(double v, int max_decimals, Lang lang) {
  std::string s = format_number(v, max_decimals);
  if (lang == Lang::zh_CN) std::erase(s, ',');
  return s;
}

// "95 µmol/L", "1.1×10⁹/L": a number and its unit as people read them (a power of ten is
// multiplied, as Chinese lab reports write it).
std::string quantity_shown(const std::string& number, std::string_view unit) {
  const std::string u = unit_shown(unit);  // display_unit() writes powers of ten as "×10⁹/L"
  return number + (u.starts_with("\u00d7") ? "" : " ") + u;
}

bool is_result_dim(Dim d) {
  return d == Dim::molar || d == Dim::mass || d == Dim::count || d == Dim::catalytic ||
         d == Dim::pressure || d == Dim::mass_rate;
}

// What the tracker knows of a test's values.
struct TestUnits {
  const TUnit* canonical = nullptr;  // the first unit of labs.json
  std::set<Dim> dims;                // accepted dimensions
  std::optional<double> molar_mass;  // when both mass and molar are accepted
};

TestUnits test_units(const LabTest& test, std::string_view field) {
  if (test.units.empty()) {
    throw Error(
        "tracker.no_value", std::string(field),
        test.id + " (" + test.name.en +
            ") has no value to record; record its parts (e.g. platelets, wbc, "
            "neutrophils for a blood count) or mark the visit done with `doseplan track "
            "done`",
        zh(tr_both("{name} ({test}) can not be recorded as one value: record its values one by "
                   "one (for a blood count: platelets, wbc, neutrophils), or mark the visit done "
                   "with doseplan track done",
                   {{"name", test.name}, {"test", same_text(test.id)}})));
  }
  TestUnits t;
  for (const std::string& unit : test.units) {
    const TUnit* u = find_unit(unit);
    if (u == nullptr || !is_result_dim(u->dim)) {
      throw Error("tracker.no_conversion", std::string(field),
                  "labs.json lists the unit " + in_quotes(unit) + " for " + test.id +
                      ", which the tracker can not read; the tracker needs an update");
    }
    if (t.canonical == nullptr) t.canonical = u;
    t.dims.insert(u->dim);
  }
  if (t.dims.count(Dim::mass) && t.dims.count(Dim::molar)) {
    const auto& m = molar_masses();
    const auto it = m.find(test.id);
    if (it == m.end()) {
      throw Error("tracker.no_conversion", std::string(field),
                  test.id +
                      " is listed in mass and molar units, and the tracker does not know "
                      "its molar mass; the tracker needs an update");
    }
    t.molar_mass = it->second;
  } else if (const auto it = molar_masses().find(test.id); it != molar_masses().end()) {
    t.molar_mass = it->second;  // e.g. potassium: a mass unit is converted too
    if (t.dims.count(Dim::molar)) t.dims.insert(Dim::mass);
    if (t.dims.count(Dim::mass)) t.dims.insert(Dim::molar);
  }
  return t;
}

// `value` in the base unit of `from` to the canonical unit of `t`; nullopt for another dimension.
std::optional<double> convert(const TestUnits& t, double base_value, Dim from) {
  const Dim to = t.canonical->dim;
  double base = base_value;
  if (from != to) {
    if (!t.molar_mass) return std::nullopt;
    if (from == Dim::mass && to == Dim::molar) {
      base = base_value / *t.molar_mass;
    } else if (from == Dim::molar && to == Dim::mass) {
      base = base_value * *t.molar_mass;
    } else {
      return std::nullopt;
    }
  }
  return tidy(base / t.canonical->factor);
}

// The number of an example value of `test` ("97" for umol/L).
std::string example_number(const LabTest& test) {
  std::string n = "1";
  const TUnit* t = find_unit(test.units.front());
  if (t) {
    switch (t->dim) {
      case Dim::molar:
        n = "97";
        break;
      case Dim::mass:
        n = "250";
        break;
      case Dim::count:
        n = "2.5";
        break;
      case Dim::catalytic:
        n = "30";
        break;
      case Dim::pressure:
        n = "135";
        break;
      default:
        n = "0.2";
    }
  }
  return n;
}

std::string example_of(const LabTest& test) {
  return in_quotes(example_number(test) + " " + test.units.front());
}

// The units of `test` as people read them: "µmol/L or mg/dL" / "µmol/L或mg/dL".
LocalizedText units_text(const LabTest& test) {
  std::vector<std::string> units;
  for (const std::string& u : test.units) units.push_back(unit_shown(u));
  return {join(units, " or "), join(units, "\u6216")};
}

// What a value of `test` is written as, in Chinese (the end of the Chinese detail of a bad value).
std::string expected_zh(const LabTest& test) {
  return zh(
      tr_both("{name} is written in {units}, such as \"{example}\"",
              {{"name", test.name},
               {"units", units_text(test)},
               {"example", same_text(quantity_shown(example_number(test), test.units.front()))}}));
}

std::string expected_for(const LabTest& test) {
  std::string s =
      "; expected " + test.id + " in " + join(test.units, " or ") + ", such as " + example_of(test);
  const TUnit* t = find_unit(test.units.front());
  if (t && t->dim == Dim::pressure) {
    s += " (one number: systolic-bp and diastolic-bp are recorded separately)";
  }
  return s;
}

struct SplitValue {
  std::string number;  // as typed
  std::string unit;    // as typed, trimmed
  double value = 0;
};

// Reads the number like the units parsers (std::from_chars, no "+", not negative) and keeps the
// unit text; errors quantity.* with the test's units as the expected value.
SplitValue split_value(const LabTest& test, std::string_view text, std::string_view field) {
  const std::string f(field);
  const std::string exp = expected_for(test);
  // The Chinese detail: what is wrong with `text`, then how a value of the test is written.
  const LocalizedText typed = same_text(std::string(text));
  const LocalizedText expected = same_text(expected_zh(test));
  const std::string_view body = trim(text);
  if (body.empty()) {
    throw Error(
        "quantity.empty", f, "empty value " + in_quotes(text) + exp,
        zh(tr_both("the value is empty; {expected}", {{"text", typed}, {"expected", expected}})));
  }
  double number = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), number);
  if (ec == std::errc::invalid_argument) {
    throw Error("quantity.no_number", f, in_quotes(text) + " does not start with a number" + exp,
                zh(tr_both("\"{text}\" does not start with a number; {expected}",
                           {{"text", typed}, {"expected", expected}})));
  }
  if (ec == std::errc::result_out_of_range || !std::isfinite(number)) {
    throw Error("quantity.not_finite", f, in_quotes(text) + " is not a finite number" + exp,
                zh(tr_both("\"{text}\" is not a finite number; {expected}",
                           {{"text", typed}, {"expected", expected}})));
  }
  if (number < 0) {
    // Its unit as people read it ("-97 µmol/L"): the number is what is wrong.
    const std::size_t digits = static_cast<std::size_t>(end - body.data());
    const LocalizedText negative =
        same_text(quantity_shown(std::string(body.substr(0, digits)), trim(body.substr(digits))));
    throw Error("quantity.negative", f, in_quotes(text) + " is negative" + exp,
                zh(tr_both("\"{text}\" is negative; {expected}",
                           {{"text", negative}, {"expected", expected}})));
  }
  if (number == 0) number = 0;
  SplitValue s;
  s.number = std::string(body.substr(0, static_cast<std::size_t>(end - body.data())));
  s.unit = std::string(trim(body.substr(static_cast<std::size_t>(end - body.data()))));
  s.value = number;
  if (s.unit.empty()) {
    throw Error("quantity.missing_unit", f, in_quotes(text) + " has no unit" + exp,
                zh(tr_both("\"{text}\" has no unit; {expected}",
                           {{"text", typed}, {"expected", expected}})));
  }
  return s;
}

[[noreturn]] void wrong_unit(const LabTest& test, std::string_view text, const SplitValue& s,
                             std::string_view field) {
  const TUnit* u = find_unit(s.unit);
  const std::string f(field);
  // What was typed, its unit as people read it when the tracker knows the unit ("97 mm[Hg]" ->
  // "97 mmHg"); as typed when it does not (the unit is what is wrong).
  const LocalizedText typed =
      same_text(u != nullptr ? quantity_shown(s.number, s.unit) : std::string(text));
  const LocalizedText expected = same_text(expected_zh(test));
  if (u == nullptr) {
    std::string msg = "unknown unit " + in_quotes(s.unit) + " in " + in_quotes(text);
    std::string msg_zh =
        zh(tr_both("\"{text}\" has a unit doseplan does not know, \"{unit}\"; {expected}",
                   {{"text", typed}, {"unit", same_text(s.unit)}, {"expected", expected}}));
    if (!s.unit.empty() && s.unit.front() == '/' && s.unit.size() > 1 &&
        std::isdigit(static_cast<unsigned char>(s.unit[1]))) {
      msg = in_quotes(text) + " is two numbers; record one value at a time";
      const TUnit* first = find_unit(test.units.front());
      if (first != nullptr && first->dim == Dim::pressure) {
        // "150/95 mmHg": the systolic and the diastolic pressure, each a test of its own.
        const std::string_view rest = std::string_view(s.unit).substr(1);
        const std::size_t digits = std::min(rest.find_first_not_of("0123456789."), rest.size());
        msg_zh = zh(
            tr_both("blood pressure is recorded as two tests: the systolic pressure with --test "
                    "systolic-bp --value \"{systolic} mmHg\", the diastolic pressure with --test "
                    "diastolic-bp --value \"{diastolic} mmHg\"",
                    {{"systolic", same_text(s.number)},
                     {"diastolic", same_text(std::string(rest.substr(0, digits)))}}));
      } else {
        msg_zh = zh(tr_both("\"{text}\" is two numbers; record one value at a time; {expected}",
                            {{"text", typed}, {"expected", expected}}));
      }
    }
    if (!s.unit.empty() && s.unit.front() == ',' && s.unit.size() > 1 &&
        std::isdigit(static_cast<unsigned char>(s.unit[1]))) {
      std::string point = std::string(trim(text));
      point[point.find(',')] = '.';
      msg = in_quotes(text) + " has a decimal comma; write the number with a decimal point, " +
            in_quotes(point);
      msg_zh =
          zh(tr_both("\"{text}\" has a decimal comma; write the number with a decimal point: "
                     "\"{point}\"",
                     {{"text", typed}, {"point", same_text(point)}}));
    }
    throw Error("quantity.unknown_unit", f, msg + expected_for(test), msg_zh);
  }
  // A unit of the right kind that the test does not list ("250 g/L" for a drug level that
  // labs.json gives in ng/mL ... mg/dL): not a wrong kind, an unknown unit for this test.
  if (is_result_dim(u->dim) && test_units(test, field).dims.count(u->dim)) {
    throw Error("quantity.unknown_unit", f,
                "the unit " + in_quotes(s.unit) + " in " + in_quotes(text) +
                    " is not one of the units of " + test.id + expected_for(test),
                zh(tr_both("the unit \"{unit}\" in \"{text}\" is not a unit of {name}; {expected}",
                           {{"unit", same_text(s.unit)},
                            {"text", typed},
                            {"name", test.name},
                            {"expected", expected}})));
  }
  throw Error(
      "tracker.wrong_unit", f,
      in_quotes(text) + " is " + std::string(dim_name(u->dim)) + ", not a unit of " + test.id +
          expected_for(test),
      zh(tr_both("\"{text}\" is not a value of {name}: its unit is of another kind; {expected}",
                 {{"text", typed}, {"name", test.name}, {"expected", expected}})));
}

// A serum creatinine at or above doseplan's plausibility limit (make_plan's, docs/errors.md) is a
// typing mistake (a value in umol/L typed with mg/dL, a missing decimal point): refused, since a
// recorded result can never be changed. 0 is kept (advise() says a baseline of 0 can not be
// judged).
constexpr double kMaxPlausibleCreatinineUmolPerL = 5000;

}  // namespace

void check_patient_label(const std::string& label) {
  check_label(label);
}

void check_plan_dates(const Plan& plan) {
  const Date first = date::year{0} / 1 / 1;
  const Date last = date::year{9999} / 12 / 31;
  Date lo = plan.start;
  Date hi = plan.end;
  for (const Visit& v : plan.visits) {
    lo = std::min(lo, v.date);
    hi = std::max(hi, v.date);
    for (const VisitItem& it : v.items) {
      lo = std::min(lo, v.date - date::days(it.window_before));
      hi = std::max(hi, v.date + date::days(it.window_after));
    }
  }
  if (lo < first || hi > last) {
    throw Error("input.out_of_range", "start",
                "the plan from " + format_date(plan.start) + " has dates from " + format_date(lo) +
                    " to " + format_date(hi) +
                    "; the tracker keeps dates from 0000-01-01 to 9999-12-31, so choose an "
                    "earlier start");
  }
}

Measurement parse_measurement(const LabTest& test, std::string_view text, std::string_view field) {
  const TestUnits t = test_units(test, field);
  const SplitValue s = split_value(test, text, field);
  Measurement m;
  m.value_entered = s.number;
  m.unit_entered = s.unit;
  m.unit = test.units.front();
  // Creatinine and drug levels through the library's parsers (their unit tables and errors).
  const bool creatinine = test.id == "creatinine";
  const bool drug_level = t.dims.size() == 1 && *t.dims.begin() == Dim::mass;
  if (creatinine || drug_level) {
    double base = 0;
    Dim from = Dim::molar;
    try {
      if (creatinine) {
        base = in_umol_per_L(parse_creatinine(text, field));
      } else {
        base = in_ng_per_mL(parse_mass_concentration(text, field));
        from = Dim::mass;
      }
    } catch (const Error& e) {
      if (e.id() == "quantity.wrong_kind" || e.id() == "quantity.unknown_unit") {
        wrong_unit(test, text, s, field);
      }
      throw;
    }
    const auto v = convert(t, base, from);
    if (!v) wrong_unit(test, text, s, field);
    if (!std::isfinite(*v)) {
      throw Error("quantity.not_finite", std::string(field),
                  in_quotes(text) + " is too large" + expected_for(test));
    }
    if (creatinine && !(*v < kMaxPlausibleCreatinineUmolPerL)) {
      const TUnit* typed = find_unit(s.unit);
      const bool in_umol = typed != nullptr && typed->dim == Dim::molar && typed->factor == 1;
      throw Error(
          "input.out_of_range", std::string(field),
          in_quotes(text) +
              (in_umol || *v >= 1e9 ? std::string()
                                    : " (" + format_number(*v, 3) + " " + m.unit + ")") +
              " is not below 5,000 umol/L, doseplan's plausibility limit for a serum "
              "creatinine (docs/errors.md); was the unit mistyped (mg/dL for umol/L)?",
          (in_umol || *v >= 1e9
               ? zh(tr_both(
                     "a serum creatinine of \"{text}\" is not plausible: doseplan "
                     "accepts values below {limit}; is a digit too many, or a decimal "
                     "point missing?",
                     {{"text", same_text(quantity_shown(s.number, s.unit))},
                      {"value", same_text(quantity_shown(number_in(*v, 3, Lang::zh_CN), m.unit))},
                      {"limit", same_text(quantity_shown(std::to_string(static_cast<int>(
                                                             kMaxPlausibleCreatinineUmolPerL)),
                                                         "umol/L"))}}))
               : zh(tr_both(
                     "a serum creatinine of \"{text}\" ({value}) is not plausible: "
                     "doseplan accepts values below {limit}; was a value in µmol/L "
                     "written with mg/dL?",
                     {{"text", same_text(quantity_shown(s.number, s.unit))},
                      {"value", same_text(quantity_shown(number_in(*v, 3, Lang::zh_CN), m.unit))},
                      {"limit", same_text(quantity_shown(std::to_string(static_cast<int>(
                                                             kMaxPlausibleCreatinineUmolPerL)),
                                                         "umol/L"))}}))));
    }
    m.value = *v;
    return m;
  }
  const TUnit* u = find_unit(s.unit);
  if (u == nullptr || !t.dims.count(u->dim)) wrong_unit(test, text, s, field);
  const auto v = convert(t, s.value * u->factor, u->dim);
  if (!v) wrong_unit(test, text, s, field);
  if (!std::isfinite(*v)) {
    throw Error("quantity.not_finite", std::string(field),
                in_quotes(text) + " is too large" + expected_for(test));
  }
  m.value = *v;
  return m;
}

std::string describe_measurement(const Measurement& m, Lang lang) {
  std::string s = quantity_shown(m.value_entered, m.unit_entered);
  const TUnit* a = find_unit(m.unit_entered);
  const TUnit* b = find_unit(m.unit);
  const bool same = a != nullptr && b != nullptr && a->dim == b->dim && a->factor == b->factor;
  if (same) return s;
  const std::string canonical = quantity_shown(number_in(m.value, 3, lang), m.unit);
  return lang == Lang::zh_CN ? s + "\uff08" + canonical + "\uff09" : s + " (" + canonical + ")";
}

LocalizedText describe_measurement_text(const Measurement& m) {
  return {describe_measurement(m, Lang::en), describe_measurement(m, Lang::zh_CN)};
}

std::string describe_quantity(double value, std::string_view unit, int max_decimals, Lang lang) {
  return quantity_shown(number_in(value, max_decimals, lang), unit);
}

std::optional<double> to_canonical(const LabTest& test, double value, std::string_view unit) {
  try {
    const TestUnits t = test_units(test, "unit");
    const TUnit* u = find_unit(unit);
    if (u == nullptr || !t.dims.count(u->dim)) return std::nullopt;
    if (test.id == "creatinine" && u->dim == Dim::mass) {
      // As parse_creatinine: 1 mg/dL = 88.4 umol/L.
      return convert(t, value * u->factor / 1e4 * 88.4, Dim::molar);
    }
    return convert(t, value * u->factor, u->dim);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string describe_valid_tests(const std::vector<LabTest>& labs) {
  std::vector<std::string> parts;
  for (const LabTest& t : labs) {
    if (t.units.empty()) continue;
    parts.push_back(t.id + " (" + join(t.units, ", ") + ")");
  }
  return join(parts, ", ");
}

namespace {

// tracker.unknown_test: `test` is not in labs.json; the tests that take a value are listed (in
// Chinese by name, with the code to type).
[[noreturn]] void unknown_test(const std::vector<LabTest>& labs, const std::string& test) {
  std::vector<std::string> codes;
  for (const LabTest& t : labs) {
    if (!t.units.empty()) codes.push_back(t.name.zh + "\uff08" + t.id + "\uff09");
  }
  throw Error(
      "tracker.unknown_test", "test",
      "no test " + in_quotes(test) + "; tests with their units: " + describe_valid_tests(labs),
      zh(tr_both("there is no test \"{test}\"; the tests that take a value, with the code to "
                 "type: {tests}",
                 {{"test", same_text(test)}, {"tests", same_text(join(codes, "\u3001"))}})));
}

}  // namespace

void check_lab_test(const std::vector<LabTest>& labs, const std::string& test) {
  const bool known =
      std::any_of(labs.begin(), labs.end(), [&](const LabTest& t) { return t.id == test; });
  if (!known) unknown_test(labs, test);
}

Date PlannedVisit::window_first() const {
  return date - date::days(window_before);
}
Date PlannedVisit::window_last() const {
  return date + date::days(window_after);
}

namespace {

const LabTest* find_lab(const std::vector<LabTest>& labs, std::string_view id) {
  for (const LabTest& t : labs)
    if (t.id == id) return &t;
  return nullptr;
}

LocalizedText shown(const Measurement& m) {
  return describe_measurement_text(m);
}

// describe_quantity() to 3 decimals, in both languages.
LocalizedText quantity_text(double value, std::string_view unit) {
  return {describe_quantity(value, unit, 3, Lang::en),
          describe_quantity(value, unit, 3, Lang::zh_CN)};
}

bool judge(const LabRule& rule, double v, double low, double high) {
  switch (rule.condition) {
    case LabRule::Condition::above:
      return v > high;
    case LabRule::Condition::below:
      return v < low;
    case LabRule::Condition::outside_range:
      return v < low || v > high;
    default:
      return false;
  }
}

// Judges `seq` (oldest first) with `reached`: the rule is reached when its last
// `rule.readings` results all meet it (1: the latest alone). Counts the results in a row, up to
// the latest, that meet it, and notes that the one before the latest also did.
template <typename Reached>
void settle(Advice& a, const LabRule& rule, const std::vector<const TrackedResult*>& seq,
            Reached&& reached) {
  int met = 0;
  for (auto it = seq.rbegin(); it != seq.rend() && reached(*it); ++it) ++met;
  a.readings_met = met;
  a.status = met >= rule.readings ? Advice::Status::reached : Advice::Status::not_reached;
  if (met >= 2) a.also_reached_on = seq[seq.size() - 2]->date;
}

}  // namespace

std::vector<Advice> advise(const Regimen& regimen, const std::vector<LabTest>& labs, Date start,
                           const std::vector<TrackedResult>& all_results, Date today,
                           const std::optional<std::string>& only_test) {
  std::vector<Advice> out;
  for (const LabRule& rule : regimen.lab_rules) {
    if (only_test && rule.test != *only_test) continue;
    Advice a;
    a.rule = rule;
    a.advice = rule.advice;
    a.disclaimer = disclaimer();
    a.source = cite_text(regimen, rule.from);
    const LabTest* lab = find_lab(labs, rule.test);
    a.test_name = lab ? lab->name : LocalizedText{rule.test, rule.test};
    a.condition = {describe_condition(rule, a.test_name.en, Lang::en),
                   describe_condition(rule, a.test_name.zh, Lang::zh_CN)};
    if (lab == nullptr || lab->units.empty()) {
      a.status = Advice::Status::cannot_evaluate;
      a.detail = tr_both("the labs catalogue has no values for the test \"{test}\"",
                         {{"test", same_text(rule.test)}});
      out.push_back(std::move(a));
      continue;
    }
    a.unit = lab->units.front();
    std::vector<const TrackedResult*> rs;
    for (const TrackedResult& r : all_results) {
      if (r.test != rule.test || r.date > today) continue;
      if (r.entered_in_error) {
        a.not_used.push_back(r.id);
      } else {
        rs.push_back(&r);
      }
    }
    std::stable_sort(rs.begin(), rs.end(), [](const TrackedResult* x, const TrackedResult* y) {
      return x->date != y->date ? x->date < y->date : x->id < y->id;
    });
    if (rs.empty()) {
      a.status = Advice::Status::no_result;
      a.detail = tr_both("no {test} result recorded up to {date}",
                         {{"test", a.test_name}, {"date", same_text(format_date(today))}});
      out.push_back(std::move(a));
      continue;
    }
    const std::string& u = a.unit;
    switch (rule.condition) {
      case LabRule::Condition::rise_over_baseline_percent: {
        std::vector<const TrackedResult*> pre, post;
        for (const TrackedResult* r : rs) (r->date < start ? pre : post).push_back(r);
        if (post.empty()) {
          a.status = Advice::Status::no_result;
          a.detail = tr_both(
              "no {test} result on treatment (from {date}) yet; the rule compares those with the "
              "baseline",
              {{"test", a.test_name}, {"date", same_text(format_date(start))}});
          break;
        }
        a.result = *post.back();
        if (pre.empty()) {
          a.status = Advice::Status::cannot_evaluate;
          a.detail = tr_both(
              "no pretreatment {test} result (dated before {date}) to make a baseline from; "
              "record the values from before treatment",
              {{"test", a.test_name}, {"date", same_text(format_date(start))}});
          break;
        }
        double sum = 0;
        for (const TrackedResult* r : pre) {
          sum += r->value.value;
          a.baseline_dates.push_back(r->date);
        }
        const double baseline = sum / static_cast<double>(pre.size());
        a.baseline = baseline;
        if (!(baseline > 0)) {
          a.status = Advice::Status::cannot_evaluate;
          a.detail = tr_both("the baseline is 0 {unit}; a rise in percent can not be computed",
                             {{"unit", same_text(unit_shown(u))}});
          break;
        }
        const auto change = [&](const TrackedResult* r) {
          return (r->value.value - baseline) / baseline * 100.0;
        };
        const auto reached = [&](const TrackedResult* r) {
          return change(r) >= rule.threshold - 1e-9;
        };
        a.change_percent = change(post.back());
        settle(a, rule, post, reached);
        // The change to 2 decimals, as format_percent() wrote it before (issue 16 changed the
        // words, not the precision), said as a rise or a fall.
        const bool rise = *a.change_percent >= 0;
        const char* const sentences[2][2] = {
            {"{value} on {date} is {percent} below the baseline {baseline} (mean of {n} "
             "pretreatment result); the rule is a rise of {threshold}% or more",
             "{value} on {date} is {percent} below the baseline {baseline} (mean of {n} "
             "pretreatment results); the rule is a rise of {threshold}% or more"},
            {"{value} on {date} is {percent} above the baseline {baseline} (mean of {n} "
             "pretreatment result); the rule is a rise of {threshold}% or more",
             "{value} on {date} is {percent} above the baseline {baseline} (mean of {n} "
             "pretreatment results); the rule is a rise of {threshold}% or more"}};
        a.detail =
            tr_both(sentences[rise ? 1 : 0][pre.size() == 1 ? 0 : 1],
                    {{"test", a.test_name},
                     {"value", shown(post.back()->value)},
                     {"date", same_text(format_date(post.back()->date))},
                     {"percent", same_text(format_number(std::fabs(*a.change_percent), 2) + "%")},
                     {"baseline", quantity_text(baseline, u)},
                     {"n", same_text(std::to_string(pre.size()))},
                     {"threshold", same_text(format_number(rule.threshold))}});
        break;
      }
      case LabRule::Condition::above_uln_multiple: {
        const TrackedResult* latest = rs.back();
        a.result = *latest;
        if (!latest->uln || !(latest->uln->value > 0)) {
          a.status = Advice::Status::cannot_evaluate;
          a.detail = tr_both(
              "the result of {date} was recorded without the upper limit of normal of the "
              "laboratory; record it again with --uln (as printed on the report) to judge this "
              "rule",
              {{"date", same_text(format_date(latest->date))}});
          break;
        }
        const double limit = rule.threshold * latest->uln->value;
        const auto reached = [&](const TrackedResult* r) {
          return r->uln && r->uln->value > 0 && r->value.value > rule.threshold * r->uln->value;
        };
        settle(a, rule, rs, reached);
        a.detail = tr_both(
            "{value} on {date} is {times} × the upper limit of normal {uln}; the rule is more "
            "than {threshold} × ({limit})",
            {{"test", a.test_name},
             {"value", shown(latest->value)},
             {"date", same_text(format_date(latest->date))},
             {"times", same_text(format_number(latest->value.value / latest->uln->value, 2))},
             {"uln", shown(*latest->uln)},
             {"threshold", same_text(format_number(rule.threshold))},
             {"limit", quantity_text(limit, u)}});
        break;
      }
      case LabRule::Condition::above:
      case LabRule::Condition::below:
      case LabRule::Condition::outside_range: {
        const TrackedResult* latest = rs.back();
        a.result = *latest;
        const bool range = rule.condition == LabRule::Condition::outside_range;
        const auto lo = to_canonical(*lab, range ? rule.low : rule.threshold, rule.unit);
        const auto hi = to_canonical(*lab, range ? rule.high : rule.threshold, rule.unit);
        if (!lo || !hi) {
          a.status = Advice::Status::cannot_evaluate;
          a.detail =
              tr_both("the rule's unit \"{unit}\" can not be compared with {units}",
                      {{"unit", same_text(unit_shown(rule.unit))}, {"units", units_text(*lab)}});
          break;
        }
        const auto reached = [&](const TrackedResult* r) {
          return judge(rule, r->value.value, *lo, *hi);
        };
        settle(a, rule, rs, reached);
        const LocalizedText value = shown(latest->value);
        const LocalizedText date = same_text(format_date(latest->date));
        if (range) {
          a.detail = tr_both("latest: {value} on {date}; the rule is a value outside {low}–{high}",
                             {{"test", a.test_name},
                              {"value", value},
                              {"date", date},
                              {"low", same_text(format_number(*lo, 3))},
                              {"high", quantity_text(*hi, u)}});
        } else {
          a.detail = tr_both(rule.condition == LabRule::Condition::above
                                 ? "latest: {value} on {date}; the rule is a value above {limit}"
                                 : "latest: {value} on {date}; the rule is a value below {limit}",
                             {{"test", a.test_name},
                              {"value", value},
                              {"date", date},
                              {"limit", quantity_text(*lo, u)}});
        }
        break;
      }
    }
    if (a.also_reached_on) {
      a.detail =
          join_texts(a.detail, tr_both("the result before it ({date}) also met the rule",
                                       {{"date", same_text(format_date(*a.also_reached_on))}}));
    }
    if (rule.readings > 1 && a.readings_met > 0 && a.readings_met < rule.readings) {
      a.detail = join_texts(
          a.detail, tr_both("{met} of the {n} readings in a row that the rule needs meet it; "
                            "record the next reading",
                            {{"met", same_text(std::to_string(a.readings_met))},
                             {"n", same_text(std::to_string(rule.readings))}}));
    }
    out.push_back(std::move(a));
  }
  return out;
}

// ------------------------------------------------------------------ the store

namespace {

// The default database under the directory `dir`, taken from the environment variable `name`:
// refused (tracker.bad_db_path) when that path can not be a file's name (longer than the system
// allows: PATH_MAX bytes, or NAME_MAX a component) or `dir` is there but not a directory.
std::string tracker_path_under(const std::string& dir, const fs::path& tail,
                               std::string_view name) {
  const fs::path file = fs::path(dir) / tail;
  const auto refuse = [&](const std::string& why, const LocalizedText& zh_why) {
    throw Error("tracker.bad_db_path", std::string("$") + std::string(name),
                "$" + std::string(name) + " " + quoted_stored(dir) + " " + why +
                    "; set it to a directory of yours, or give --db FILE",
                zh(tr_both("${name} {dir} can not hold the tracker database ({why}): set it to a "
                           "directory of yours, or give the database file with --db",
                           {{"name", same_text(std::string(name))},
                            {"dir", same_text(printable(dir.substr(0, 60)))},
                            {"why", zh_why}})));
  };
  bool long_name = file.string().size() >= PATH_MAX;
  for (const fs::path& part : file) long_name = long_name || part.string().size() > NAME_MAX;
  if (long_name) {
    refuse("is " + std::to_string(dir.size()) +
               " bytes long: a file under it would have a name "
               "longer than the system allows (" +
               std::to_string(PATH_MAX - 1) + " bytes, " + std::to_string(NAME_MAX) + " a part)",
           tr_both("too long a name"));
  }
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st) && !fs::is_directory(st)) {
    refuse("is not a directory", tr_both("not a directory"));
  }
  return file.string();
}

}  // namespace

std::string default_tracker_path(const char* xdg_data_home, const char* home) {
  if (xdg_data_home != nullptr && xdg_data_home[0] == '/') {
    return tracker_path_under(xdg_data_home, fs::path("doseplan") / "tracker.db", "XDG_DATA_HOME");
  }
  if (home != nullptr && home[0] == '/') {
    return tracker_path_under(home, fs::path(".local") / "share" / "doseplan" / "tracker.db",
                              "HOME");
  }
  throw Error("tracker.no_db_path", "db",
              "neither $XDG_DATA_HOME nor $HOME is an absolute directory; give --db FILE");
}

namespace {

// Migration k (1-based) takes the schema from version k-1 to k. Never edit a released one: add.
const char* const kMigrations[] = {
    // 1: patients, their plan (JSON + the request that made it), visits, results.
    R"sql(
CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL UNIQUE,
  created_on TEXT NOT NULL
);
CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL UNIQUE REFERENCES patients(id),
  regimen_id TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  plan_json TEXT NOT NULL,
  request_json TEXT NOT NULL,
  created_on TEXT NOT NULL
);
CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  date TEXT NOT NULL,
  baseline INTEGER NOT NULL CHECK (baseline IN (0, 1)),
  window_before INTEGER NOT NULL,
  window_after INTEGER NOT NULL,
  tests_json TEXT NOT NULL,
  items_json TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  done_on TEXT,
  done_note TEXT NOT NULL DEFAULT '',
  UNIQUE (plan_id, date)
);
CREATE TABLE results (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id),
  test TEXT NOT NULL,
  date TEXT NOT NULL,
  value_as_entered TEXT NOT NULL,
  unit_as_entered TEXT NOT NULL,
  value_canonical REAL NOT NULL,
  unit_canonical TEXT NOT NULL,
  uln_as_entered TEXT,
  uln_unit_as_entered TEXT,
  uln_canonical REAL,
  note TEXT NOT NULL DEFAULT '',
  recorded_on TEXT NOT NULL
);
CREATE INDEX results_by_patient ON results (patient_id, test, date);
CREATE TRIGGER results_append_only_update BEFORE UPDATE ON results
  BEGIN SELECT RAISE(ABORT, 'recorded results are never changed'); END;
CREATE TRIGGER results_append_only_delete BEFORE DELETE ON results
  BEGIN SELECT RAISE(ABORT, 'recorded results are never deleted'); END;
CREATE TRIGGER patients_kept BEFORE DELETE ON patients
  BEGIN SELECT RAISE(ABORT, 'tracked patients are never deleted'); END;
CREATE TRIGGER plans_kept BEFORE DELETE ON plans
  BEGIN SELECT RAISE(ABORT, 'tracked plans are never deleted'); END;
CREATE TRIGGER visits_kept BEFORE DELETE ON visits
  BEGIN SELECT RAISE(ABORT, 'planned visits are never deleted'); END;
CREATE TRIGGER visits_done_kept BEFORE UPDATE ON visits WHEN OLD.done = 1
  BEGIN SELECT RAISE(ABORT, 'a visit marked done stays done'); END;
)sql",
    // 2: what `due` needs, as columns: the first and last day of each visit's window (days since
    // 1970-01-01), and the visit's items and tests stored once per distinct set in visit_items
    // (the visits of a regimen repeat a few sets: 684 sets for 120,338 visits of 10,000
    // patients), so that listing visits parses no JSON but that of the sets it shows. The partial
    // index visits_open holds the visits not done, by plan and first day of their window, with
    // every column `due` reads; plans_by_patient gives a plan's patient and regimen without
    // reading the plan's JSON.
    // visits_done_kept is dropped while the rows are filled in (it refuses any UPDATE of a visit
    // done) and made again as it was.
    R"sql(
CREATE TABLE visit_items (
  id INTEGER PRIMARY KEY,
  items_json TEXT NOT NULL UNIQUE,
  tests_json TEXT NOT NULL
);
INSERT OR IGNORE INTO visit_items (items_json, tests_json)
  SELECT items_json, tests_json FROM visits ORDER BY id;
DROP TRIGGER visits_done_kept;
ALTER TABLE visits ADD COLUMN items_id INTEGER REFERENCES visit_items(id);
ALTER TABLE visits ADD COLUMN window_first INTEGER;
ALTER TABLE visits ADD COLUMN window_last INTEGER;
UPDATE visits SET
  items_id = (SELECT i.id FROM visit_items i WHERE i.items_json = visits.items_json),
  window_first = CAST(julianday(date) - 2440587.5 AS INTEGER) - window_before,
  window_last = CAST(julianday(date) - 2440587.5 AS INTEGER) + window_after;
ALTER TABLE visits DROP COLUMN items_json;
ALTER TABLE visits DROP COLUMN tests_json;
CREATE TRIGGER visits_done_kept BEFORE UPDATE ON visits WHEN OLD.done = 1
  BEGIN SELECT RAISE(ABORT, 'a visit marked done stays done'); END;
CREATE TRIGGER visit_items_kept_update BEFORE UPDATE ON visit_items
  BEGIN SELECT RAISE(ABORT, 'planned visits are never changed'); END;
CREATE TRIGGER visit_items_kept_delete BEFORE DELETE ON visit_items
  BEGIN SELECT RAISE(ABORT, 'planned visits are never deleted'); END;
CREATE INDEX visits_open ON visits (plan_id, window_first, window_last, date, baseline,
  window_before, window_after, items_id, done) WHERE done = 0;
CREATE INDEX plans_by_patient ON plans (patient_id, regimen_id);
)sql",
    // 3: the visits not done again, in the order of their windows' first day (visits_due), with
    // every column the list of all patients reads: that list is then one range of this index
    // (the visits whose window opens by the horizon) instead of a seek into visits_open for
    // each plan. visits_open stays for one patient's list and for visits().
    R"sql(
CREATE INDEX visits_due ON visits (window_first, plan_id, window_before, window_after, baseline,
  items_id, done) WHERE done = 0;
)sql",
    // 4: the stamp of the plan (Plan::stamp): the doseplan version, rules version and SHA-256 of
    // the rules files that made it. Plans stored before are left empty: not recorded (the stamp
    // is not guessed from the rules in use now).
    R"sql(
ALTER TABLE plans ADD COLUMN doseplan_version TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN rules_version TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN rules_sha256 TEXT NOT NULL DEFAULT '';
)sql",
    // 5: results entered in error (issue 18). Results are never changed or deleted, so a wrong
    // one is marked here: kept, shown struck out, and left out of baselines, advice and `due`.
    // A mark is never changed or taken back either.
    R"sql(
CREATE TABLE entered_in_error (
  result_id INTEGER PRIMARY KEY REFERENCES results(id),
  marked_on TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE TRIGGER entered_in_error_kept_update BEFORE UPDATE ON entered_in_error
  BEGIN SELECT RAISE(ABORT, 'a result marked entered in error stays marked'); END;
CREATE TRIGGER entered_in_error_kept_delete BEFORE DELETE ON entered_in_error
  BEGIN SELECT RAISE(ABORT, 'a result marked entered in error stays marked'); END;
)sql",
};
static_assert(static_cast<int>(std::size(kMigrations)) == kTrackerSchemaVersion);

// Whether errno `e` means that no more can be written: the disk (or the user's quota) is full, or
// the process's file size limit (RLIMIT_FSIZE: EFBIG) is reached.
bool no_space_errno(int e) {
  return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

// Whether a failed write may have met a full disk although errno no longer says so (SQLite reads
// errno after cleaning up, which may have changed it): the file system holding `path` has less
// than 1 MiB free for this user, or the process has a file size limit (RLIMIT_FSIZE).
bool out_of_space(const std::string& path) {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) return true;
  const fs::path p = fs::absolute(fs::path(path));
  struct statvfs vfs {};
  return ::statvfs(p.parent_path().c_str(), &vfs) == 0 &&
         static_cast<unsigned long long>(vfs.f_bavail) * vfs.f_frsize < (1ULL << 20);
}

[[noreturn]] void throw_disk_full(const std::string& path, const std::string& what) {
  throw Error("tracker.disk_full", path,
              "the disk is full or a file size limit is reached (" + what +
                  "); nothing was changed. Free some space on the disk that holds " + path +
                  " and run the command again; patients, due, history, advise and export still "
                  "work",
              zh(tr_both("the disk that holds {path} is full; nothing was changed. Free some space "
                         "on it and run the command again; patients, due, history, advise and "
                         "export still work",
                         {{"path", same_text(path)}})));
}

[[noreturn]] void throw_read_only(const std::string& path, const std::string& what) {
  throw Error("tracker.read_only", path,
              path + " can not be written (" + what +
                  "): its file system is read-only, or you may not write it or its directory; "
                  "nothing was changed. patients, due, history, advise and export still work; to "
                  "change it, make it writable or copy it to a writable place and give --db",
              zh(tr_both("{path} can not be written: its file system is read-only, or you may not "
                         "write it or its directory; nothing was changed. patients, due, history, "
                         "advise and export still work; to change it, make it writable or copy it "
                         "to a writable place and give --db",
                         {{"path", same_text(path)}})));
}

// `sys_errno` is sqlite3_system_errno() of the connection that failed (0 if none): it tells a full
// disk (SQLite says SQLITE_FULL only for ENOSPC; a file size limit is an I/O error) and a
// read-only file system from other I/O errors.
[[noreturn]] void rethrow_sqlite(const SQLite::Exception& e, const std::string& path,
                                 int sys_errno = 0) {
  const int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    throw Error("tracker.db_busy", path,
                std::string("the database stayed locked by another process for more than ") +
                    std::to_string(kBusyTimeoutMs / 1000) + " s (" + e.what() +
                    "); nothing was changed, try again");
  }
  if (code == SQLITE_NOTADB) {
    throw Error("tracker.not_tracker_db", path,
                "not a doseplan tracker database (not an SQLite file); give another --db FILE");
  }
  const bool io = code == SQLITE_IOERR || code == SQLITE_CANTOPEN;
  if (code == SQLITE_FULL || (io && (no_space_errno(sys_errno) || out_of_space(path)))) {
    throw_disk_full(
        path, std::string(e.what()) +
                  (no_space_errno(sys_errno) ? std::string(": ") + std::strerror(sys_errno) : ""));
  }
  // A plain SQLITE_READONLY is also a change tried through a read-only connection (query_only),
  // a mistake of the program rather than of the disk: it stays tracker.db_error.
  const bool read_only_file =
      code == SQLITE_READONLY && e.getExtendedErrorCode() != SQLITE_READONLY;
  if (read_only_file || (io && (sys_errno == EROFS || sys_errno == EACCES || sys_errno == EPERM))) {
    throw_read_only(path, std::string(e.what()) +
                              (sys_errno != 0 ? std::string(": ") + std::strerror(sys_errno) : ""));
  }
  throw Error("tracker.db_error", path,
              std::string("database error: ") + e.what() + "; nothing was changed");
}

json text_json(const LocalizedText& t) {
  return {{"en", t.en}, {"zh", t.zh}};
}
// Also reads a plain string, as databases written before texts were bilingual hold for reasons
// (English only: the Chinese falls back to it).
LocalizedText text_of(const json& j) {
  if (j.is_string()) return {j.get<std::string>(), j.get<std::string>()};
  if (!j.is_object()) return {};
  return {j.value("en", ""), j.value("zh", "")};
}

json summaries_json(const std::vector<LocalizedText>& summaries) {
  json out = json::array();
  for (const LocalizedText& t : summaries) out.push_back(text_json(t));
  return out;
}

json item_json(const VisitItem& it) {
  return {{"monitoring_id", it.monitoring_id},
          {"name", text_json(it.name)},
          {"tests", it.tests},
          {"timing", text_json(it.timing)},
          {"reason", text_json(it.reason)},
          {"summaries", summaries_json(it.summaries)},
          {"from",
           {{"source_id", it.from.source_id},
            {"project_default", it.from.project_default},
            {"reason", text_json(it.from.reason)},
            {"overridden", it.from.overridden},
            {"note", text_json(it.from.note)}}},
          {"window_before", it.window_before},
          {"window_after", it.window_after}};
}

VisitItem item_of(const json& j) {
  VisitItem it;
  it.monitoring_id = j.value("monitoring_id", "");
  it.name = text_of(j.value("name", json::object()));
  it.tests = j.value("tests", std::vector<std::string>{});
  it.timing = text_of(j.value("timing", json::object()));
  it.reason = text_of(j.value("reason", json()));
  for (const json& s : j.value("summaries", json::array())) it.summaries.push_back(text_of(s));
  const json from = j.value("from", json::object());
  it.from.source_id = from.value("source_id", "");
  it.from.project_default = from.value("project_default", false);
  it.from.reason = text_of(from.value("reason", json()));
  it.from.overridden = from.value("overridden", false);
  it.from.note = text_of(from.value("note", json()));
  it.window_before = j.value("window_before", 0);
  it.window_after = j.value("window_after", 0);
  return it;
}

// ------------------------------------------------------------------ what the store holds
// The readers below check what they read back, and refuse what doseplan never writes (a date
// that is not a day, JSON that is not JSON or not of the shape written, text that is not UTF-8 or
// holds control characters, text in a number column): the database was edited outside doseplan
// (issue 18, item 6). One error id, tracker.damaged, naming the table, column and row; the text
// read is quoted through printable() (error.hpp), never as it is.

// A place in the store: "results.note, row 3", or "plans.start_date, patient_id 1" for a row
// known by another column.
std::string stored_at(std::string_view column, std::int64_t row,
                      std::string_view row_name = "row") {
  return std::string(column) + ", " + std::string(row_name) + " " + std::to_string(row);
}

// The store is damaged at `at` (stored_at()), which holds `what`. Tracker::Impl::guarded() puts
// the database's path in front of `at`.
[[noreturn]] void damaged(const std::string& at, const std::string& what) {
  throw Error(
      "tracker.damaged", at,
      "holds " + what +
          ", which doseplan never writes: the database was changed outside doseplan; "
          "nothing was changed. Restore a backup of it (docs/tracker.md, \"Error ids\")",
      zh(tr_both("The database holds content that doseplan never writes: it was changed "
                 "outside doseplan; nothing was changed. Restore a backup of the database")));
}

// `text` read from the store at `column` of `row`, if it can be printed as it is (unprintable_at()
// in error.hpp; with `allow_line_breaks`, a line feed and a tab may be in it, as in the texts of
// a rules file); else the store is damaged.
std::string stored_text(std::string text, std::string_view column, std::int64_t row,
                        std::string_view row_name = "row", bool allow_line_breaks = false) {
  if (unprintable_at(text, allow_line_breaks) != std::string_view::npos) {
    damaged(stored_at(column, row, row_name),
            (is_valid_utf8(text) ? "text with a control character " : "text that is not UTF-8 ") +
                quoted_stored(text));
  }
  return text;
}

// A date as the store holds it (YYYY-MM-DD), read from `column` of `row`.
Date date_of(const std::string& s, std::string_view column, std::int64_t row,
             std::string_view row_name = "row") {
  try {
    return parse_date(s, std::string(column));
  } catch (const Error&) {
    damaged(stored_at(column, row, row_name), quoted_stored(s) + ", not a date (YYYY-MM-DD)");
  }
}

// A number column (REAL or INTEGER) of `row`: a number, never text read as 0.
double number_of(const SQLite::Column& c, std::string_view column, std::int64_t row) {
  if ((!c.isInteger() && !c.isFloat()) || !std::isfinite(c.getDouble())) {
    damaged(stored_at(column, row), quoted_stored(c.getString()) + ", not a number");
  }
  return c.getDouble();
}
int integer_of(const SQLite::Column& c, std::string_view column, std::int64_t row) {
  if (!c.isInteger() || c.getInt64() < std::numeric_limits<int>::min() ||
      c.getInt64() > std::numeric_limits<int>::max()) {
    damaged(stored_at(column, row), quoted_stored(c.getString()) + ", not a whole number");
  }
  return c.getInt();
}

// Every string of `j` (keys and values) checked as stored_text() checks a rules file's texts.
void check_json_texts(const json& j, std::string_view column, std::int64_t row,
                      std::string_view row_name) {
  if (j.is_string()) {
    stored_text(j.get<std::string>(), column, row, row_name, true);
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      stored_text(key, column, row, row_name, true);
      check_json_texts(value, column, row, row_name);
    }
  } else if (j.is_array()) {
    for (const json& value : j) check_json_texts(value, column, row, row_name);
  }
}

// A stored plan (plans.plan_json of patient `patient`), parsed and checked: a JSON object of
// format doseplan-plan whose texts can be printed.
json stored_plan(const std::string& text, std::int64_t patient) {
  json p;
  try {
    p = json::parse(text);
  } catch (const json::exception& e) {
    damaged(stored_at("plans.plan_json", patient, "patient_id"),
            std::string("text that is not JSON (") + e.what() + ")");
  }
  if (!p.is_object() || p.value("format", json()) != "doseplan-plan") {
    damaged(stored_at("plans.plan_json", patient, "patient_id"),
            "JSON that is not a doseplan plan (no \"format\": \"doseplan-plan\")");
  }
  check_json_texts(p, "plans.plan_json", patient, "patient_id");
  return p;
}

// The request stored with a plan (plans.request_json of patient `patient`).
PlanRequest stored_request(const std::string& text, std::int64_t patient,
                           const PlanRequest& defaults = {}) {
  try {
    return parse_plan_request(text, "plans.request_json", defaults);
  } catch (const Error& e) {
    damaged(stored_at("plans.request_json", patient, "patient_id"),
            "a request that can not be read (" + e.problems().front().where + ": " +
                e.problems().front().message + ")");
  } catch (const json::exception& e) {
    damaged(stored_at("plans.request_json", patient, "patient_id"),
            std::string("a request that can not be read (") + e.what() + ")");
  }
}

// A date as the window columns store it: days since 1970-01-01.
std::int64_t day_number(Date d) {
  return d.time_since_epoch().count();
}

// The tests and items of a visit, as stored once per distinct set (visit_items).
struct ItemSet {
  SharedList<std::string> tests;  // shared by the visits of the set
  VisitItems items;
};

// Reads the items_json that item_json() writes (an array of items) straight into VisitItems,
// without building the JSON tree: parsing the item sets listed was the larger part of due()'s
// own work. Anything item_json() does not write (an unknown key, another type, a plain-string
// text of an older database) stops it: the caller then reads the text with item_of(), so that
// what is read, and every error, stays item_of()'s.
class ItemsReader final : public nlohmann::json_sax<json> {
 public:
  std::vector<VisitItem> items;

  bool null() override { return false; }
  bool boolean(bool b) override {
    if (at_ == At::from_member && (key_ == "project_default" || key_ == "overridden")) {
      (key_ == "project_default" ? item().from.project_default : item().from.overridden) = b;
      at_ = At::from;
      return true;
    }
    return false;
  }
  bool number_integer(number_integer_t n) override { return window(n); }
  bool number_unsigned(number_unsigned_t n) override {
    return n <= static_cast<number_unsigned_t>(std::numeric_limits<number_integer_t>::max()) &&
           window(static_cast<number_integer_t>(n));
  }
  bool number_float(number_float_t, const string_t&) override { return false; }
  bool binary(binary_t&) override { return false; }
  bool string(string_t& s) override {
    switch (at_) {
      case At::item_member:
        if (key_ == "monitoring_id") {
          item().monitoring_id = std::move(s);
          at_ = At::item;
          return true;
        }
        return false;
      case At::from_member:
        if (key_ == "source_id") {
          item().from.source_id = std::move(s);
          at_ = At::from;
          return true;
        }
        return false;
      case At::text_member:
        if (key_ == "en" || key_ == "zh") {
          (key_ == "en" ? text_->en : text_->zh) = std::move(s);
          at_ = At::text;
          return true;
        }
        return false;
      case At::tests:
        item().tests.push_back(std::move(s));
        return true;
      default:
        return false;
    }
  }
  bool start_object(std::size_t) override {
    switch (at_) {
      case At::items:
        items.emplace_back();
        at_ = At::item;
        return true;
      case At::item_member:
        if (key_ == "from") {
          item().from = {};
          at_ = At::from;
          return true;
        }
        return open_text(text_named(item(), key_), At::item);
      case At::from_member:
        return open_text(key_ == "reason" ? &item().from.reason
                         : key_ == "note" ? &item().from.note
                                          : nullptr,
                         At::from);
      case At::summaries:
        item().summaries.emplace_back();
        return open_text(&item().summaries.back(), At::summaries);
      default:
        return false;
    }
  }
  bool key(string_t& k) override {
    if (at_ != At::item && at_ != At::from && at_ != At::text) return false;
    key_ = std::move(k);
    at_ = at_ == At::item ? At::item_member : at_ == At::from ? At::from_member : At::text_member;
    return true;
  }
  bool end_object() override {
    switch (at_) {
      case At::item:
        at_ = At::items;
        return true;
      case At::from:
        at_ = At::item;
        return true;
      case At::text:
        at_ = text_parent_;
        return true;
      default:
        return false;
    }
  }
  bool start_array(std::size_t) override {
    if (at_ == At::start) {
      at_ = At::items;
      return true;
    }
    if (at_ != At::item_member) return false;
    if (key_ == "tests") {
      item().tests.clear();
      at_ = At::tests;
      return true;
    }
    if (key_ == "summaries") {
      item().summaries.clear();
      at_ = At::summaries;
      return true;
    }
    return false;
  }
  bool end_array() override {
    if (at_ == At::items) {
      at_ = At::done;
      return true;
    }
    if (at_ != At::tests && at_ != At::summaries) return false;
    at_ = At::item;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  bool complete() const { return at_ == At::done; }

 private:
  // Where the reader is: in the array of items, in an item (or after one of its keys), in its
  // "from", in a text ({"en", "zh"}), or in the "tests" or "summaries" of an item.
  enum class At {
    start,
    items,
    item,
    item_member,
    from,
    from_member,
    text,
    text_member,
    tests,
    summaries,
    done
  };

  VisitItem& item() { return items.back(); }
  static LocalizedText* text_named(VisitItem& it, const std::string& key) {
    if (key == "name") return &it.name;
    if (key == "timing") return &it.timing;
    if (key == "reason") return &it.reason;
    return nullptr;
  }
  bool open_text(LocalizedText* text, At parent) {
    if (text == nullptr) return false;
    *text = {};
    text_ = text;
    text_parent_ = parent;
    at_ = At::text;
    return true;
  }
  bool window(number_integer_t n) {
    if (at_ != At::item_member || (key_ != "window_before" && key_ != "window_after")) return false;
    (key_ == "window_before" ? item().window_before : item().window_after) = static_cast<int>(n);
    at_ = At::item;
    return true;
  }

  At at_ = At::start;
  At text_parent_ = At::item;
  std::string key_;
  LocalizedText* text_ = nullptr;
};

// Drives `sax` over `text` for the JSON that item_json() writes, faster than nlohmann's lexer:
// objects, arrays, strings without escapes, integers, true and false. Returns false at anything
// else (an escape, a fraction, null, a control character, bytes that are not UTF-8, a syntax
// error); the caller then reads the text the ordinary way.
bool simple_sax_parse(std::string_view text, nlohmann::json_sax<json>& sax) {
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < text.size() &&
           (text[at] == ' ' || text[at] == '\n' || text[at] == '\r' || text[at] == '\t')) {
      ++at;
    }
  };
  std::string str;
  // A string at `at` (its opening quote), into `str`. The bytes that need no look: ASCII other
  // than '"', '\\' and control characters.
  static constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();
  const auto read_string = [&] {
    ++at;
    const std::size_t begin = at;
    while (at < text.size()) {
      if (kPlain[static_cast<unsigned char>(text[at])]) {
        ++at;
        continue;
      }
      const auto c = static_cast<unsigned char>(text[at]);
      if (c == '"') {
        str.assign(text.data() + begin, at - begin);
        ++at;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      if (c < 0x80) {
        ++at;
      } else {
        const std::size_t n = detail::utf8_sequence(text.substr(at));
        if (n == 0) return false;
        at += n;
      }
    }
    return false;
  };
  // What encloses the value being read: true for an object, false for an array.
  std::vector<bool> in_object;
  bool expect_value = true;  // else a separator or a closing bracket
  for (;;) {
    skip_space();
    if (at == text.size()) return false;
    const char c = text[at];
    if (!expect_value) {
      if (in_object.empty()) return false;
      if (c == ',') {
        ++at;
        skip_space();
        if (in_object.back()) {
          if (at == text.size() || text[at] != '"' || !read_string()) return false;
          skip_space();
          if (at == text.size() || text[at] != ':') return false;
          ++at;
          if (!sax.key(str)) return false;
        }
        expect_value = true;
        continue;
      }
      if (c != (in_object.back() ? '}' : ']')) return false;
      ++at;
      if (!(in_object.back() ? sax.end_object() : sax.end_array())) return false;
      in_object.pop_back();
    } else if (c == '{' || c == '[') {
      ++at;
      const bool object = c == '{';
      if (!(object ? sax.start_object(std::size_t(-1)) : sax.start_array(std::size_t(-1)))) {
        return false;
      }
      in_object.push_back(object);
      skip_space();
      if (at < text.size() && text[at] == (object ? '}' : ']')) {
        ++at;
        if (!(object ? sax.end_object() : sax.end_array())) return false;
        in_object.pop_back();
      } else if (object) {
        if (at == text.size() || text[at] != '"' || !read_string()) return false;
        skip_space();
        if (at == text.size() || text[at] != ':') return false;
        ++at;
        if (!sax.key(str)) return false;
        continue;
      } else {
        continue;
      }
    } else if (c == '"') {
      if (!read_string() || !sax.string(str)) return false;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const bool negative = c == '-';
      if (negative) ++at;
      const std::size_t begin = at;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
      const std::size_t digits = at - begin;
      if (digits == 0 || digits > 18 || (digits > 1 && text[begin] == '0')) return false;
      if (at < text.size() && (text[at] == '.' || text[at] == 'e' || text[at] == 'E')) {
        return false;
      }
      std::int64_t n = 0;
      for (std::size_t i = begin; i < at; ++i) n = n * 10 + (text[i] - '0');
      if (!(negative ? sax.number_integer(-n)
                     : sax.number_unsigned(static_cast<std::uint64_t>(n)))) {
        return false;
      }
    } else if (text.substr(at, 4) == "true" || text.substr(at, 5) == "false") {
      const bool b = c == 't';
      at += b ? 4 : 5;
      if (!sax.boolean(b)) return false;
    } else {
      return false;
    }
    expect_value = false;
    if (in_object.empty()) {
      skip_space();
      return at == text.size();
    }
  }
}

// An array of strings (tests_json), for simple_sax_parse.
class StringsReader final : public nlohmann::json_sax<json> {
 public:
  std::vector<std::string> strings;
  bool null() override { return false; }
  bool boolean(bool) override { return false; }
  bool number_integer(number_integer_t) override { return false; }
  bool number_unsigned(number_unsigned_t) override { return false; }
  bool number_float(number_float_t, const string_t&) override { return false; }
  bool binary(binary_t&) override { return false; }
  bool string(string_t& s) override {
    if (depth_ != 1) return false;
    strings.push_back(std::move(s));
    return true;
  }
  bool start_object(std::size_t) override { return false; }
  bool key(string_t&) override { return false; }
  bool end_object() override { return false; }
  bool start_array(std::size_t) override { return depth_++ == 0; }
  bool end_array() override { return --depth_ == 0; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  int depth_ = 0;
};

// The texts of an item set (row `id` of visit_items) that are shown: ids as a column's text,
// the texts of the rules as a rules file may write them.
void check_item_set(const ItemSet& s, std::int64_t id) {
  for (const std::string& t : s.tests) stored_text(t, "visit_items.tests_json", id);
  const auto text = [id](const LocalizedText& t) {
    stored_text(t.en, "visit_items.items_json", id, "row", true);
    stored_text(t.zh, "visit_items.items_json", id, "row", true);
  };
  for (const VisitItem& it : s.items) {
    stored_text(it.monitoring_id, "visit_items.items_json", id);
    for (const std::string& t : it.tests) stored_text(t, "visit_items.items_json", id);
    stored_text(it.from.source_id, "visit_items.items_json", id);
    for (const LocalizedText* t :
         {&it.name, &it.timing, &it.reason, &it.from.reason, &it.from.note})
      text(*t);
    for (const LocalizedText& t : it.summaries) text(t);
  }
}

// The item set of row `id` of visit_items, from its columns tests_json and items_json.
ItemSet item_set_of(const std::string& tests_json, const std::string& items_json, std::int64_t id) {
  ItemSet s;
  if (StringsReader tests; simple_sax_parse(tests_json, tests)) {
    s.tests = std::move(tests.strings);
  } else {
    try {
      s.tests = json::parse(tests_json).get<std::vector<std::string>>();
    } catch (const json::exception& e) {
      damaged(stored_at("visit_items.tests_json", id),
              std::string("no JSON array of test ids (") + e.what() + ")");
    }
  }
  ItemsReader reader;
  if (simple_sax_parse(items_json, reader) && reader.complete()) {
    s.items = std::move(reader.items);
  } else if (reader = ItemsReader(); json::sax_parse(items_json, &reader) && reader.complete()) {
    s.items = std::move(reader.items);
  } else {
    try {
      const json list = json::parse(items_json);
      if (!list.is_array()) throw std::invalid_argument("not an array");
      std::vector<VisitItem> items;
      for (const json& it : list) items.push_back(item_of(it));
      s.items = std::move(items);
    } catch (const std::exception& e) {  // json::exception, or not an array
      damaged(stored_at("visit_items.items_json", id),
              std::string("no JSON array of visit items (") + e.what() + ")");
    }
  }
  check_item_set(s, id);
  return s;
}

// The item sets read by one query, each parsed once.
class ItemSets {
 public:
  // The set `id`; `tests_json` and `items_json` are read only the first time (`fetch` gives
  // them as a pair of strings).
  template <class Fetch>
  const ItemSet& get(std::int64_t id, Fetch&& fetch) {
    auto it = sets_.find(id);
    if (it == sets_.end()) {
      const auto [tests_json, items_json] = fetch();
      it = sets_.emplace(id, item_set_of(tests_json, items_json, id)).first;
    }
    return it->second;
  }

 private:
  std::unordered_map<std::int64_t, ItemSet> sets_;
};

void bind_text(SQLite::Statement& st, int i, const std::string& s) {
  st.bind(i, s);
}

// The migrations from schema `from` (0: a new database) to this one's, inside the caller's
// transaction.
void run_migrations(SQLite::Database& db, int from) {
  if (from == 0) db.exec("PRAGMA application_id = " + std::to_string(kTrackerApplicationId));
  for (int v = from; v < kTrackerSchemaVersion; ++v) db.exec(kMigrations[v]);
  db.exec("PRAGMA user_version = " + std::to_string(kTrackerSchemaVersion));
}

}  // namespace

struct Tracker::Impl {
  std::string path;
  std::unique_ptr<SQLite::Database> db;
  int version = 0;
  std::string file;          // the connection's file: `path`, or a new store not yet published
  bool unpublished = false;  // `file` is a new store that publish() has not linked to `path`
  bool made_here = false;    // this connection's open made the store at `path`
  bool started = false;      // a start of this connection stored its patient

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (unpublished) {  // the open failed before the new store was linked
      db.reset();
      remove_new_store(file);
    }
  }

  // Whether the file this connection opened is no longer at `path` (remove_if_unused() of the
  // start that made it removed it).
  bool moved() const {
    int moved = 0;
    return sqlite3_file_control(db->getHandle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved) ==
               SQLITE_OK &&
           moved != 0;
  }

  // The first start into a store that this connection's open made failed (a full disk): the store
  // is removed if nobody stored a patient in it, so that a failed start leaves no file. Under the
  // write lock, so that no start can be storing a patient meanwhile; a start that opened the store
  // before it was removed finds it moved once it has the lock (Tracker::start) and stores nothing.
  void remove_if_unused() noexcept {
    if (!made_here || started || !db) return;
    made_here = false;
    try {
      SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
      if (moved() || db->execAndGet("SELECT count(*) FROM patients").getInt64() != 0) return;
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        ::unlink((path + suffix).c_str());
      }
    } catch (...) {  // the store stays, whole: it is still a tracker database without patients
    }
  }

  template <class F>
  auto guarded(F&& f) const {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e, path, db ? sqlite3_system_errno(db->getHandle()) : 0);
    } catch (const Error& e) {
      // A damaged store: its path before the place (stored_at()).
      if (e.id() != "tracker.damaged" || e.problems().front().where.starts_with(path)) throw;
      std::vector<Problem> problems = e.problems();
      for (Problem& p : problems) p.where = path + ": " + p.where;
      throw Error(std::move(problems));
    } catch (const json::exception& e) {
      // JSON a reader did not expect (each names its column; this is the net under them).
      throw Error("tracker.damaged", path,
                  std::string("holds JSON that can not be read (") + e.what() +
                      "), which doseplan never writes: the database was changed outside "
                      "doseplan; nothing was changed. Restore a backup of it",
                  zh(tr_both("The database holds content that doseplan never writes: it was "
                             "changed outside doseplan; nothing was changed. Restore a backup of "
                             "the database")));
    } catch (const fs::filesystem_error& e) {
      throw Error("tracker.db_open", "db",
                  "cannot use " + path + ": " + e.code().message() + " (" + e.what() + ")");
    }
  }

  std::int64_t patient_id(const std::string& label) const {
    SQLite::Statement st(*db, "SELECT id FROM patients WHERE label = ?");
    bind_text(st, 1, label);
    if (st.executeStep()) return st.getColumn(0).getInt64();
    // Other labels are not listed: whoever mistypes one need not see every patient tracked.
    const bool none = db->execAndGet("SELECT count(*) FROM patients").getInt64() == 0;
    throw Error(
        "tracker.unknown_patient", "label",
        "no tracked patient " + in_quotes(label) + " in " + path +
            (none ? std::string("; no patient is tracked yet (doseplan track start)")
                  : std::string("; the labels tracked: doseplan track patients")),
        none ? zh(tr_both("no patient \"{label}\" is tracked in {path}; no patient is tracked yet "
                          "(doseplan track start)",
                          {{"label", same_text(label)}, {"path", same_text(path)}}))
             : zh(tr_both("no patient \"{label}\" is tracked in {path}; the labels tracked: "
                          "doseplan track patients",
                          {{"label", same_text(label)}, {"path", same_text(path)}})));
  }

  // The birth date given with the stored plan, if any.
  std::optional<Date> birth_date(std::int64_t patient) const {
    SQLite::Statement st(*db, "SELECT request_json FROM plans WHERE patient_id = ?");
    st.bind(1, static_cast<int64_t>(patient));
    if (!st.executeStep()) return std::nullopt;
    return stored_request(st.getColumn(0).getString(), patient).birth_date;
  }

  TrackedPatient read_patient(SQLite::Statement& st) const {
    TrackedPatient p;
    p.id = st.getColumn(0).getInt64();
    p.label = stored_text(st.getColumn(1).getString(), "patients.label", p.id);
    const auto plan_text = [&](int col, std::string_view column) {
      return stored_text(st.getColumn(col).getString(), column, p.id, "patient_id");
    };
    const auto plan_date = [&](int col, std::string_view column) {
      return date_of(st.getColumn(col).getString(), column, p.id, "patient_id");
    };
    p.regimen_id = plan_text(2, "plans.regimen_id");
    p.start = plan_date(3, "plans.start_date");
    p.end = plan_date(4, "plans.end_date");
    p.tracked_since = date_of(st.getColumn(5).getString(), "patients.created_on", p.id);
    p.stamp.doseplan_version = plan_text(6, "plans.doseplan_version");
    p.stamp.rules_version = plan_text(7, "plans.rules_version");
    p.stamp.rules_hash = plan_text(8, "plans.rules_sha256");
    return p;
  }

  static constexpr const char* kPatientSelect =
      "SELECT p.id, p.label, pl.regimen_id, pl.start_date, pl.end_date, p.created_on, "
      "pl.doseplan_version, pl.rules_version, pl.rules_sha256 FROM patients p JOIN plans pl ON "
      "pl.patient_id = p.id";

  std::vector<TrackedResult> read_results(const std::string& where,
                                          const std::string& label) const {
    SQLite::Statement st(
        *db,
        "SELECT r.id, p.label, r.test, r.date, r.value_as_entered, r.unit_as_entered, "
        "r.value_canonical, r.unit_canonical, r.uln_as_entered, r.uln_unit_as_entered, "
        "r.uln_canonical, r.note, r.recorded_on, e.marked_on, e.reason FROM results r JOIN "
        "patients p ON p.id = r.patient_id LEFT JOIN entered_in_error e ON e.result_id = r.id " +
            where + " ORDER BY r.date, r.id");
    if (!label.empty()) bind_text(st, 1, label);
    std::vector<TrackedResult> out;
    while (st.executeStep()) {
      TrackedResult r;
      r.id = st.getColumn(0).getInt64();
      r.label = st.getColumn(1).getString();
      r.test = st.getColumn(2).getString();
      r.date = date_of(st.getColumn(3).getString(), "results.date", r.id);
      r.value = {st.getColumn(4).getString(), st.getColumn(5).getString(),
                 number_of(st.getColumn(6), "results.value_canonical", r.id),
                 st.getColumn(7).getString()};
      if (!st.getColumn(10).isNull()) {
        r.uln =
            Measurement{st.getColumn(8).getString(), st.getColumn(9).getString(),
                        number_of(st.getColumn(10), "results.uln_canonical", r.id), r.value.unit};
      }
      r.note = st.getColumn(11).getString();
      r.recorded_on = date_of(st.getColumn(12).getString(), "results.recorded_on", r.id);
      if (!st.getColumn(13).isNull()) {
        r.entered_in_error = EnteredInError{
            date_of(st.getColumn(13).getString(), "entered_in_error.marked_on", r.id),
            st.getColumn(14).getString()};
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  // The tests and items of the set `id` (visit_items), parsed once per set in `sets`.
  const ItemSet& item_set(ItemSets& sets, std::optional<SQLite::Statement>& st,
                          std::int64_t id) const {
    return sets.get(id, [&] {
      if (!st) st.emplace(*db, "SELECT tests_json, items_json FROM visit_items WHERE id = ?");
      st->reset();
      st->bind(1, static_cast<int64_t>(id));
      if (!st->executeStep()) {
        throw Error("tracker.db_error", path,
                    "database error: visit items " + std::to_string(id) +
                        " are missing; nothing was changed");
      }
      return std::pair<std::string, std::string>(st->getColumn(0).getString(),
                                                 st->getColumn(1).getString());
    });
  }

  std::vector<TrackedVisit> read_visits(std::int64_t patient) const {
    SQLite::Statement st(*db,
                         "SELECT v.id, v.date, v.baseline, v.window_before, v.window_after, "
                         "v.items_id, v.done, v.done_on, v.done_note FROM visits v "
                         "JOIN plans pl ON pl.id = v.plan_id WHERE pl.patient_id = ? ORDER BY "
                         "v.date");
    st.bind(1, static_cast<int64_t>(patient));
    ItemSets sets;
    std::optional<SQLite::Statement> items_st;
    std::vector<TrackedVisit> out;
    while (st.executeStep()) {
      TrackedVisit v;
      v.id = st.getColumn(0).getInt64();
      v.date = date_of(st.getColumn(1).getString(), "visits.date", v.id);
      v.baseline = st.getColumn(2).getInt() != 0;
      v.window_before = integer_of(st.getColumn(3), "visits.window_before", v.id);
      v.window_after = integer_of(st.getColumn(4), "visits.window_after", v.id);
      const ItemSet& set = item_set(sets, items_st, st.getColumn(5).getInt64());
      v.tests = set.tests;
      v.items = set.items;
      v.done = st.getColumn(6).getInt() != 0;
      if (!st.getColumn(7).isNull())
        v.done_on = date_of(st.getColumn(7).getString(), "visits.done_on", v.id);
      v.done_note = stored_text(st.getColumn(8).getString(), "visits.done_note", v.id);
      out.push_back(std::move(v));
    }
    return out;
  }

  // Why a file could not be made: a full disk and a read-only place have their own ids.
  [[noreturn]] void throw_cannot_create(const std::string& name, int err) const {
    const std::string why = "cannot create " + name + ": " + std::strerror(err);
    if (no_space_errno(err)) throw_disk_full(path, why);
    if (err == EROFS || err == EACCES || err == EPERM) throw_read_only(path, why);
    const fs::path p(path);
    std::error_code ec;
    throw Error("tracker.db_open", "db",
                why + (p.has_parent_path() && !fs::exists(p.parent_path(), ec)
                           ? " (the directory does not exist)"
                           : ""));
  }

  // Creates an empty file with O_EXCL and mode 0600; false if it exists.
  bool create_empty(const std::string& name) const {
    const int fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      if (errno == EEXIST) return false;
      throw_cannot_create(name, errno);
    }
    const bool ok = ::fchmod(fd, 0600) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(name.c_str());
      throw Error("tracker.db_open", "db", "cannot set mode 0600 on " + name);
    }
    return true;
  }

  // The private file of a new store, and what SQLite made beside it.
  static void remove_new_store(const std::string& name) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((name + suffix).c_str());
  }

  // Writes the whole schema into the empty file `new_file`: every migration in one transaction,
  // in rollback-journal mode, so that what is committed is in the file itself. On failure
  // `new_file` is removed.
  void write_new_store(const std::string& new_file) const {
    int err = 0;
    try {
      SQLite::Database store(new_file, SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             kBusyTimeoutMs);
      try {
        store.exec("PRAGMA synchronous = FULL");
        SQLite::Transaction tx(store, SQLite::TransactionBehavior::IMMEDIATE);
        run_migrations(store, 0);
        tx.commit();
      } catch (const SQLite::Exception&) {
        err = sqlite3_system_errno(store.getHandle());
        throw;
      }
    } catch (const SQLite::Exception& e) {
      remove_new_store(new_file);
      rethrow_sqlite(e, path, err);
    } catch (...) {
      remove_new_store(new_file);
      throw;
    }
  }

  // A new store is made whole before it has its name, so that `path` never exists empty or half
  // made: the schema is written into a private file beside it (PATH.new-XXXXXXXX, mode 0600),
  // which open() then links to `path` (publish()). A start killed meanwhile leaves at most the
  // private file, which holds no patient data; one that fails (a full disk) leaves nothing.
  // Returns false when `path` exists: check_file_safe() and the reads that follow judge it. Makes
  // the default path's directories with mode 0700.
  bool create_file(bool create_directory) {
    const fs::path p(path);
    std::error_code ec;
    if (create_directory && p.has_parent_path()) {
      fs::path dir;
      for (const fs::path& part : p.parent_path()) {
        dir /= part;
        if (fs::exists(dir, ec)) continue;
        if (!fs::create_directory(dir, ec) || ec) break;
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
      }
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) return false;
    std::string new_file;
    std::random_device random;
    for (int attempt = 0; new_file.empty(); ++attempt) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, ".new-%08x", static_cast<unsigned>(random()));
      if (create_empty(path + suffix)) {
        new_file = path + suffix;
      } else if (attempt == 10) {
        throw_cannot_create(path + suffix, EEXIST);
      }
    }
    write_new_store(new_file);
    file = new_file;
    unpublished = true;
    return true;
  }

  // Links the new store (the connection's private file) to `path`: switched to WAL, closed, then
  // link(2), which fails if `path` exists. Returns true when linked (the connection is then to
  // `path`); false when another start linked its store first, or on a file system without hard
  // links (an empty file made at `path` with O_EXCL and given its schema, as a start did before):
  // the connection is then to that store, and what was written into the private file is gone.
  // The private file is removed in every case.
  bool publish() {
    const std::string new_file = file;
    unpublished = false;
    file = path;
    try {
      db->exec("PRAGMA journal_mode = WAL");
    } catch (const SQLite::Exception& e) {
      const int err = sqlite3_system_errno(db->getHandle());
      db.reset();
      remove_new_store(new_file);
      rethrow_sqlite(e, path, err);
    }
    db.reset();
    // Nothing was written after the switch to WAL: a WAL file with frames would mean that the
    // store is not all in the file.
    struct stat wal {};
    if (::stat((new_file + "-wal").c_str(), &wal) == 0 && wal.st_size > 0) {
      remove_new_store(new_file);
      throw Error("tracker.db_error", path,
                  "database error: the new database could not be closed cleanly; nothing was "
                  "changed, try again");
    }
    const bool linked = ::link(new_file.c_str(), path.c_str()) == 0;
    const int err = errno;
    remove_new_store(new_file);
    if (linked) {
      // The new name made durable, as SQLite makes a commit durable.
      const fs::path p(path);
      const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
      const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
      }
      connect(Mode::open_existing, false);
      return true;
    }
    bool made = false;
    if (err == EPERM || err == ENOTSUP || err == ENOSYS || err == EMLINK) {
      made = create_empty(path);
    } else if (err != EEXIST) {
      throw_cannot_create(path, err);
    }
    check_file_safe();
    connect(Mode::create_if_missing, made);
    if (version < kTrackerSchemaVersion) migrate();
    return false;
  }

  // Refuses a store that other users could read or replace: owned by another user, or with any
  // permission for group or others (the file holds patient data).
  void check_file_safe() const {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      throw Error("tracker.db_open", "db", "cannot open " + path + ": " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
      throw Error("tracker.db_open", "db", path + " is a directory; give --db FILE");
    }
    if (st.st_uid != ::geteuid()) {
      throw Error("tracker.unsafe_owner", "db",
                  path + " belongs to another user (uid " + std::to_string(st.st_uid) +
                      "), who can read and change its patient data; nothing was read. Have its "
                      "owner move it to you (chown), or start a new database with --db FILE",
                  zh(tr_both("{path} belongs to another user, who can read and change its patient "
                             "data; nothing was read. Have its owner hand it over (chown), or "
                             "start a new database with --db",
                             {{"path", same_text(path)}})));
    }
    if ((st.st_mode & 0077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      throw Error("tracker.unsafe_mode", "db",
                  path + " has mode " + mode +
                      ": other users may read or change its patient data; nothing was read. "
                      "Make it private with: chmod 600 " +
                      path,
                  zh(tr_both("{path} has mode {mode}: other users may read or change its patient "
                             "data; nothing was read. Make it private with: chmod 600 {path}",
                             {{"path", same_text(path)}, {"mode", same_text(mode)}})));
    }
  }

  void open(Mode mode, bool create_directory) {
    bool created = false;
    if (mode == Mode::create_if_missing) {
      created = create_file(create_directory);
    } else {
      std::error_code ec;
      if (!fs::exists(fs::path(path), ec)) {
        throw Error(
            "tracker.no_db", "db",
            "no tracker database at " + path +
                "; start tracking a patient first (doseplan track start --label ... "
                "--regimen ...), or give --db FILE",
            zh(tr_both("there is no tracker database at {path} yet; start tracking a patient "
                       "first with doseplan track start, or give the database file with --db",
                       {{"path", same_text(path)}})));
      }
    }
    if (!unpublished) {
      check_file_safe();
      if (mode != Mode::read_only) check_writable();
    }
    guarded([&] {
      if (mode == Mode::read_only) {
        connect_read_only();
      } else {
        connect(mode, created);
      }
      if (version < kTrackerSchemaVersion && mode == Mode::read_only) {
        // An older tracker database: migrated once, by a connection that may write.
        try {
          check_writable();
        } catch (const Error&) {
          throw_read_only(path, "its schema version " + std::to_string(version) +
                                    " is older than this doseplan's, and must be migrated once");
        }
        connect(Mode::open_existing, false);
      }
      if (version < kTrackerSchemaVersion) migrate();
      // A new store is named once it is whole.
      if (unpublished) made_here = publish();
      return 0;
    });
  }

  // A store to be changed on a read-only file system, or that this user may not write, is said so
  // before SQLite opens it (which would open it read-only and fail later: "unable to open database
  // file").
  void check_writable() const {
    struct statvfs vfs {};
    if (::statvfs(path.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0) {
      throw_read_only(path, "read-only file system");
    }
    if (::access(path.c_str(), W_OK) != 0 && errno != ENOENT) {
      throw_read_only(path, std::strerror(errno));
    }
  }

  // Read-only subcommands on a full disk: SQLite can not size the -shm file that WAL readers
  // share. With no WAL frames (no -wal file, or an empty one) the file alone is the whole
  // database, and no writer can add to it while the disk is full: it is read as a file that does
  // not change, as in a read-only directory. Changes committed in a -wal file can not be read
  // without the -shm file: tracker.disk_full.
  void connect_read_only() {
    try {
      connect(Mode::read_only, false);
    } catch (const SQLite::Exception& e) {
      const int err = db ? sqlite3_system_errno(db->getHandle()) : 0;
      const int code = e.getErrorCode() & 0xff;
      const bool full = code == SQLITE_FULL || ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN) &&
                                                (no_space_errno(err) || out_of_space(path)));
      struct stat wal {};
      const bool no_frames = ::stat((path + "-wal").c_str(), &wal) != 0 || wal.st_size == 0;
      if (!full || !no_frames) rethrow_sqlite(e, path, err);
      connect(Mode::read_only, false, true);
    }
  }

  // Whether a process may be writing the database: its directory is writable (a writer makes the
  // -wal file there), or a -wal file is there already.
  bool writer_possible() const {
    const fs::path p = fs::absolute(fs::path(path));
    std::error_code ec;
    return ::access(p.parent_path().c_str(), W_OK) == 0 || fs::exists(path + "-wal", ec);
  }

  // The database as an SQLite URI: file:///absolute/path, with %, ? and # escaped.
  std::string file_uri() const {
    std::string abs = fs::absolute(fs::path(path)).lexically_normal().string();
    while (abs.size() > 1 && abs[0] == '/' && abs[1] == '/') abs.erase(0, 1);
    std::string uri = "file://";
    for (const char c : abs) {
      if (c == '%' || c == '?' || c == '#') {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        uri += hex;
      } else {
        uri += c;
      }
    }
    return uri;
  }

  struct Contents {
    int app_id = 0;
    int tables = 0;
    int version = 0;
    bool empty() const { return app_id == 0 && tables == 0; }
  };

  // One statement, one snapshot: a start that commits the schema between two reads can not make
  // a new database look like another program's. A file that is not SQLite fails here.
  Contents read_contents() const {
    SQLite::Statement st(*db,
                         "SELECT (SELECT application_id FROM pragma_application_id), (SELECT "
                         "count(*) FROM sqlite_master), (SELECT user_version FROM "
                         "pragma_user_version)");
    st.executeStep();
    return {st.getColumn(0).getInt(), st.getColumn(1).getInt(), st.getColumn(2).getInt()};
  }

  // Opens the connection and checks that the file is a tracker database, or (for track start
  // only) an empty one. An empty file that another start created is given that start's schema:
  // this one waits for it (up to the busy timeout), so that one process alone sets the journal
  // mode and creates the tables.
  void connect(Mode mode, bool created, bool immutable = false) {
    const bool read_only = mode == Mode::read_only;
    db.reset();
    if (read_only && (immutable || !writer_possible())) {
      // SQLite can not make the -shm file of a WAL database in a directory it can not write;
      // nobody can write the database there either, so it is read as a file that does not change.
      db = std::make_unique<SQLite::Database>(
          file_uri() + "?immutable=1",
          SQLite::OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, kBusyTimeoutMs);
    } else {
      // Read-only use opens the file for writing too, so that closing it removes the -wal and -shm
      // files as every other subcommand does; query_only refuses any change through it.
      db = std::make_unique<SQLite::Database>(file, SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                              kBusyTimeoutMs);
      if (read_only) db->exec("PRAGMA query_only = ON");
    }
    db->exec("PRAGMA foreign_keys = ON");
    Contents c = read_contents();
    if (c.empty() && mode == Mode::create_if_missing && !created) {
      const auto until =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
      while (c.empty() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        c = read_contents();
      }
    }
    version = c.version;
    if (c.empty() && mode != Mode::create_if_missing) {
      throw Error("tracker.not_tracker_db", "db",
                  path +
                      " is empty, not a tracker database; nothing was written (doseplan track "
                      "start creates one)");
    }
    if (c.app_id != kTrackerApplicationId && !c.empty()) {
      throw Error("tracker.not_tracker_db", "db",
                  path + " is an SQLite database of another program; give another --db FILE");
    }
    if (version > kTrackerSchemaVersion) {
      throw Error("tracker.db_newer", "db",
                  path + " has schema version " + std::to_string(version) +
                      ", newer than this doseplan knows (" + std::to_string(kTrackerSchemaVersion) +
                      "); use a newer doseplan");
    }
    if (read_only) return;
    db->exec("PRAGMA synchronous = FULL");
    // A new store keeps its rollback journal until publish(). Set once, by the start that made the
    // file; asking again takes no lock.
    if (!unpublished && db->execAndGet("PRAGMA journal_mode").getString() != "wal") {
      db->exec("PRAGMA journal_mode = WAL");  // a file system without shared memory keeps its own
    }
  }

  void migrate() {
    SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have migrated while this one waited for the lock.
    version = db->execAndGet("PRAGMA user_version").getInt();
    if (version > kTrackerSchemaVersion) {
      throw Error("tracker.db_newer", "db",
                  path + " has schema version " + std::to_string(version) +
                      ", newer than this doseplan knows; use a newer doseplan");
    }
    run_migrations(*db, version);
    tx.commit();
    version = kTrackerSchemaVersion;
  }
};

Tracker::Tracker(const std::string& path, Mode mode, bool create_directory)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->file = path;
  impl_->open(mode, create_directory);
}
Tracker::~Tracker() = default;
Tracker::Tracker(Tracker&&) noexcept = default;
Tracker& Tracker::operator=(Tracker&&) noexcept = default;

const std::string& Tracker::path() const {
  return impl_->path;
}
int Tracker::schema_version() const {
  return impl_->version;
}

TrackedPatient Tracker::start(const RuleSet& rules, const std::string& label,
                              const PlanRequest& asked, Date today) {
  check_label(label);
  // The plan is stored whole, with how every number was made, as the record of what was planned.
  PlanRequest request = asked;
  request.explain = true;
  const Plan plan = make_plan(rules, request);
  check_plan_dates(plan);
  const std::string plan_text = render_json(plan);
  const std::string request_text = write_plan_request(request);
  // The stored request must give the same plan again (exports rebuild the plan from it).
  PlanRequest only_explain;
  only_explain.explain = true;
  if (render_json(make_plan(rules, parse_plan_request(request_text, "request", only_explain))) !=
      plan_text) {
    throw std::logic_error("the request does not rebuild the same plan: " + request_text);
  }
  // The first start into a new store that fails while writing (a full disk) leaves no store.
  struct RemoveIfUnused {
    Impl& impl;
    int before = std::uncaught_exceptions();
    ~RemoveIfUnused() {
      if (std::uncaught_exceptions() > before) impl.remove_if_unused();
    }
  } remove_if_unused{*impl_};
  return impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    if (impl_->moved()) {
      throw Error("tracker.db_busy", impl_->path,
                  "the new database was removed while this start waited for it (the start that "
                  "made it failed); nothing was changed, try again");
    }
    {
      SQLite::Statement st(db, "SELECT 1 FROM patients WHERE label = ?");
      bind_text(st, 1, label);
      if (st.executeStep()) {
        throw Error("tracker.duplicate_patient", "label",
                    in_quotes(label) + " is already tracked in " + impl_->path +
                        "; choose another label (history is never overwritten)",
                    zh(tr_both("\"{label}\" is already tracked in {path}; choose another label "
                               "(what is recorded is never overwritten)",
                               {{"label", same_text(label)}, {"path", same_text(impl_->path)}})));
      }
    }
    SQLite::Statement ins(db, "INSERT INTO patients (label, created_on) VALUES (?, ?)");
    bind_text(ins, 1, label);
    bind_text(ins, 2, format_date(today));
    ins.exec();
    const std::int64_t pid = db.getLastInsertRowid();
    SQLite::Statement pl(db,
                         "INSERT INTO plans (patient_id, regimen_id, start_date, end_date, "
                         "plan_json, request_json, created_on, doseplan_version, "
                         "rules_version, rules_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    pl.bind(1, static_cast<int64_t>(pid));
    bind_text(pl, 2, plan.regimen.id);
    bind_text(pl, 3, format_date(plan.start));
    bind_text(pl, 4, format_date(plan.end));
    bind_text(pl, 5, plan_text);
    bind_text(pl, 6, request_text);
    bind_text(pl, 7, format_date(today));
    bind_text(pl, 8, plan.stamp.doseplan_version);
    bind_text(pl, 9, plan.stamp.rules_version);
    bind_text(pl, 10, plan.stamp.rules_hash);
    pl.exec();
    const std::int64_t plan_id = db.getLastInsertRowid();
    SQLite::Statement vi(db,
                         "INSERT INTO visits (plan_id, date, baseline, window_before, "
                         "window_after, items_id, window_first, window_last) VALUES (?, ?, ?, ?, "
                         "?, ?, ?, ?)");
    SQLite::Statement set_ins(
        db, "INSERT OR IGNORE INTO visit_items (items_json, tests_json) VALUES (?, ?)");
    SQLite::Statement set_id(db, "SELECT id FROM visit_items WHERE items_json = ?");
    for (const Visit& v : plan.visits) {
      int before = 0, after = 0;
      std::vector<std::string> tests;
      json items = json::array();
      for (const VisitItem& it : v.items) {
        before = std::max(before, it.window_before);
        after = std::max(after, it.window_after);
        for (const std::string& t : it.tests)
          if (std::find(tests.begin(), tests.end(), t) == tests.end()) tests.push_back(t);
        items.push_back(item_json(it));
      }
      // The set of items is stored once; visits with the same items share it.
      const std::string items_text = items.dump();
      set_ins.reset();
      bind_text(set_ins, 1, items_text);
      bind_text(set_ins, 2, json(tests).dump());
      set_ins.exec();
      set_id.reset();
      bind_text(set_id, 1, items_text);
      if (!set_id.executeStep()) throw std::logic_error("visit items not stored");
      const std::int64_t items_id = set_id.getColumn(0).getInt64();
      set_id.reset();
      vi.reset();
      vi.clearBindings();
      vi.bind(1, static_cast<int64_t>(plan_id));
      bind_text(vi, 2, format_date(v.date));
      vi.bind(3, v.baseline ? 1 : 0);
      vi.bind(4, before);
      vi.bind(5, after);
      vi.bind(6, static_cast<int64_t>(items_id));
      vi.bind(7, static_cast<int64_t>(day_number(v.date - date::days(before))));
      vi.bind(8, static_cast<int64_t>(day_number(v.date + date::days(after))));
      vi.exec();
    }
    tx.commit();
    impl_->started = true;
    TrackedPatient p;
    p.id = pid;
    p.label = label;
    p.regimen_id = plan.regimen.id;
    p.start = plan.start;
    p.end = plan.end;
    p.tracked_since = today;
    p.stamp = plan.stamp;
    return p;
  });
}

std::vector<TrackedPatient> Tracker::patients() const {
  return impl_->guarded([&] {
    SQLite::Statement st(*impl_->db, std::string(Impl::kPatientSelect) + " ORDER BY p.label");
    std::vector<TrackedPatient> out;
    while (st.executeStep()) out.push_back(impl_->read_patient(st));
    return out;
  });
}

TrackedPatient Tracker::patient(const std::string& label) const {
  return impl_->guarded([&] {
    impl_->patient_id(label);
    SQLite::Statement st(*impl_->db, std::string(Impl::kPatientSelect) + " WHERE p.label = ?");
    bind_text(st, 1, label);
    st.executeStep();
    return impl_->read_patient(st);
  });
}

// The text of the stored plan, checked (stored_plan()): it is written out as it is (export).
std::string Tracker::plan_json(const std::string& label) const {
  return impl_->guarded([&] {
    const std::int64_t pid = impl_->patient_id(label);
    SQLite::Statement st(*impl_->db, "SELECT plan_json FROM plans WHERE patient_id = ?");
    st.bind(1, static_cast<int64_t>(pid));
    st.executeStep();
    std::string text = st.getColumn(0).getString();
    stored_plan(text, pid);
    return text;
  });
}

PlanRequest Tracker::request(const std::string& label) const {
  return impl_->guarded([&] {
    const std::int64_t pid = impl_->patient_id(label);
    SQLite::Statement st(*impl_->db, "SELECT request_json FROM plans WHERE patient_id = ?");
    st.bind(1, static_cast<int64_t>(pid));
    st.executeStep();
    return stored_request(st.getColumn(0).getString(), pid);
  });
}

Plan Tracker::rebuild_plan(const RuleSet& rules, const std::string& label, bool* changed) const {
  PlanRequest q = request(label);
  q.explain = true;  // as stored by start()
  const Plan plan = make_plan(rules, q);
  if (changed)
    *changed = !detail::same_plan(json::parse(render_json(plan)), json::parse(plan_json(label)));
  return plan;
}

PlanChecks Tracker::plan_checks(const std::string& label) const {
  const std::string text = plan_json(label);
  try {
    return checks_of_plan_json(text, "tracker:" + label);
  } catch (const Error& e) {  // JSON, but its checks are not of the shape written
    return impl_->guarded([&]() -> PlanChecks {
      damaged(stored_at("plans.plan_json", impl_->patient_id(label), "patient_id"),
              "a plan whose checks can not be read (" + e.problems().front().message + ")");
    });
  }
}

Recorded Tracker::record(const RuleSet& rules, const RecordRequest& r) {
  // Every check before the database is touched.
  check_label(r.label);
  check_plausible_date(r.date, r.today, std::nullopt, "date");
  check_note(r.note);
  const LabTest* lab = rules.find_lab(r.test);
  if (lab == nullptr) {
    unknown_test(rules.labs, r.test);
  }
  Measurement value = parse_measurement(*lab, r.value, "value");
  std::optional<Measurement> uln;
  if (r.uln) {
    uln = parse_measurement(*lab, *r.uln, "uln");
    if (!(uln->value > 0)) {
      throw Error(
          "tracker.bad_uln", "uln",
          "the upper limit of normal must be above 0, as printed on the report",
          zh(tr_both("the upper limit of normal must be above 0 (given: \"{uln}\"); write it as "
                     "printed on the lab report, such as --uln \"40 U/L\"",
                     {{"uln", same_text(*r.uln)}})));
    }
  }
  return impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const std::int64_t pid = impl_->patient_id(r.label);
    check_plausible_date(r.date, r.today, impl_->birth_date(pid), "date");
    Recorded out;
    {
      SQLite::Statement st(db,
                           "SELECT id FROM results WHERE patient_id = ? AND test = ? AND date = ? "
                           "AND id NOT IN (SELECT result_id FROM entered_in_error) ORDER BY id");
      st.bind(1, static_cast<int64_t>(pid));
      bind_text(st, 2, r.test);
      bind_text(st, 3, format_date(r.date));
      while (st.executeStep()) out.same_day.push_back(st.getColumn(0).getInt64());
    }
    SQLite::Statement ins(
        db,
        "INSERT INTO results (patient_id, test, date, value_as_entered, unit_as_entered, "
        "value_canonical, unit_canonical, uln_as_entered, uln_unit_as_entered, uln_canonical, "
        "note, recorded_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, static_cast<int64_t>(pid));
    bind_text(ins, 2, r.test);
    bind_text(ins, 3, format_date(r.date));
    bind_text(ins, 4, value.value_entered);
    bind_text(ins, 5, value.unit_entered);
    ins.bind(6, value.value);
    bind_text(ins, 7, value.unit);
    if (uln) {
      bind_text(ins, 8, uln->value_entered);
      bind_text(ins, 9, uln->unit_entered);
      ins.bind(10, uln->value);
    } else {
      ins.bind(8);
      ins.bind(9);
      ins.bind(10);
    }
    bind_text(ins, 11, r.note);
    bind_text(ins, 12, format_date(r.today));
    ins.exec();
    out.result.id = db.getLastInsertRowid();
    tx.commit();
    out.result.label = r.label;
    out.result.test = r.test;
    out.result.date = r.date;
    out.result.value = value;
    out.result.uln = uln;
    out.result.note = r.note;
    out.result.recorded_on = r.today;
    return out;
  });
}

MarkedDone Tracker::mark_done(const std::string& label, Date visit_date, Date done_on,
                              const std::string& note, Date today) {
  check_label(label);
  check_plausible_date(done_on, today, std::nullopt, "on");
  check_note(note);
  return impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    const std::int64_t pid = impl_->patient_id(label);
    check_plausible_date(done_on, today, impl_->birth_date(pid), "on");
    std::vector<TrackedVisit> visits = impl_->read_visits(pid);
    auto it = std::find_if(visits.begin(), visits.end(),
                           [&](const TrackedVisit& v) { return v.date == visit_date; });
    if (it == visits.end()) {
      std::vector<TrackedVisit> near = visits;
      std::sort(near.begin(), near.end(), [&](const TrackedVisit& a, const TrackedVisit& b) {
        return std::abs((a.date - visit_date).count()) < std::abs((b.date - visit_date).count());
      });
      std::vector<std::string> dates;
      for (std::size_t i = 0; i < near.size() && i < 3; ++i)
        dates.push_back(format_date(near[i].date));
      std::sort(dates.begin(), dates.end());
      throw Error("tracker.unknown_visit", "visit",
                  "no visit of " + label + " is planned on " + format_date(visit_date) +
                      (dates.empty() ? std::string() : "; the nearest: " + join(dates, ", ")) +
                      " (doseplan track due --label " + label + " lists them)",
                  (dates.empty()
                       ? zh(tr_both("no visit of {label} is planned on {date} (doseplan track due "
                                    "--label {label} lists them)",
                                    {{"label", same_text(label)},
                                     {"date", same_text(format_date(visit_date))},
                                     {"nearest", {join(dates, ", "), join(dates, "\u3001")}}}))
                       : zh(tr_both("no visit of {label} is planned on {date}; the nearest: "
                                    "{nearest} (doseplan track due --label {label} lists them)",
                                    {{"label", same_text(label)},
                                     {"date", same_text(format_date(visit_date))},
                                     {"nearest", {join(dates, ", "), join(dates, "\u3001")}}}))));
    }
    MarkedDone out;
    if (it->done) {
      out.visit = *it;
      out.already_done = true;
      return out;  // nothing to change; the transaction is rolled back unwritten
    }
    SQLite::Statement up(db, "UPDATE visits SET done = 1, done_on = ?, done_note = ? WHERE id = ?");
    bind_text(up, 1, format_date(done_on));
    bind_text(up, 2, note);
    up.bind(3, static_cast<int64_t>(it->id));
    up.exec();
    tx.commit();
    it->done = true;
    it->done_on = done_on;
    it->done_note = note;
    out.visit = *it;
    return out;
  });
}

MarkedInError Tracker::mark_entered_in_error(const std::string& label, std::int64_t result_id,
                                             const std::string& reason, Date today) {
  check_label(label);
  if (trim(reason).empty()) {
    throw Error("tracker.no_reason", "reason",
                "say why the result is entered in error (kept with the mark), e.g. --reason "
                "\"typed 0206 for 2026\"",
                zh(tr_both("say why the result is entered in error (it is kept with the mark), for "
                           "example --reason \"typed 0206 for 2026\"")));
  }
  check_note(reason, "reason");
  return impl_->guarded([&] {
    SQLite::Database& db = *impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    impl_->patient_id(label);
    // Only a result of this patient: the id of another patient's result is not told apart from
    // an id that does not exist.
    std::vector<TrackedResult> mine = impl_->read_results("WHERE p.label = ?", label);
    auto it = std::find_if(mine.begin(), mine.end(),
                           [&](const TrackedResult& r) { return r.id == result_id; });
    if (it == mine.end()) {
      throw Error(
          "tracker.unknown_result", "result",
          "no result #" + std::to_string(result_id) + " of " + label +
              " (doseplan track history --label " + label + " lists them with their #)",
          zh(tr_both("no result #{id} of {label} (doseplan track history --label {label} "
                     "lists them with their #)",
                     {{"id", same_text(std::to_string(result_id))}, {"label", same_text(label)}})));
    }
    MarkedInError out;
    if (it->entered_in_error) {
      out.result = *it;
      out.already_marked = true;
      return out;  // nothing to change; the transaction is rolled back unwritten
    }
    SQLite::Statement ins(
        db, "INSERT INTO entered_in_error (result_id, marked_on, reason) VALUES (?, ?, ?)");
    ins.bind(1, static_cast<int64_t>(result_id));
    bind_text(ins, 2, format_date(today));
    bind_text(ins, 3, reason);
    ins.exec();
    tx.commit();
    it->entered_in_error = EnteredInError{today, reason};
    out.result = *it;
    return out;
  });
}

std::vector<TrackedResult> Tracker::results(const std::string& label) const {
  return impl_->guarded([&] {
    impl_->patient_id(label);
    std::vector<TrackedResult> results = impl_->read_results("WHERE p.label = ?", label);
    // The texts shown again, as stored (dates and numbers are checked as they are read).
    for (const TrackedResult& r : results) {
      stored_text(r.test, "results.test", r.id);
      stored_text(r.value.value_entered, "results.value_as_entered", r.id);
      stored_text(r.value.unit_entered, "results.unit_as_entered", r.id);
      stored_text(r.value.unit, "results.unit_canonical", r.id);
      if (r.uln) {
        stored_text(r.uln->value_entered, "results.uln_as_entered", r.id);
        stored_text(r.uln->unit_entered, "results.uln_unit_as_entered", r.id);
      }
      stored_text(r.note, "results.note", r.id);
      if (r.entered_in_error) {
        stored_text(r.entered_in_error->reason, "entered_in_error.reason", r.id);
      }
    }
    return results;
  });
}

std::vector<TrackedVisit> Tracker::visits(const std::string& label) const {
  return impl_->guarded([&] { return impl_->read_visits(impl_->patient_id(label)); });
}

// The visits to show: not done, and whose window opens by the horizon. For all patients they are
// one range of the partial index visits_due (the visits not done, in the order of their windows'
// first day, with every column read here), read first; then their plans' patients and regimens
// (plans_by_patient: not the plan's JSON) in one pass over the plans. One patient's visits come
// from visits_open (by plan, then window). The tests recorded in each window are read patient by
// patient afterwards, and the item sets named are read and parsed once each (visit_items). The
// statements are stepped through the C API: SQLiteCpp's columns cost a shared pointer each.
std::vector<DueVisit> Tracker::due(const std::optional<std::string>& label, Date today,
                                   Span within) const {
  const Date horizon = add_span(today, within);
  // Columns 0-6 in both; 7-9 (the patient) only for one patient.
  static constexpr const char* kColumns =
      "SELECT v.plan_id, v.id, v.window_first, v.window_before, v.window_after, v.baseline, "
      "v.items_id";
  const std::string sql =
      std::string(kColumns) +
      (label ? ", p.label, pl.regimen_id, pl.patient_id FROM patients p CROSS JOIN plans pl "
               "INDEXED BY plans_by_patient CROSS JOIN visits v INDEXED BY visits_open WHERE "
               "p.label = ?2 AND pl.patient_id = p.id AND v.plan_id = pl.id AND v.done = 0 AND "
               "v.window_first <= ?1"
             : " FROM visits v INDEXED BY visits_due WHERE v.done = 0 AND v.window_first <= ?1");
  return impl_->guarded([&] {
    // One read transaction: a consistent snapshot across patients.
    SQLite::Transaction tx(*impl_->db, SQLite::TransactionBehavior::DEFERRED);
    if (label) impl_->patient_id(*label);  // tracker.unknown_patient
    sqlite3* const handle = impl_->db->getHandle();
    using Statement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;
    const auto prepare = [&](const char* text) {
      sqlite3_stmt* raw = nullptr;
      if (const int rc = sqlite3_prepare_v2(handle, text, -1, &raw, nullptr); rc != SQLITE_OK) {
        throw SQLite::Exception(handle, rc);
      }
      return Statement(raw, sqlite3_finalize);
    };
    const auto text_of = [](sqlite3_stmt* st, int col) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
      return std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
    };
    const Statement st = prepare(sql.c_str());
    sqlite3_stmt* const raw = st.get();
    sqlite3_bind_int64(raw, 1, day_number(horizon));
    if (label) sqlite3_bind_text(raw, 2, label->data(), static_cast<int>(label->size()), nullptr);
    ItemSets sets;
    std::optional<SQLite::Statement> items_st;
    // Each visit listed is read straight into the list, which is put in order in place at the
    // end: a DueVisit is 72 bytes (the label, the regimen and the item set's lists are shared,
    // not copied), so that no other copy of the rows is made.
    struct Patient {
      SharedText label;
      SharedText regimen_id;
      std::int64_t id;
    };
    // Each regimen once: a clinic's thousands of patients follow a few dozen regimens, and the
    // visits share the text.
    std::unordered_map<std::string_view, SharedText> regimens;
    const auto regimen_text = [&](std::string_view id) -> const SharedText& {
      if (const auto it = regimens.find(id); it != regimens.end()) return it->second;
      SharedText text{std::string(id)};
      const std::string_view key = text.str();  // in the shared block: it does not move
      return regimens.emplace(key, std::move(text)).first->second;
    };
    std::vector<DueVisit> found;
    std::vector<Patient> patients;        // in the order of their ids
    std::vector<std::int64_t> row_plans;  // all patients: each visit's plan
    if (!label) {
      // Room for a large clinic's list: pages not written are never touched, and the vectors do
      // not move as they grow.
      found.reserve(std::size_t{1} << 15);
      row_plans.reserve(std::size_t{1} << 15);
    }
    const std::int64_t today_day = day_number(today);
    int rc = SQLITE_ROW;
    std::int64_t last_set_id = -1;
    const ItemSet* last_set = nullptr;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      DueVisit& d = found.emplace_back();
      PlannedVisit& v = d.visit;
      v.id = sqlite3_column_int64(raw, 1);
      const std::int64_t first = sqlite3_column_int64(raw, 2);  // days since 1970-01-01
      v.window_before = sqlite3_column_int(raw, 3);
      v.window_after = sqlite3_column_int(raw, 4);
      v.baseline = sqlite3_column_int(raw, 5) != 0;
      v.date = Date(date::days(first + v.window_before));
      if (const std::int64_t set_id = sqlite3_column_int64(raw, 6);
          set_id != last_set_id || last_set == nullptr) {
        last_set = &impl_->item_set(sets, items_st, set_id);
        last_set_id = set_id;
      }
      v.tests = last_set->tests;
      v.items = last_set->items;
      const std::int64_t last = first + v.window_before + v.window_after;
      if (today_day > last) {
        d.status = DueVisit::Status::overdue;
        d.days = static_cast<int>(today_day - last);
      } else if (first <= today_day) {
        d.status = DueVisit::Status::due;
        d.days = static_cast<int>(last - today_day);
      } else {
        d.status = DueVisit::Status::upcoming;
        d.days = static_cast<int>(first - today_day);
      }
      if (label) {
        if (patients.empty()) {
          patients.push_back({SharedText(std::string(text_of(raw, 7))),
                              SharedText(std::string(text_of(raw, 8))),
                              sqlite3_column_int64(raw, 9)});
        }
      } else {
        row_plans.push_back(sqlite3_column_int64(raw, 0));
      }
    }
    if (rc != SQLITE_DONE) throw SQLite::Exception(handle, rc);
    std::vector<std::uint32_t> row_patient(found.size(), 0);  // each visit's, in `patients`
    if (!label && !found.empty()) {
      // Every plan with its patient, in the order of the patients' ids (a scan of
      // plans_by_patient, a few pages: cheaper than seeking a plan's row, one page each because
      // of its JSON), keeping the plans listed. The plans' ids are rowids, numbered from 1 as
      // they were made: a table indexed by plan id says which are listed and their patient
      // (sorting the plans' ids and searching them cost more than the scan). A store whose ids
      // are far larger than its rows (only a hand-made one) has them sorted and searched.
      constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
      constexpr std::uint32_t kListed = kNone - 1;
      const auto [min_plan, max_plan] = std::minmax_element(row_plans.begin(), row_plans.end());
      const bool dense = *min_plan >= 0 && *max_plan < std::int64_t{1} << 24;
      std::vector<std::int64_t> plans_listed;  // if not dense: the plans listed, sorted, once each
      std::vector<std::uint32_t> patient_of;   // by plan id (dense) or as plans_listed
      if (dense) {
        patient_of.assign(static_cast<std::size_t>(*max_plan) + 1, kNone);
        for (const std::int64_t plan : row_plans)
          patient_of[static_cast<std::size_t>(plan)] = kListed;
      } else {
        plans_listed = row_plans;
        std::sort(plans_listed.begin(), plans_listed.end());
        plans_listed.erase(std::unique(plans_listed.begin(), plans_listed.end()),
                           plans_listed.end());
        patient_of.assign(plans_listed.size(), kListed);
      }
      const auto slot = [&](std::int64_t plan) -> std::uint32_t* {
        if (dense) {
          return plan >= 0 && plan < static_cast<std::int64_t>(patient_of.size())
                     ? &patient_of[static_cast<std::size_t>(plan)]
                     : nullptr;
        }
        const auto it = std::lower_bound(plans_listed.begin(), plans_listed.end(), plan);
        return it != plans_listed.end() && *it == plan
                   ? &patient_of[static_cast<std::size_t>(it - plans_listed.begin())]
                   : nullptr;
      };
      patients.reserve(std::min<std::size_t>(found.size(), patient_of.size()));
      const Statement plans_st = prepare(
          "SELECT pl.id, pl.patient_id, p.label, pl.regimen_id FROM plans pl INDEXED BY "
          "plans_by_patient CROSS JOIN patients p WHERE p.id = pl.patient_id");
      sqlite3_stmt* const ps = plans_st.get();
      while ((rc = sqlite3_step(ps)) == SQLITE_ROW) {
        std::uint32_t* const s = slot(sqlite3_column_int64(ps, 0));
        if (s == nullptr || *s != kListed) continue;
        *s = static_cast<std::uint32_t>(patients.size());
        patients.push_back({SharedText(std::string(text_of(ps, 2))), regimen_text(text_of(ps, 3)),
                            sqlite3_column_int64(ps, 1)});
      }
      if (rc != SQLITE_DONE) throw SQLite::Exception(handle, rc);
      std::size_t kept = 0;
      for (std::size_t i = 0; i < found.size(); ++i) {
        const std::uint32_t p = *slot(row_plans[i]);
        if (p == kListed) continue;  // a plan without its patient: not listed (as a join would)
        if (kept != i) found[kept] = std::move(found[i]);
        row_patient[kept] = p;
        ++kept;
      }
      found.resize(kept);
      row_patient.resize(kept);
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
      found[i].label = patients[row_patient[i]].label;
      found[i].regimen_id = patients[row_patient[i]].regimen_id;
    }
    // The visits of each patient, patient by patient (a counting sort: patient p's visits are
    // by_patient[begin[p]] to by_patient[begin[p + 1]] - 1).
    std::vector<std::uint32_t> begin(patients.size() + 1, 0);
    for (const std::uint32_t p : row_patient) ++begin[p + 1];
    for (std::size_t p = 0; p < patients.size(); ++p) begin[p + 1] += begin[p];
    std::vector<std::uint32_t> by_patient(found.size());
    {
      std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
      for (std::size_t i = 0; i < found.size(); ++i) {
        by_patient[next[row_patient[i]]++] = static_cast<std::uint32_t>(i);
      }
    }
    // The tests recorded in each window. The patients are in the order of their ids, and so are
    // the results in results_by_patient (patient, test, date): one statement walks the results
    // alongside, seeking only when it is behind the patient. So a patient without results costs
    // nothing once the walk has passed them, and a patient's results are read once, not once a
    // visit.
    const Statement results_st = prepare(
        "SELECT patient_id, test, date FROM results INDEXED BY results_by_patient WHERE "
        "patient_id >= ?1 AND id NOT IN (SELECT result_id FROM entered_in_error) "
        "ORDER BY patient_id, test, date");
    sqlite3_stmt* const raw_results = results_st.get();
    bool walking = false;              // raw_results has been stepped since its last reset
    std::int64_t results_patient = 0;  // the patient of its current row; INT64_MAX at the end
    const auto step_results = [&] {
      const int step = sqlite3_step(raw_results);
      if (step != SQLITE_ROW && step != SQLITE_DONE) throw SQLite::Exception(handle, step);
      results_patient = step == SQLITE_ROW ? sqlite3_column_int64(raw_results, 0)
                                           : std::numeric_limits<std::int64_t>::max();
    };
    std::vector<std::pair<std::string, std::string>> recorded;  // test, date (YYYY-MM-DD)
    for (std::size_t p = 0; p < patients.size(); ++p) {
      const std::uint32_t* const b = by_patient.data() + begin[p];
      const std::uint32_t* const e = by_patient.data() + begin[p + 1];
      const std::int64_t patient = patients[p].id;
      if (b == e) continue;
      if (!walking || results_patient < patient) {
        sqlite3_reset(raw_results);
        sqlite3_bind_int64(raw_results, 1, patient);
        walking = true;
        step_results();
      }
      if (results_patient != patient) continue;  // no result
      Date first = found[*b].visit.window_first();
      Date last = found[*b].visit.window_last();
      for (const std::uint32_t* i = b + 1; i != e; ++i) {
        first = std::min(first, found[*i].visit.window_first());
        last = std::max(last, found[*i].visit.window_last());
      }
      const std::string first_text = format_date(first), last_text = format_date(last);
      recorded.clear();
      for (; results_patient == patient; step_results()) {
        const std::string_view on = text_of(raw_results, 2);
        if (first_text <= on && on <= last_text) {
          recorded.emplace_back(text_of(raw_results, 1), on);
        }
      }
      if (recorded.empty()) continue;
      // The tests of each visit with a result inside its window (dates compared as the text
      // stored, as SQL compares them), in the visit's order.
      for (const std::uint32_t* i = b; i != e; ++i) {
        DueVisit& d = found[*i];
        const std::string from = format_date(d.visit.window_first());
        const std::string to = format_date(d.visit.window_last());
        std::vector<std::string> tests;
        for (const std::string& t : d.visit.tests) {
          const bool in_window = std::any_of(recorded.begin(), recorded.end(), [&](const auto& x) {
            return x.first == t && from <= x.second && x.second <= to;
          });
          if (in_window) tests.push_back(t);
        }
        if (!tests.empty()) d.tests_recorded = std::move(tests);
      }
    }
    tx.commit();
    // Overdue first, then due, then upcoming; by date, then label. A patient has one visit a
    // date, so the order is total. The patients are ranked by label once, and the visits taken
    // patient by patient in that order; then one counting sort by status and date (stable: the
    // labels stay in order) gives each visit its place.
    const auto prefix_of = [](const std::string& name) {  // the first 8 bytes, big-endian
      std::uint64_t p = 0;
      for (std::size_t i = 0; i < 8; ++i) {
        p = (p << 8) | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0U);
      }
      return p;
    };
    std::vector<std::pair<std::uint64_t, std::uint32_t>> by_label;  // prefix, patient
    by_label.reserve(patients.size());
    for (std::size_t i = 0; i < patients.size(); ++i) {
      by_label.emplace_back(prefix_of(patients[i].label), static_cast<std::uint32_t>(i));
    }
    const auto label_order = [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return patients[a.second].label.str() < patients[b.second].label.str();
    };
    // (Often already so: labels given in the order the patients came.)
    if (!std::is_sorted(by_label.begin(), by_label.end(), label_order)) {
      std::sort(by_label.begin(), by_label.end(), label_order);
    }
    std::vector<std::uint32_t> by_rank;  // the visits, by label
    by_rank.reserve(found.size());
    for (const auto& [prefix, p] : by_label) {
      by_rank.insert(by_rank.end(), by_patient.data() + begin[p], by_patient.data() + begin[p + 1]);
    }
    const auto day_of = [](const DueVisit& d) -> std::int64_t {
      return d.visit.date.time_since_epoch().count();
    };
    std::vector<std::uint32_t> sorted(found.size());  // the visit to put at each place
    if (!found.empty()) {
      std::int64_t min_day = day_of(found.front()), max_day = min_day;
      for (const DueVisit& d : found) {
        min_day = std::min(min_day, day_of(d));
        max_day = std::max(max_day, day_of(d));
      }
      // A counting sort when the days listed are no more than the visits (a clinic's list: 14,825
      // visits over about 400 days), else a sort by comparison (a short list, or days spread
      // over years), in the same order.
      const std::int64_t span = max_day - min_day + 1;
      if (span <= static_cast<std::int64_t>(found.size())) {
        const auto bucket = [&](const DueVisit& d) {
          return static_cast<std::size_t>(static_cast<std::int64_t>(d.status) * span +
                                          (day_of(d) - min_day));
        };
        std::vector<std::uint32_t> at(static_cast<std::size_t>(span) * 3 + 1, 0);
        for (const DueVisit& d : found) ++at[bucket(d) + 1];
        for (std::size_t k = 1; k < at.size(); ++k) at[k] += at[k - 1];
        for (const std::uint32_t i : by_rank) sorted[at[bucket(found[i])]++] = i;
      } else {
        sorted = by_rank;
        std::stable_sort(sorted.begin(), sorted.end(), [&](std::uint32_t a, std::uint32_t b) {
          return std::pair(found[a].status, day_of(found[a])) <
                 std::pair(found[b].status, day_of(found[b]));
        });
      }
    }
    // The visits put in place (found[k] becomes the visit at sorted[k]), each cycle of the
    // permutation walked once: one move a visit.
    for (std::size_t k = 0; k < sorted.size(); ++k) {
      if (sorted[k] == k) continue;
      DueVisit held = std::move(found[k]);
      std::size_t at = k;
      for (;;) {
        const std::size_t from = sorted[at];
        sorted[at] = static_cast<std::uint32_t>(at);
        if (from == k) {
          found[at] = std::move(held);
          break;
        }
        found[at] = std::move(found[from]);
        at = from;
      }
    }
    return found;
  });
}

std::vector<Advice> Tracker::advise(const RuleSet& rules, const std::string& label, Date today,
                                    const std::optional<std::string>& only_test) const {
  if (only_test && rules.find_lab(*only_test) == nullptr) {
    unknown_test(rules.labs, *only_test);
  }
  const TrackedPatient p = patient(label);
  const Regimen* regimen = rules.find_regimen(p.regimen_id);
  if (regimen == nullptr) {
    throw Error("input.unknown_regimen", "regimen",
                "the plan of " + label + " uses the regimen \"" + p.regimen_id +
                    "\", which the rules in " + rules.directory + " do not have");
  }
  return doseplan::advise(*regimen, rules.labs, p.start, results(label), today, only_test);
}

}  // namespace doseplan
