// iCalendar (RFC 5545) export of the monitoring visits of a plan: see ics.hpp and docs/calendar.md.
//
// - One VEVENT per visit. A visit with a trough level (an item whose timing text mentions the
//   trough or C0) is a timed event at 07:30 floating local time lasting 30 minutes, before the
//   morning dose (project default); every other visit is an all-day event.
// - UID: from the regimen id, the start date, the visit date and the patient label, so that
//   exporting the same plan again gives the same UIDs (a re-import updates the events).
// - DTSTAMP: the plan's start date at 00:00:00 UTC; the library never reads the clock, so two
//   exports of the same plan are byte for byte the same.
// - TEXT values escaped (\\ \; \, \n); content lines folded at 75 octets (CRLF + one space),
//   never inside a UTF-8 sequence or an escape; every line ends with CRLF.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/ics.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"
#include "doseplan/version.hpp"
#include "doseplan/wording.hpp"

namespace doseplan {
namespace {

// Project defaults (docs/calendar.md): a trough level is drawn before the morning dose.
constexpr const char* kTroughTime = "073000";  // 07:30 floating local time
constexpr const char* kTroughClock = "07:30";
constexpr const char* kTroughDuration = "PT30M";
constexpr int kMaxReminderMinutes = 4 * 7 * 24 * 60;  // 4 weeks

constexpr std::size_t kMaxLineOctets = 75;  // RFC 5545 §3.1, without the CRLF

// RFC 5545 §3.3.11 TEXT: backslash, semicolon and comma escaped, a line break written \n. Other
// control characters are not allowed in TEXT and are dropped (a tab stays).
std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        if (i + 1 < s.size() && s[i + 1] == '\n') break;  // CRLF: one line break
        out += "\\n";
        break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) break;
        out += c;
    }
  }
  return out;
}

// Length of the unit starting at s[i] that a fold must not split: an escape pair (\n, \,) or one
// UTF-8 character.
std::size_t unit_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 1;
  if (c == '\\' || (c & 0xE0) == 0xC0) {  // an escape and its letter, or a two-byte character
    n = 2;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
  }
  return std::min(n, s.size() - i);
}

// One content line, folded (RFC 5545 §3.1): at most 75 octets a line, a continuation line is
// CRLF + one space + the rest; every line ends with CRLF.
std::string fold(std::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  std::size_t used = 0;  // octets on the current output line
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t n = unit_length(line, i);
    if (used + n > kMaxLineOctets) {
      out += "\r\n ";
      used = 1;
    }
    out.append(line.substr(i, n));
    used += n;
    i += n;
  }
  return out + "\r\n";
}

// A piece of a UID: letters, digits and '-' as they are, every other octet as _XX (hex), so that
// '.', the separator of the pieces, never appears inside one, the UID is plain ASCII without TEXT
// escapes or '%', and different labels give different UIDs.
std::string uid_piece(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x80 && std::isalnum(u) != 0) || c == '-') {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "_%02X", u);
      out += hex;
    }
  }
  return out;
}

// "20261201"
std::string ics_date(Date d) {
  std::string s = format_date(d);
  std::erase(s, '-');
  return s;
}

class IcsWriter {
 public:
  IcsWriter(const Plan& plan, const IcsOptions& options) : plan_(plan), opt_(options) {}

