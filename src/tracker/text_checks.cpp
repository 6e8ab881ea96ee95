// Labels, notes and dates as typed, checked before anything is stored; the small text helpers
// the tracker's files share (store.hpp).
#include <algorithm>
#include <cctype>

#include "core/utf8.hpp"
#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "tracker/store.hpp"

namespace doseplan {

namespace detail {

// ------------------------------------------------------------------ small helpers

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

// The Chinese detail of an error (Problem::message_zh, printed with --lang zh-CN): the Chinese
// half of tr_both() of the detail in English, the msgid in po/zh_CN/track.po, with named
// {placeholders}.
std::string zh(const LocalizedText& text) {
  return text.zh;
}

void check_label(const std::string& label, const std::string& field) {
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

void check_note(const std::string& note, const std::string& field) {
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

namespace {

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

}  // namespace

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

}  // namespace detail

using namespace detail;  // NOLINT: the tracker's own helpers (store.hpp)

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

}  // namespace doseplan
