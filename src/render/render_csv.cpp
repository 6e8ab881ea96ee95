// CSV plan: first the checks about the patient and the acknowledgements (rows of kind "check" and
// "acknowledgement"), then one row per administration and one per test, then the disclaimer and
// the sources (rows of kind "disclaimer" and "source", one per citation with its numbered document)
// and what made the plan (kind "made_by": doseplan and rules versions, the rules hash), so that no
// copy of the schedule travels without them.
// The file begins with a UTF-8 byte order mark in every language (docs/csv.md): every CSV holds
// non-ASCII text (the bilingual disclaimer, µ, m², dashes and quotes), and a spreadsheet opening a
// CSV without the mark may read it in the computer's legacy code page (mojibake). Column names and
// the values of `kind` stay keys; the `slot` column is in the output language (早上, infusion
// 输注).
#include <sstream>

#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"
#include "doseplan/wording.hpp"

namespace doseplan {
namespace {

// RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// CSV injection (OWASP): a spreadsheet runs a cell that begins with = + - @ (or a tab or carriage
// return) as a formula. Text cells so beginning get a leading single quote. The numeric columns
// amount_mg (5) and volume_mL (7) hold only numbers written by format_number, which are data and
// kept as they are; every other column is text (names, reasons, quotes, windows such as
// "-3/+3 d") and is neutralised.
std::string neutral(const std::string& s, std::size_t column) {
  if (column == 5 || column == 7 || s.empty()) return s;
  return std::string("=+-@\t\r").find(s[0]) == std::string::npos ? s : "'" + s;
}

// A number for the numeric columns: no thousands separator (1000, not "1,000"), so that a
// spreadsheet in any locale and a program read it as a number.
std::string plain_number(double value) {
  std::string s = format_number(value, 3);
  std::erase(s, ',');
  return s;
}

// The header's columns; a row given fewer fields is filled with empty ones (the supply columns
// `lasts_until`, `cumulative_mg` are filled only on rows of kind "supply").
constexpr std::size_t kColumns = 15;

void row(std::ostringstream& o, std::initializer_list<std::string> fields) {
  std::size_t column = 0;
  for (const std::string& f : fields) {
    if (column > 0) o << ',';
    o << field(neutral(f, column));
    ++column;
  }
  for (; column < kColumns; ++column) o << ',';
  o << "\r\n";
}

std::string citation(const Plan& plan, const Provenance& p, Lang lang) {
  if (p.project_default)
    return pick(tr_both("project default: {reason}", {{"reason", p.reason}}), lang);
  return provenance_words(plan.sources, p, lang);
}

// One row per phase: what the phase needs, until when it lasts, the course's total so far.
void supply_rows(std::ostringstream& o, const Plan& plan, Lang lang) {
  for (std::size_t i = 0; i < plan.phases.size() && i < plan.supply.size(); ++i) {
    const PlannedPhase& p = plan.phases[i];
    const PhaseSupply& s = plan.supply[i];
    const std::string step =
        p.steps > 0 ? std::to_string(p.step) + "/" + std::to_string(p.steps) : "";
    std::string reason =
        fill(tr(lang, "lasts until {date}"), {{"date", format_date(s.lasts_until)}});
    if (s.visit_before) {
      reason += tr(lang, "; ") + fill(tr(lang, "last visit before then: {date}"),
                                      {{"date", format_date(*s.visit_before)}});
    }
    reason += tr(lang, "; ") +
              fill(tr(lang, "total so far: {total}"), {{"total", cumulative_text(s, lang)}});
    const bool packs = plan.product.has_pack();
    row(o,
        {"supply", format_date(p.first), "", pick(p.name, lang), step,
         s.total_cells ? "" : plain_number(in_mg(s.total)), supply_units(s, plan.product, lang),
         s.volume ? plain_number(in_mL(*s.volume)) : "", "", "", "", reason,
         packs ? citation(plan, plan.product.pack_from, lang)
               : pick(supply_note(plan.product), lang),
         format_date(s.lasts_until), s.cumulative_cells ? "" : plain_number(in_mg(s.cumulative))});
  }
}

}  // namespace

std::string render_csv(const Plan& plan, Lang lang) {
  std::ostringstream o;
  o << "\xEF\xBB\xBF";  // U+FEFF, the UTF-8 byte order mark
  row(o, {"kind", "date", "slot", "phase", "step", "amount_mg", "made_of", "volume_mL", "tests",
          "test_names", "window", "reason", "source", "lasts_until", "cumulative_mg"});
  for (const PatientCheck& c : plan.checks) {
    row(o, {"check", "", "", "", "", "", "", "", "", "", "",
            "[" + check_mark(c.action, lang) + "] " + pick(c.text, lang),
            citation(plan, c.from, lang)});
  }
  for (const LocalizedText& a : plan.acknowledgements) {
    row(o, {"acknowledgement", "", "", "", "", "", "", "", "", "", "",
            tr(lang, "Acknowledged by the user (--acknowledge-off-label):") + " " + pick(a, lang),
            ""});
  }
  for (const PlannedPhase& p : plan.phases) {
    const std::string step =
        p.steps > 0 ? std::to_string(p.step) + "/" + std::to_string(p.steps) : "";
    for (Date d = p.first; d <= p.last; d += date::days{1}) {
      for (const Administration& a : p.dose.administrations) {
        row(o, {"dose", format_date(d), tr(lang, p.cycle ? "infusion" : slot_name(a.slot)),
                pick(p.name, lang), step, a.cells ? "" : plain_number(in_mg(a.amount)),
                patient_units(a, plan.product.form, lang),
                a.volume ? plain_number(in_mL(*a.volume)) : "", "", "", "",
                format_dose(p.dose.target, lang) +
                    (p.dose_note.en.empty() ? "" : tr(lang, "; ") + pick(p.dose_note, lang)),
                citation(plan, p.dose_from, lang)});
      }
    }
  }
  supply_rows(o, plan, lang);
  for (const Visit& v : plan.visits) {
    for (const VisitItem& item : v.items) {
      std::string ids, names;
      for (const std::string& id : item.tests) {
        ids += (ids.empty() ? "" : ";") + id;
        std::string name = id;
        for (const LabTest& lab : plan.labs)
          if (lab.id == id) name = pick(lab.name, lang);
        names += (names.empty() ? "" : tr(lang, "; ")) + name;
      }
      const std::string window = item.window_before || item.window_after
                                     ? "-" + std::to_string(item.window_before) + "/+" +
                                           std::to_string(item.window_after) + " d"
                                     : "";
      row(o,
          {"test", format_date(v.date), "", pick(item.name, lang), "", "", "", "", ids, names,
           window,
           pick(item.reason, lang) + (item.timing.en.empty() ? "" : " " + pick(item.timing, lang)),
           citation(plan, item.from, lang)});
    }
  }
  row(o, {"disclaimer", "", "", "", "", "", "", "", "", "", "",
          plan.disclaimer.en + " " + plan.disclaimer.zh, ""});
  for (const BibEntry& e : bibliography(plan.sources)) {
    const std::string document = "[" + std::to_string(e.number) + "] " +
                                 document_reference(e.document, lang) +
                                 (e.document.url.empty() ? "" : " " + e.document.url);
    for (const Source& s : e.citations) {
      row(o, {"source", "", "", "", "", "", "", "", "", "", "",
              document + " \u2014 " + citation_heading(s, lang) + ": \u201c" + s.quote + "\u201d",
              s.id});
    }
  }
  row(o, {"made_by", "", "", "", "", "", "", "", "", "", "", stamp_text(plan.stamp, lang),
          plan.stamp.rules_hash});
  return o.str();
}

}  // namespace doseplan