  std::string render() {
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    // The program and the rules that made the calendar (RFC 5545 3.7.3: a globally unique text).
    std::string prodid = std::string("PRODID:-//doseplan//doseplan ") + version();
    if (!plan_.stamp.rules_hash.empty())
      prodid += " rules " + plan_.stamp.rules_version + " sha256 " + plan_.stamp.rules_hash;
    line(prodid + "//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    text("X-WR-CALNAME", calendar_name());
    text("X-WR-CALDESC", calendar_description());
    for (std::size_t k = 0; k < plan_.visits.size(); ++k) event(plan_.visits[k], k);
    line("END:VCALENDAR");
    return out_;
  }

 private:
  const Plan& plan_;
  const IcsOptions& opt_;
  std::string out_;

  std::string t(std::string_view key) const { return tr(opt_.lang, key); }
  std::string p(const LocalizedText& text) const { return pick(text, opt_.lang); }
  const char* lang_tag() const { return opt_.lang == Lang::zh_CN ? "zh-CN" : "en"; }

  void line(std::string_view content) { out_ += fold(content); }
  void text(std::string_view name, std::string_view value) {
    line(std::string(name) + ":" + escape_text(value));
  }
  // A text property with its language (RFC 5545 §3.2.10).
  void localized(std::string_view name, std::string_view value) {
    line(std::string(name) + ";LANGUAGE=" + lang_tag() + ":" + escape_text(value));
  }

  std::string calendar_name() const {
    std::string name = fill(t("{drug} monitoring visits ({regimen})"),
                            {{"drug", p(plan_.regimen.drug.name)}, {"regimen", plan_.regimen.id}});
    if (!opt_.patient_label.empty()) name += " \u2014 " + opt_.patient_label;
    return name;
  }

  // "cycloSPORINE — Refractory immune thrombocytopenia (ITP) (cyclosporine-itp)"
  std::string regimen_line() const {
    return fill(t("{drug} \u2014 {indication} ({regimen})"),
                {{"drug", p(plan_.regimen.drug.name)},
                 {"indication", p(plan_.regimen.indication)},
                 {"regimen", plan_.regimen.id}});
  }

  // The acknowledgements the user gave, one a line (nothing when none).
  std::string acknowledgements() const {
    std::string d;
    for (const LocalizedText& a : plan_.acknowledgements) {
      d += "\n" + t("Acknowledged by the user (--acknowledge-off-label):") + " " + p(a);
    }
    return d;
  }

  // The checks about the patient under their heading, then the acknowledgements.
  std::string checks() const {
    if (plan_.checks.empty() && plan_.acknowledgements.empty()) return "";
    std::string d = "\n\n" +
                    t("Checks about the patient (the regimen's limits; doseplan changes no "
                      "dose)") +
                    ":";
    for (const PatientCheck& c : plan_.checks) {
      d += "\n- [" + check_mark(c.action, opt_.lang) + "] " + p(c.text) + " (" +
           source_tag(c.from) + ")";
    }
    return d + acknowledgements();
  }

  std::string calendar_description() const {
    std::string d =
        p(plan_.disclaimer) + checks() + "\n\n" + regimen_line() + "\n\n" + t("Sources:");
    d += "\n" + sources_text(plan_.sources, opt_.lang, "");
    return d + "\n" + stamp_text(plan_.stamp, opt_.lang);
  }

  std::string uid(const Visit& v) const {
    std::string u = "doseplan." + uid_piece(plan_.regimen.id) + "." + ics_date(plan_.start) + "." +
                    ics_date(v.date);
    if (!opt_.patient_label.empty()) u += "." + uid_piece(opt_.patient_label);
    return u + "@doseplan";
  }

  std::string lab_name(const std::string& id) const {
    for (const LabTest& lab : plan_.labs)
      if (lab.id == id) return p(lab.name);
    return id;
  }

  std::string list(const std::vector<std::string>& names) const {
    const std::string sep = opt_.lang == Lang::zh_CN ? t(", ") : ", ";
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : sep) + n;
    return out;
  }

  std::vector<std::string> test_names(const Visit& v) const {
    std::vector<std::string> names;
    for (const VisitItem& item : v.items) {
      for (const std::string& id : item.tests) {
        std::string n = lab_name(id);
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
      }
    }
    return names;
  }

  std::string summary(const Visit& v) const {
    return fill(t("Tests: {tests}"), {{"tests", list(test_names(v))}});
  }

  std::string source_tag(const Provenance& from) const {
    return provenance_words(plan_.sources, from, opt_.lang);
  }

