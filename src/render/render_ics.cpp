// iCalendar (RFC 5545) export of the monitoring visits of a plan: see ics.hpp and docs/calendar.md.
//
// - One VEVENT per visit. A visit with a trough level (an item whose timing text mentions the
//   trough or C0) is a timed event at 07:30 floating local time lasting 30 minutes, before the
//   morning dose (project default), and says first that the blood is drawn before the dose;
//   every other visit is an all-day event. A visit done (IcsOptions::done_visits, the tracker)
//   keeps its UID, is STATUS:CANCELLED with SEQUENCE:1 and no reminder.
// - One all-day VEVENT per infusion appointment (an IV or cell administration): what is given,
//   the tests planned in the week before it, the phase's notes and the regimen's warnings.
//   Oral doses are not in the calendar.
// - With IcsOptions::doses, one all-day VEVENT per day of oral doses, without a reminder: the
//   day's doses to tick, on a trough day after the blood-draw instruction.
// - UID: from the regimen id, the start date, the visit date and the patient label, so that
//   exporting the same plan again gives the same UIDs (a re-import updates the events); an
//   infusion's date piece is "infusion-YYYYMMDD", a dose day's "doses-YYYYMMDD", never a visit's
//   (digits only).
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

// The tests an infusion event lists as "before this infusion": the visits of the 7 days before
// it, up to its day (the pre-infusion visits of the rules are 1 to 7 days before). A choice of
// what to show, not a clinical value.
constexpr int kTestsBeforeInfusionDays = 7;

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

// An infusion appointment: an IV or cell administration on one day.
struct Appointment {
  Date date{};
  const PlannedPhase* phase = nullptr;
  const Administration* given = nullptr;
};

bool is_infusion(const Administration& a) {
  return a.intravenous || a.cells.has_value();
}

// A day of oral doses (IcsOptions::doses): the phase and its date.
struct DoseDay {
  Date date{};
  const PlannedPhase* phase = nullptr;
};

std::vector<DoseDay> dose_days(const Plan& plan) {
  std::vector<DoseDay> out;
  for (const PlannedPhase& ph : plan.phases) {
    const auto& admins = ph.dose.administrations;
    if (admins.empty() || std::any_of(admins.begin(), admins.end(), is_infusion)) continue;
    for (Date d = ph.first; d <= ph.last; d += date::days{1}) out.push_back({d, &ph});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const DoseDay& a, const DoseDay& b) { return a.date < b.date; });
  return out;
}

// Every infusion appointment of the plan, by date.
std::vector<Appointment> appointments(const Plan& plan) {
  std::vector<Appointment> out;
  for (const PlannedPhase& ph : plan.phases) {
    for (const Administration& a : ph.dose.administrations) {
      if (!is_infusion(a)) continue;
      for (Date d = ph.first; d <= ph.last; d += date::days{1}) out.push_back({d, &ph, &a});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Appointment& a, const Appointment& b) { return a.date < b.date; });
  return out;
}