  std::string description(const Visit& v, std::size_t k, bool timed) const {
    std::string d = regimen_line() + "\n";
    if (!opt_.patient_label.empty()) {
      d += fill(t("Patient: {label}"), {{"label", opt_.patient_label}}) + "\n";
    }
    d += fill(t(v.baseline ? "Visit {k} of {n}: {date} (before day 1: baseline tests)"
                           : "Visit {k} of {n}: {date}"),
              {{"k", std::to_string(k + 1)},
               {"n", std::to_string(plan_.visits.size())},
               {"date", format_date(v.date)}}) +
         "\n";
    // The window every item of the visit allows (the narrowest).
    int before = 0, after = 0;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      before = i == 0 ? v.items[i].window_before : std::min(before, v.items[i].window_before);
      after = i == 0 ? v.items[i].window_after : std::min(after, v.items[i].window_after);
    }
    if (before > 0 || after > 0) {
      d += fill(t("May be done {from} to {to}."),
                {{"from", format_date(v.date - date::days{before})},
                 {"to", format_date(v.date + date::days{after})}}) +
           "\n";
    }
    if (timed) {
      d += fill(t("At {time} (doseplan default time): the blood level is a trough, taken just "
                  "before the morning dose. Move the event to just before your own morning dose."),
                {{"time", kTroughClock}}) +
           "\n";
    }
    d += "\n";
    for (const VisitItem& item : v.items) {
      std::vector<std::string> names;
      for (const std::string& id : item.tests) names.push_back(lab_name(id));
      // One test named like its item: its name once, never "C0：C0" (issue 16, N5).
      d += "- " +
           (names.size() == 1 && names.front() == p(item.name)
                ? p(item.name)
                : fill(t("{item}: {tests}"), {{"item", p(item.name)}, {"tests", list(names)}})) +
           "\n";
      d += "  " +
           fill(t("Why: {reason} ({source})"),
                {{"reason", p(item.reason)}, {"source", source_tag(item.from)}}) +
           "\n";
      if (!p(item.timing).empty()) {
        d += "  " + fill(t("How: {timing}"), {{"timing", p(item.timing)}}) + "\n";
      }
    }
    return d + "\n" + p(plan_.disclaimer) + acknowledgements();
  }

  void event(const Visit& v, std::size_t k) {
    bool timed = false;
    for (const VisitItem& item : v.items) timed = timed || is_trough(item);
    const std::string sum = summary(v);
    line("BEGIN:VEVENT");
    text("UID", uid(v));
    line("DTSTAMP:" + ics_date(plan_.start) + "T000000Z");
    if (timed) {
      line("DTSTART:" + ics_date(v.date) + "T" + kTroughTime);
      line(std::string("DURATION:") + kTroughDuration);
    } else {
      line("DTSTART;VALUE=DATE:" + ics_date(v.date));
      line("DTEND;VALUE=DATE:" + ics_date(v.date + date::days{1}));
      line("TRANSP:TRANSPARENT");
    }
    localized("SUMMARY", sum);
    localized("DESCRIPTION", description(v, k, timed));
    if (opt_.reminder_minutes_before > 0) {
      line("BEGIN:VALARM");
      line("ACTION:DISPLAY");
      text("DESCRIPTION", fill(t("Reminder: {summary}"), {{"summary", sum}}));
      line("TRIGGER:-PT" + std::to_string(opt_.reminder_minutes_before) + "M");
      line("END:VALARM");
    }
    line("END:VEVENT");
  }
};

}  // namespace

std::string render_ics(const Plan& plan, const IcsOptions& options) {
  if (options.reminder_minutes_before < 0 ||
      options.reminder_minutes_before > kMaxReminderMinutes) {
    throw Error("input.out_of_range", "reminder",
                std::to_string(options.reminder_minutes_before) +
                    " minutes is not a reminder doseplan writes; expected 0 (no reminder) to " +
                    std::to_string(kMaxReminderMinutes) + " minutes (4 weeks) before the visit");
  }
  return IcsWriter(plan, options).render();
}

}  // namespace doseplan