class IcsWriter {
 public:
  IcsWriter(const Plan& plan, const IcsOptions& options)
      : plan_(plan),
        opt_(options),
        infusions_(appointments(plan)),
        doses_(options.doses ? dose_days(plan) : std::vector<DoseDay>{}) {}

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
    // By date; on one day the visit (the tests before an infusion or the doses) first.
    struct Entry {
      Date date;
      int kind;  // 0 visit, 1 infusion, 2 dose day
      std::size_t index;
    };
    std::vector<Entry> entries;
    for (std::size_t k = 0; k < plan_.visits.size(); ++k)
      entries.push_back({plan_.visits[k].date, 0, k});
    for (std::size_t i = 0; i < infusions_.size(); ++i)
      entries.push_back({infusions_[i].date, 1, i});
    for (std::size_t i = 0; i < doses_.size(); ++i) entries.push_back({doses_[i].date, 2, i});
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return a.date != b.date ? a.date < b.date : a.kind < b.kind;
    });
    for (const Entry& e : entries) {
      if (e.kind == 0) event(plan_.visits[e.index], e.index);
      if (e.kind == 1) infusion_event(infusions_[e.index], e.index);
      if (e.kind == 2) dose_event(doses_[e.index]);
    }
    line("END:VCALENDAR");
    return out_;
  }

 private:
  const Plan& plan_;
  const IcsOptions& opt_;
  const std::vector<Appointment> infusions_;
  const std::vector<DoseDay> doses_;
  std::string out_;

  std::string t(std::string_view key) const { return tr(opt_.lang, key); }
  // " (text)" / "（text）"
  std::string paren(const std::string& text) const { return t(" (") + text + t(")"); }
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
    const std::string key = infusions_.empty()
                                ? t("{drug} monitoring visits ({regimen})")
                                : t("{drug} infusions and monitoring visits ({regimen})");
    std::string name =
        fill(key, {{"drug", p(plan_.regimen.drug.name)}, {"regimen", plan_.regimen.id}});
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

  // `day` is the visit's date ("20261215") or an infusion's ("infusion-20261215").
  std::string uid(const std::string& day) const {
    std::string u =
        "doseplan." + uid_piece(plan_.regimen.id) + "." + ics_date(plan_.start) + "." + day;
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
    const std::string tests = list(test_names(v));
    if (has_trough(v)) {  // what to do first, in the words a reminder shows (issue 20, item 1)
      return fill(t("Blood test before the morning dose \u2014 Tests: {tests}"),
                  {{"tests", tests}});
    }
    return fill(t("Tests: {tests}"), {{"tests", tests}});
  }

  // A trough day's first lines: draw blood, then take the morning dose; then how, in the rules'
  // words (the trough item's timing).
  std::string trough_first(const Visit& v) const {
    std::string d = trough_day_text(plan_, opt_.lang) + "\n";
    for (const VisitItem& item : v.items) {
      if (!is_trough(item) || p(item.timing).empty()) continue;
      d += p(item.timing) + "\n";  // the rules' words (the item's provenance is its interval's)
      break;
    }
    return d + "\n";
  }

  // A visit the tracker has marked done: said first (nothing when not done).
  std::string done_line(const Visit& v) const {
    const auto done = opt_.done_visits.find(v.date);
    if (done == opt_.done_visits.end()) return "";
    return fill(t("Done on {date} (marked in the tracker): no reminder."),
                {{"date", format_date(done->second)}}) +
           "\n\n";
  }

  std::string source_tag(const Provenance& from) const {
    return provenance_words(plan_.sources, from, opt_.lang);
  }

  std::string description(const Visit& v, std::size_t k, bool timed) const {
    const bool done = opt_.done_visits.contains(v.date);  // no instruction for a visit done
    std::string d =
        done_line(v) + (has_trough(v) && !done ? trough_first(v) : "") + regimen_line() + "\n";
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
    const bool timed = has_trough(v);
    const bool done = opt_.done_visits.contains(v.date);
    const std::string sum =
        done ? fill(t("Done: {summary}"), {{"summary", summary(v)}}) : summary(v);
    line("BEGIN:VEVENT");
    text("UID", uid(ics_date(v.date)));
    line("DTSTAMP:" + ics_date(plan_.start) + "T000000Z");
    if (timed) {
      line("DTSTART:" + ics_date(v.date) + "T" + kTroughTime);
      line(std::string("DURATION:") + kTroughDuration);
    } else {
      line("DTSTART;VALUE=DATE:" + ics_date(v.date));
      line("DTEND;VALUE=DATE:" + ics_date(v.date + date::days{1}));
      line("TRANSP:TRANSPARENT");
    }
    if (done) {  // an update of the event imported before: cancelled, so it stops reminding
      line("SEQUENCE:1");
      line("STATUS:CANCELLED");
    }
    localized("SUMMARY", sum);
    localized("DESCRIPTION", description(v, k, timed));
    if (!done) alarm(sum);
    line("END:VEVENT");
  }

  void alarm(const std::string& sum) {
    if (opt_.reminder_minutes_before <= 0) return;
    line("BEGIN:VALARM");
    line("ACTION:DISPLAY");
    text("DESCRIPTION", fill(t("Reminder: {summary}"), {{"summary", sum}}));
    line("TRIGGER:-PT" + std::to_string(opt_.reminder_minutes_before) + "M");
    line("END:VALARM");
  }

  // "Infusion appointment: riTUXimab 1,000 mg IV"
  std::string infusion_summary(const Appointment& a) const {
    const Administration& given = *a.given;
    const std::string amount =
        given.cells ? fill(t("{cells} IV"), {{"cells", format_cells(*given.cells, opt_.lang)}})
                    : fill(t("{amount} IV"), {{"amount", format_mg(given.amount, opt_.lang)}});
    return fill(t("Infusion appointment: {drug} {amount}"),
                {{"drug", p(plan_.regimen.drug.name)}, {"amount", amount}});
  }

  // The visits of the week before an infusion, up to its day: "- 2026-11-30: Serum creatinine, …"
  std::string tests_before(Date day) const {
    std::string d;
    for (const Visit& v : plan_.visits) {
      if (v.date > day || v.date < day - date::days{kTestsBeforeInfusionDays}) continue;
      d += "- " + format_date(v.date) + t(": ") + list(test_names(v)) + "\n";
    }
    return d.empty() ? "" : "\n" + t("Tests planned before this infusion:") + "\n" + d;
  }

  // The regimen's warnings (fluids, screening, names), each with its source.
  std::string regimen_notes() const {
    if (plan_.warnings.empty()) return "";
    std::string d = "\n" + t("Notes from the regimen:") + "\n";
    for (const Sourced<LocalizedText>& w : plan_.warnings)
      d += "- " + p(w.value) + paren(source_tag(w.from)) + "\n";
    return d;
  }

  std::string infusion_description(const Appointment& a, std::size_t i) const {
    const PlannedPhase& ph = *a.phase;
    std::string d = regimen_line() + "\n";
    if (!opt_.patient_label.empty()) {
      d += fill(t("Patient: {label}"), {{"label", opt_.patient_label}}) + "\n";
    }
    d += fill(t("Infusion appointment {k} of {n}: {date}"),
              {{"k", std::to_string(i + 1)},
               {"n", std::to_string(infusions_.size())},
               {"date", format_date(a.date)}}) +
         "\n" + phase_step_name(p(ph.name), ph.cycle, ph.step, ph.step, ph.steps, opt_.lang) +
         "\n" +
         fill(t("What is given: {given} ({source})"),
              {{"given", patient_units(*a.given, plan_.product.form, opt_.lang)},
               {"source", source_tag(ph.dose_from)}}) +
         "\n";
    if (!p(ph.dose_note).empty()) d += p(ph.dose_note) + "\n";
    if (!p(ph.note).empty()) d += p(ph.note) + "\n";
    d += t("The clinic sets the time of the infusion: the event lasts the whole day.") + "\n";
    d += tests_before(a.date) + regimen_notes();
    return d + "\n" + p(plan_.disclaimer) + acknowledgements();
  }

  const Visit* visit_on(Date d) const {
    for (const Visit& v : plan_.visits)
      if (v.date == d) return &v;
    return nullptr;
  }

  // "morning 150 mg, evening 150 mg"
  std::string doses_list(const PlannedPhase& ph) const {
    std::vector<std::string> parts;
    for (const Administration& a : ph.dose.administrations)
      parts.push_back(t(slot_name(a.slot)) + " " + format_mg(a.amount, opt_.lang));
    return list(parts);
  }

  // The day's doses to tick, after the blood-draw instruction on a trough day.
  std::string dose_description(const DoseDay& day, bool trough) const {
    const PlannedPhase& ph = *day.phase;
    std::string d = trough ? trough_first(*visit_on(day.date)) : "";
    for (const Administration& a : ph.dose.administrations) {
      const bool after_draw = trough && a.slot == Slot::morning;
      d += "\u2610 " + t(slot_name(a.slot)) + " " + format_mg(a.amount, opt_.lang);
      d += t(": ") + patient_units(a, plan_.product.form, opt_.lang);
      d += (after_draw ? paren(trough_dose_mark(opt_.lang)) : "") + "\n";
    }
    d += "\n" + regimen_line() + "\n" +
         phase_step_name(p(ph.name), ph.cycle, ph.step, ph.step, ph.steps, opt_.lang) +
         paren(source_tag(ph.dose_from)) + "\n";
    if (ph.conditional) d += t("the doctor decides whether to increase") + "\n";
    if (!p(ph.dose_note).empty()) d += p(ph.dose_note) + "\n";
    const std::string twice = twice_daily_text(plan_, opt_.lang);
    if (!twice.empty()) d += twice + "\n";
    return d + "\n" + p(plan_.disclaimer) + acknowledgements();
  }

  // A day of oral doses (--doses): all day, free, no reminder (a daily alarm is the phone's).
  void dose_event(const DoseDay& day) {
    const Visit* v = visit_on(day.date);
    const bool trough = v && has_trough(*v);
    const std::string doses = doses_list(*day.phase);
    const std::string sum =
        trough ? fill(t("Blood test before the morning dose \u2014 Doses: {doses}"),
                      {{"doses", doses}})
               : fill(t("Doses: {doses}"), {{"doses", doses}});
    line("BEGIN:VEVENT");
    text("UID", uid("doses-" + ics_date(day.date)));
    line("DTSTAMP:" + ics_date(plan_.start) + "T000000Z");
    line("DTSTART;VALUE=DATE:" + ics_date(day.date));
    line("DTEND;VALUE=DATE:" + ics_date(day.date + date::days{1}));
    line("TRANSP:TRANSPARENT");
    localized("SUMMARY", sum);
    localized("DESCRIPTION", dose_description(day, trough));
    line("END:VEVENT");
  }

  // An infusion appointment: all day (the clinic gives the time), shown busy.
  void infusion_event(const Appointment& a, std::size_t i) {
    const std::string sum = infusion_summary(a);
    line("BEGIN:VEVENT");
    text("UID", uid("infusion-" + ics_date(a.date)));
    line("DTSTAMP:" + ics_date(plan_.start) + "T000000Z");
    line("DTSTART;VALUE=DATE:" + ics_date(a.date));
    line("DTEND;VALUE=DATE:" + ics_date(a.date + date::days{1}));
    localized("SUMMARY", sum);
    localized("DESCRIPTION", infusion_description(a, i));
    alarm(sum);
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
