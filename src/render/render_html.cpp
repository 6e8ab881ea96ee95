// Long (about 1,070 lines) because it is one page writer, HtmlWriter, with one method per section
// of the page in reading order, plus its style sheet (css(), one literal); splitting it would cut
// the page's sections apart from the order they print in.
//
// HTML renderer: one self-contained page (inline CSS; no fonts, scripts or images loaded) that
// prints on A4 and, below 600 px wide (a phone), scrolls wide tables in their own box. See
// render.hpp.
//
// Page one: the title, advisories and warnings, the patient and the regimen, the pill card (AHRQ
// style: one row per phase row, the amount for each Universal Medication Schedule slot in product
// units), what to test when, what a result may mean, where sources disagree, the project defaults
// and the sources with their quotes. Then the calendar: each month from a new printed page (at
// 12 pt a month may run on to the next, a week never split), weeks Monday to Sunday, each
// administration a tick box, phase changes marked by a coloured left border and the phase name,
// test days highlighted with their tests. The patient's sections (pill card, supply, what a result
// may mean, calendar) use no text under 12 pt (issue 20, item 4).
// The checks about the patient (Plan::checks) and the acknowledgements come first, right under
// the title. The disclaimer, and the acknowledgements again, are in the footer, which print CSS
// makes position: fixed (Chromium repeats it on every printed page).
//
// Machine-readable hooks (used by tests/render/html_test.py): every calendar day is a <td
// data-date>; each administration holds one <span class="box">; a test day has the class "visit"
// and lists its test ids in data-tests; the footer is <footer class="print-footer">; the checks are
// <section class="checks">, each check an <li data-check="ID" data-action="warn|reduce|
// acknowledged">; an acknowledgement is a <p class="acknowledgement"> (page one and footer).

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "doseplan/format.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"
#include "doseplan/wording.hpp"

namespace doseplan {
namespace {

// ---------------------------------------------------------------- HTML building blocks

// Text made safe for element content and attribute values.
std::string esc(std::string_view s) {
  return html_escape(s);
}

// ` name="value"` (value escaped); nothing for an empty value.
std::string attr(std::string_view name, std::string_view value) {
  if (value.empty()) return "";
  return " " + std::string(name) + "=\"" + esc(value) + "\"";
}

// <name attrs>inner</name>; `inner` is HTML already.
std::string el(std::string_view name, std::string_view attrs, std::string_view inner) {
  std::string out = "<" + std::string(name) + std::string(attrs) + ">";
  out += inner;
  out += "</" + std::string(name) + ">";
  return out;
}

// An element holding plain text, with an optional class.
std::string text_el(std::string_view name, std::string_view cls, std::string_view text) {
  return el(name, attr("class", cls), esc(text));
}

struct Cell {
  Cell(std::string html_, std::string attrs_ = "", bool head_ = false)
      : html(std::move(html_)), attrs(std::move(attrs_)), head(head_) {}
  std::string html;   // the content, HTML already
  std::string attrs;  // class, rowspan, colspan, data-*
  bool head = false;  // th, not td
};

Cell head_cell(std::string_view text) {
  return {esc(text), "", true};
}

// The one function that writes a table row.
std::string table_row(const std::vector<Cell>& cells, std::string_view row_attrs = "") {
  std::string inner;
  for (const Cell& c : cells) inner += el(c.head ? "th" : "td", c.attrs, c.html);
  return el("tr", row_attrs, inner) + "\n";
}

std::string table(std::string_view cls, const std::vector<std::string>& headers,
                  const std::string& body_rows) {
  std::string head;
  if (!headers.empty()) {
    std::vector<Cell> cells;
    for (const std::string& h : headers) cells.push_back(head_cell(h));
    head = el("thead", "", table_row(cells));
  }
  // The wrapper scrolls the table sideways inside its own box on a narrow screen (see css());
  // in print and on a wide screen it is a plain block.
  return el("div", attr("class", "table-scroll"),
            el("table", attr("class", cls), head + el("tbody", "", body_rows))) +
         "\n";
}

// A section with a heading; nothing when there is nothing to show.
std::string section(std::string_view cls, std::string_view title, const std::string& inner) {
  if (inner.empty()) return "";
  return el("section", attr("class", cls), text_el("h2", "", title) + "\n" + inner) + "\n";
}

std::string list(std::string_view cls, const std::vector<std::string>& items_html) {
  std::string inner;
  for (const std::string& item : items_html) inner += el("li", "", item) + "\n";
  return items_html.empty() ? "" : el("ul", attr("class", cls), inner) + "\n";
}

// `text` with the placeholder `key` ("{amount}") replaced by `value`.
std::string replace_placeholder(std::string text, std::string_view key, std::string_view value) {
  if (const std::size_t at = text.find(key); at != std::string::npos)
    text.replace(at, key.size(), value);
  return text;
}

// ---------------------------------------------------------------- plan helpers

constexpr std::array<Slot, 4> kSlots = {Slot::morning, Slot::noon, Slot::evening, Slot::bedtime};
constexpr std::array<const char*, 4> kSlotHeaders = {"Morning", "Noon", "Evening", "Bedtime"};
constexpr std::array<const char*, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
constexpr int kPhaseColours = 6;  // .ph0 ... .ph5 in the CSS

bool is_infusion(const Administration& a) {
  return a.intravenous || a.cells.has_value();
}

// "first – last" (ISO 8601; a line may break only between the two dates), or the one date.
std::string date_range(Date first, Date last) {
  const std::string from = text_el("span", "date", format_date(first));
  return first == last ? from : from + " " + text_el("span", "date", "\u2013 " + format_date(last));
}

// Consecutive administrations of a cycles phase that are given the same way share a pill-card row;
// every other phase row has its own.
struct CardRow {
  const PlannedPhase* first;
  const PlannedPhase* last;
  int count;
};

bool same_administrations(const PlannedPhase& a, const PlannedPhase& b) {
  if (a.dose.administrations.size() != b.dose.administrations.size()) return false;
  for (std::size_t i = 0; i < a.dose.administrations.size(); ++i) {
    if (describe_administration(a.dose.administrations[i]) !=
        describe_administration(b.dose.administrations[i])) {
      return false;
    }
  }
  return format_dose(a.dose.target) == format_dose(b.dose.target);
}

std::vector<CardRow> card_rows(const std::vector<PlannedPhase>& phases) {
  std::vector<CardRow> rows;
  for (const PlannedPhase& p : phases) {
    CardRow* prev = rows.empty() ? nullptr : &rows.back();
    if (prev && p.cycle && prev->last->cycle && prev->last->phase_id == p.phase_id &&
        same_administrations(*prev->last, p)) {
      prev->last = &p;
      ++prev->count;
    } else {
      rows.push_back({&p, &p, 1});
    }
  }
  return rows;
}

// A trailing "(...)" or "（...）" of a name: {where it starts, its content}; npos when none.
std::pair<std::size_t, std::string> trailing_parenthetical(const std::string& name) {
  for (const auto& [open, close] :
       {std::pair<std::string_view, std::string_view>{"(", ")"}, {"\uff08", "\uff09"}}) {
    const std::size_t at = name.rfind(open);
    if (at != std::string::npos && name.size() >= close.size() &&
        name.compare(name.size() - close.size(), close.size(), close) == 0) {
      const std::size_t from = at + open.size();
      return {at, name.substr(from, name.size() - close.size() - from)};
    }
  }
  return {std::string::npos, ""};
}

// A test's name for a calendar cell: its abbreviation when the name ends with one of two or more
// capitals ("Blood urea nitrogen (BUN)" -> "BUN"), else the name without a trailing remark
// ("血常规（含血小板）" -> "血常规").
std::string short_test_name(const std::string& name) {
  const auto [at, inside] = trailing_parenthetical(name);
  if (at == std::string::npos || at == 0) return name;
  const auto capitals =
      std::count_if(inside.begin(), inside.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  const bool abbreviation = capitals >= 2 && std::all_of(inside.begin(), inside.end(), [](char c) {
                              return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                            });
  if (abbreviation) return inside;
  std::string s = name.substr(0, at);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// What a calendar day holds.
struct DayPlan {
  std::vector<const PlannedPhase*> phases;  // the phase rows given that day
  const Visit* visit = nullptr;
};
const DayPlan kNothingPlanned{};

// ---------------------------------------------------------------- the writer

class HtmlWriter {
 public:
  HtmlWriter(const Plan& plan, Lang lang) : plan_(plan), lang_(lang) {
    for (const PlannedPhase& p : plan.phases) {
      if (std::find(phase_ids_.begin(), phase_ids_.end(), p.phase_id) == phase_ids_.end()) {
        phase_ids_.push_back(p.phase_id);
      }
    }
  }

  std::string document() const {
    const std::string content = header() + checks() + alerts() + facts() + pill_card() + supply() +
                                test_schedule() + lab_rules() + disagreements() +
                                project_defaults() + sources() + calendar();
    // In print, the footer is fixed to the bottom of every page; the layout table's <tfoot>,
    // which Chromium repeats on every page, keeps the room for it free.
    const std::string body =
        el("table", attr("class", "layout"),
           el("tfoot", "", el("tr", "", el("td", "", el("div", footer_space_attrs(), "")))) +
               el("tbody", "", el("tr", "", el("td", "", "\n" + content)))) +
        "\n" + footer();
    return "<!DOCTYPE html>\n" +
           el("html", attr("lang", lang_ == Lang::zh_CN ? "zh-CN" : "en"),
              "\n" + head() + el("body", "", "\n" + body) + "\n") +
           "\n";
  }

 private:
  const Plan& plan_;
  Lang lang_;
  std::vector<std::string> phase_ids_;  // in order of first appearance: the phase colours

  // Labels and texts in the output language, escaped.
  std::string t(std::string_view key) const { return esc(tr(lang_, key)); }
  std::string p(const LocalizedText& text) const { return esc(pick(text, lang_)); }

  // [source label-schedule] linked to the citation in the bibliography; [project default].
  std::string source_tag(const Provenance& from) const {
    const std::string words = esc(provenance_words(plan_.sources, from, lang_));
    if (words.empty()) return "";
    const bool cited = !from.overridden && !from.project_default;
    const std::string inner =
        cited ? el("a", attr("href", "#src-" + from.source_id), words) : words;
    return " " + el("span", attr("class", "src"), "[" + inner + "]");
  }

  std::string test_name(const std::string& id) const {
    for (const LabTest& lab : plan_.labs)
      if (lab.id == id) return pick(lab.name, lang_);
    return id;
  }

  // The tests of a visit, each once, in order.
  static std::vector<std::string> visit_test_ids(const Visit& v) {
    std::vector<std::string> ids;
    for (const VisitItem& item : v.items) {
      for (const std::string& id : item.tests) {
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
    }
    return ids;
  }

  std::vector<std::string> test_names(const std::vector<std::string>& ids) const {
    std::vector<std::string> names;
    for (const std::string& id : ids) names.push_back(test_name(id));
    return names;
  }

  std::string joined(const std::vector<std::string>& texts) const {
    std::string out;
    for (const std::string& s : texts) out += (out.empty() ? "" : tr(lang_, ", ")) + s;
    return esc(out);
  }

  std::string dose_text(const DoseValue& v) const { return esc(format_dose(v, lang_)); }

  // What one administration is in product units, as a patient counts them (issue 16, finding 6):
  // "1 capsule of 100 mg + 1 capsule of 50 mg" / "100 mg胶囊1粒 + 50 mg胶囊1粒", "1.5 mL (150 mg)",
  // "840 mg IV (prepare 1 vial of 1000 mg; …)"; nothing for cells.
  std::string product_units(const Administration& a) const {
    if (a.cells) return "";
    return esc(patient_units(a, plan_.product.form, lang_));
  }

  std::string amount(const Administration& a) const {
    return a.cells ? dose_text(*a.cells) : esc(format_mg(a.amount, lang_));
  }

  std::string phase_label(const PlannedPhase& ph, const PlannedPhase& last) const {
    std::string label =
        esc(phase_step_name(pick(ph.name, lang_), ph.cycle, ph.step, last.step, ph.steps, lang_));
    if (ph.conditional)
      label +=
          " " + el("span", attr("class", "if-needed"), t("the doctor decides whether to increase"));
    return label;
  }

  int phase_colour(const std::string& phase_id) const {
    const auto it = std::find(phase_ids_.begin(), phase_ids_.end(), phase_id);
    return static_cast<int>(it - phase_ids_.begin()) % kPhaseColours;
  }

  bool has_daily_phase() const {
    return std::any_of(plan_.phases.begin(), plan_.phases.end(),
                       [](const PlannedPhase& ph) { return !ph.cycle; });
  }

  // ------------------------------------------------------------ page one

  std::string head() const {
    return el("head", "",
              "\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
                  el("title", "",
                     esc(lang_ == Lang::zh_CN ? drug_heading(plan_.regimen.drug, lang_)
                                              : plan_.regimen.drug.name.en) +
                         " \u2014 " + t("Medication schedule") + " \u2014 " +
                         esc(format_date(plan_.start))) +
                  "\n" + el("style", "", css()) + "\n") +
           "\n";
  }

  std::string header() const {
    const auto& drug = plan_.regimen.drug.name;
    return el("header", attr("class", "top"),
              el("h1", "",
                 (lang_ == Lang::zh_CN  // Chinese first, with the names patients know (T1, N24)
                      ? el("span", attr("class", "drug"),
                           esc(drug_heading(plan_.regimen.drug, lang_)))
                      : el("span", attr("class", "drug"), esc(drug.en)) + " " +
                            el("span", attr("lang", "zh-CN"), esc(drug.zh))) +
                     " \u2014 " + t("Medication schedule")) +
                  el("p", attr("class", "tagline"),
                     t("Educational aid, not a prescription: discuss every dose and test with "
                       "your doctor."))) +
           "\n";
  }

  std::string alerts() const {
    std::vector<std::string> items;
    for (const LocalizedText& a : plan_.advisories) items.push_back(p(a));
    for (const auto& w : plan_.warnings) items.push_back(p(w.value) + source_tag(w.from));
    return section("alerts", tr(lang_, "Important"), list("", items));
  }

  // The patient judged against the regimen's limits, and the limits passed only because the user
  // acknowledged them: before anything else on page one.
  std::string checks() const {
    if (plan_.checks.empty() && plan_.acknowledgements.empty()) return "";
    std::string items;
    for (const PatientCheck& c : plan_.checks) {
      items +=
          el("li", attr("data-check", c.id) + attr("data-action", to_string(c.action)),
             el("strong", attr("class", "mark"), "[" + esc(check_mark(c.action, lang_)) + "]") +
                 " " + p(c.text) + source_tag(c.from)) +
          "\n";
    }
    std::string inner = items.empty() ? "" : el("ul", "", "\n" + items) + "\n";
    for (const LocalizedText& a : plan_.acknowledgements) inner += acknowledgement(a) + "\n";
    return section("checks",
                   tr(lang_,
                      "Checks about the patient (the regimen's limits; doseplan changes "
                      "no dose)"),
                   inner);
  }

  // "Acknowledged by the user (--acknowledge-off-label): …", in the page's language.
  std::string acknowledgement(const LocalizedText& a) const {
    return el(
        "p", attr("class", "acknowledgement"),
        el("strong", "", t("Acknowledged by the user (--acknowledge-off-label):")) + " " + p(a));
  }

  std::string fact(std::string_view label, const std::string& value_html) const {
    return value_html.empty() ? "" : table_row({head_cell(tr(lang_, label)), {value_html}});
  }

  std::string fact_table(std::string_view title, const std::string& rows) const {
    return table(
        "kv", {},
        table_row({{t(title), attr("colspan", "2") + attr("class", "title"), true}}) + rows);
  }

  std::string patient_facts() const {
    std::string rows = fact("Weight", esc(format_kg(plan_.weight)));
    if (plan_.height) rows += fact("Height", esc(format_number(in_cm(*plan_.height)) + " cm"));
    if (plan_.bsa) {
      rows += fact("Body-surface area",
                   esc(format_number(in_m2(*plan_.bsa)) + " m\u00b2 (" +
                       (plan_.bsa_formula == "dubois" ? "DuBois" : "Mosteller") + ")"));
    }
    if (plan_.age_years) {
      rows += fact("Age", esc(format_number(*plan_.age_years)) + " " + t("years"));
    }
    if (plan_.sex) rows += fact("Sex", t(to_string(*plan_.sex)));
    if (plan_.ideal_weight) {
      rows += fact("Ideal body weight", esc(format_kg(*plan_.ideal_weight) + tr(lang_, " (") +
                                            tr(lang_, "Devine, adults") + tr(lang_, ")")));
    }
    if (plan_.adjusted_weight) {
      rows += fact("Adjusted body weight", esc(format_kg(*plan_.adjusted_weight)));
    }
    if (plan_.creatinine) {
      rows += fact("Creatinine", esc(format_number(in_umol_per_L(*plan_.creatinine), 1) +
                                     " \u00b5mol/L" + tr(lang_, " (") +
                                     format_number(creatinine_in_mg_per_dL(*plan_.creatinine), 2) +
                                     " mg/dL" + tr(lang_, ")")));
    }
    if (plan_.egfr) {
      rows +=
          fact("eGFR", esc(format_number(in_mL_per_min(*plan_.egfr), 0) + " mL/min/1.73 m\u00b2" +
                           tr(lang_, " (") + tr(lang_, "CKD-EPI 2021, adults") + tr(lang_, ")")));
    }
    if (plan_.crcl) {
      rows += fact("Creatinine clearance",
                   esc(format_number(in_mL_per_min(*plan_.crcl), 0) + " mL/min" + tr(lang_, " (") +
                       tr(lang_, "Cockcroft\u2013Gault, adults") + tr(lang_, ")")));
    }
    if (plan_.egfr_schwartz) {
      rows += fact("eGFR", esc(format_number(in_mL_per_min(*plan_.egfr_schwartz), 0) +
                               " mL/min/1.73 m\u00b2" + tr(lang_, " (") +
                               tr(lang_, "bedside Schwartz, children") + tr(lang_, ")")));
    }
    rows += fact("First day", esc(format_date(plan_.start)));
    rows += fact("Last day", esc(format_date(plan_.end)));
    return fact_table("Patient", rows);
  }

  std::string regimen_facts() const {
    const auto& r = plan_.regimen;
    std::string product = p(plan_.product.name);
    if (!plan_.product.market_names.empty())
      product += t(" (") + joined(plan_.product.market_names) + t(")");
    for (const LocalizedText& n : plan_.product_notes)
      product += el("div", attr("class", "note"), p(n));
    std::string rows = fact(
        "Drug", lang_ == Lang::zh_CN ? el("strong", "", esc(drug_heading(r.drug, lang_)))
                                     : el("strong", "", esc(r.drug.name.en)) + " " +
                                           el("span", attr("lang", "zh-CN"), esc(r.drug.name.zh)));
    rows += fact("Indication", p(r.indication));
    rows += fact("Evidence", t(r.evidence));
    rows += fact("Regimen", esc(r.id));
    rows += fact("Product", product);
    if (plan_.chosen) {
      rows += fact("Chosen dose", dose_text(plan_.chosen->value) + source_tag(plan_.chosen->from) +
                                      t("; ") + t("allowed") + " " +
                                      esc(format_number(dose_number(*plan_.dose_rule.min))) +
                                      "\u2013" + dose_text(*plan_.dose_rule.max) +
                                      source_tag(plan_.dose_rule.range_from));
    }
    if (has_daily_phase()) {
      // "Morning and evening, about 12 hours apart…": a project default (review S18).
      const std::string twice = twice_daily_text(plan_, lang_);
      rows += fact("Doses a day", t(frequency_words(plan_.doses_per_day.value)) +
                                      source_tag(plan_.doses_per_day.from) +
                                      (twice.empty() ? ""
                                                     : "<br>" + esc(twice) + " " +
                                                           el("span", attr("class", "src"),
                                                              "[" + t("project default") + "]")));
    }
    return fact_table("Regimen", rows);
  }

  std::string facts() const {
    return el("div", attr("class", "facts"), patient_facts() + regimen_facts()) + "\n";
  }

  // The four slot cells of a pill-card row: an amount in product units under each slot given,
  // or one cell across the four for an infusion.
  std::vector<Cell> slot_cells(const DailyDose& dose) const {
    const auto& admins = dose.administrations;
    if (!admins.empty() && is_infusion(admins.front())) {
      const Administration& a = admins.front();
      const std::string units = product_units(a);
      return {{el("strong", "", t("Infusion appointment") + t(": ") + amount(a)) +
                   (units.empty() ? "" : el("div", attr("class", "units"), units)),
               attr("colspan", "4") + attr("class", "slot infusion")}};
    }
    std::vector<Cell> cells;
    for (const Slot slot : kSlots) {
      const auto a = std::find_if(admins.begin(), admins.end(),
                                  [slot](const Administration& x) { return x.slot == slot; });
      cells.push_back({a == admins.end() ? ""
                                         : el("strong", "", amount(*a)) +
                                               el("div", attr("class", "units"), product_units(*a)),
                       attr("class", a == admins.end() ? "slot empty" : "slot")});
    }
    return cells;
  }

  std::string dose_summary(const PlannedPhase& ph) const {
    std::string s = dose_text(ph.dose.target) + source_tag(ph.dose_from);
    if (!ph.dose_note.en.empty()) s += el("div", attr("class", "note"), p(ph.dose_note));
    if (ph.dose.administrations.empty() || ph.dose.administrations.front().cells) return s;
    if (ph.cycle) return s + "<br>\u2192 " + esc(format_mg(ph.dose.rounded_daily, lang_));
    const int doses = static_cast<int>(ph.dose.administrations.size());
    return s + "<br>\u2192 " +
           replace_placeholder(t("{amount} a day"), "{amount}",
                               esc(format_mg(ph.dose.rounded_daily, lang_))) +
           "<br>" + t(frequency_words(doses));
  }

  static bool has_note(const CardRow& row) {
    return !row.first->note.en.empty() && row.first->step <= 1;
  }

  // A pill-card row, and the phase's note in a row of its own under it.
  std::string card_row(const CardRow& row, bool first_row, std::size_t total_rows) const {
    const PlannedPhase& ph = *row.first;
    std::vector<Cell> cells;
    if (first_row) {  // the medicine and what it is for span every row
      const std::string span = attr("rowspan", std::to_string(total_rows));
      const std::string names =
          lang_ == Lang::zh_CN
              ? el("strong", attr("class", "drug"), esc(drug_heading(plan_.regimen.drug, lang_)))
              : el("strong", attr("class", "drug"), esc(plan_.regimen.drug.name.en)) + "<br>" +
                    el("span", attr("lang", "zh-CN"), esc(plan_.regimen.drug.name.zh));
      cells.push_back({names + el("div", attr("class", "units"), p(plan_.product.name)),
                       span + attr("class", "medicine")});
      cells.push_back({p(plan_.regimen.indication), span});
    }
    std::string dates = date_range(ph.first, row.last->last);
    if (row.count > 1) {  // "(11 in all)" / "（共11次）", not "(11 ×)" (issue 16, N19)
      dates += replace_placeholder(t(" ({n} in all)"), "{n}", std::to_string(row.count));
    }
    cells.push_back({phase_label(ph, *row.last),
                     attr("class", "phase ph" + std::to_string(phase_colour(ph.phase_id)))});
    cells.push_back({dates, attr("class", "dates")});
    cells.push_back({dose_summary(ph), attr("class", "dose-target")});
    if (infusions_only()) {  // what is given at each appointment, not four slot columns (N19)
      std::string given;
      for (const Administration& a : ph.dose.administrations) {
        given += (given.empty() ? "" : "<br>") + esc(patient_units(a, plan_.product.form, lang_));
      }
      cells.push_back({given, attr("class", "given")});
    } else {
      for (Cell& c : slot_cells(ph.dose)) cells.push_back(std::move(c));
    }
    std::string out = table_row(cells);
    if (has_note(row)) {
      const std::size_t columns = 3 + (infusions_only() ? 1 : kSlots.size());
      out += table_row(
          {{p(ph.note), attr("colspan", std::to_string(columns)) +
                            attr("class", "note ph" + std::to_string(phase_colour(ph.phase_id)))}},
          attr("class", "note-row"));
    }
    return out;
  }

  std::string pill_card() const {
    const std::vector<CardRow> rows = card_rows(plan_.phases);
    const auto total =
        rows.size() + static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), has_note));
    std::string body;
    for (std::size_t i = 0; i < rows.size(); ++i) body += card_row(rows[i], i == 0, total);
    std::vector<std::string> headers = {tr(lang_, "Medicine"), tr(lang_, "What it is for"),
                                        tr(lang_, "Phase"), tr(lang_, "Dates"), tr(lang_, "Dose")};
    if (infusions_only()) {
      // An appointment on its date, not a time of day (issue 20, item 3).
      headers.push_back(tr(lang_, "Infusion appointment: what is given"));
    } else {
      for (const char* h : kSlotHeaders) headers.push_back(tr(lang_, h));
    }
    // Infusions are given, not taken: a medication card (用药卡), not a pill card (服药卡).
    return section("pill-card", tr(lang_, infusions_only() ? "Medication card" : "Pill card"),
                   table("card", headers, body));
  }

  // What each phase needs of the product, until when it lasts, and the course's running total
  // (issue 20, items 8 and 9; docs/supply.md).
  std::string supply() const {
    const bool oral = plan_.product.is_oral();
    std::vector<std::string> headers = {tr(lang_, "Phase"), tr(lang_, "Dates"),
                                        tr(lang_, "What is needed")};
    if (oral) {
      headers.push_back(tr(lang_, "Lasts until"));
      headers.push_back(tr(lang_, "Last visit before then"));
    }
    headers.push_back(tr(lang_, "Total so far"));
    std::string body;
    for (std::size_t i = 0; i < plan_.phases.size() && i < plan_.supply.size(); ++i) {
      const PlannedPhase& ph = plan_.phases[i];
      const PhaseSupply& s = plan_.supply[i];
      std::string needed = esc(supply_units(s, plan_.product, lang_));
      if (ph.conditional) needed += " " + text_el("span", "if-needed", tr(lang_, "if needed"));
      std::vector<Cell> cells = {{phase_label(ph, ph), "", false},
                                 {date_range(ph.first, ph.last), "", false},
                                 {needed, "", false}};
      if (oral) {
        cells.push_back({esc(format_date(s.lasts_until)), "", false});
        cells.push_back({s.visit_before ? esc(format_date(*s.visit_before)) : "", "", false});
      }
      cells.push_back({esc(cumulative_text(s, lang_)), "", false});
      body += table_row(cells);
    }
    const bool packs = plan_.product.has_pack();
    const std::string notes =
        el("p", attr("class", "note"),
           p(supply_note(plan_.product)) + (packs ? source_tag(plan_.product.pack_from) : "") +
               " " + p(cumulative_note()));
    return section("supply", tr(lang_, "Supply and total dose"),
                   table("supply-table", headers, body) + notes);
  }

  // A regimen of infusions only (SCOT, rituximab, MSC): appointments, not times of day.
  bool infusions_only() const {
    return std::all_of(plan_.phases.begin(), plan_.phases.end(),
                       [](const PlannedPhase& ph) { return ph.cycle; });
  }

  // "±3 days", or the dates the visit may take place on when the window is uneven: the window
  // every item of the visit allows.
  std::string window_text(const Visit& v) const {
    if (v.items.empty()) return "";
    int before = v.items.front().window_before, after = v.items.front().window_after;
    for (const VisitItem& item : v.items) {
      before = std::min(before, item.window_before);
      after = std::min(after, item.window_after);
    }
    if (before == 0 && after == 0) return "";
    if (before == after) {
      return "\u00b1" + std::to_string(before) + " " + t(before == 1 ? "day" : "days");
    }
    return date_range(v.date - date::days{before}, v.date + date::days{after});
  }

  // One row a visit: its date and window, the groups of tests due, and why (each reason once).
  std::string visit_row(const Visit& v) const {
    std::string date = el("strong", "", esc(format_date(v.date)));
    if (v.baseline) date += el("div", attr("class", "note"), t("before day 1"));
    std::string tests, why;
    std::vector<std::string> reasons;
    for (const VisitItem& item : v.items) {
      tests += el("div", "", p(item.name) + source_tag(item.from));
      const std::string reason = p(item.reason);
      if (std::find(reasons.begin(), reasons.end(), reason) != reasons.end()) continue;
      reasons.push_back(reason);
      why += el("div", "", reason);
    }
    return table_row({{date},
                      {window_text(v), attr("class", "window")},
                      {tests},
                      {why, attr("class", "reason")}});
  }

  // How to take the tests (e.g. a trough level before the morning dose), once per item.
  std::string test_timings() const {
    std::vector<std::string> items, seen;
    for (const Visit& v : plan_.visits) {
      for (const VisitItem& item : v.items) {
        if (item.timing.en.empty() ||
            std::find(seen.begin(), seen.end(), item.monitoring_id) != seen.end()) {
          continue;
        }
        seen.push_back(item.monitoring_id);
        // A drug level: when to draw and to take the dose, under the test's name only (N5).
        items.push_back(el("strong", "", p(item.name)) + t(": ") +
                        (is_trough(item) ? esc(trough_footnote(plan_, lang_)) : p(item.timing)));
      }
    }
    return list("timings", items);
  }

  std::string test_schedule() const {
    std::string body;
    for (const Visit& v : plan_.visits) body += visit_row(v);
    if (body.empty()) return "";
    return section(
        "tests", tr(lang_, "What to test when"),
        table("visits",
              {tr(lang_, "Date"), tr(lang_, "Window"), tr(lang_, "Tests"), tr(lang_, "Why")},
              body) +
            test_timings());
  }

  std::string lab_rules() const {
    std::vector<std::string> items;
    for (const LabRule& rule : plan_.lab_rules) {
      const std::string name = test_name(rule.test);
      const std::string condition = esc(describe_condition(rule, name, lang_));
      items.push_back(el("strong", "", condition) + t(": ") + p(rule.advice) +
                      source_tag(rule.from));
    }
    return section("lab-rules",
                   tr(lang_, "What a result may mean (educational; always ask your doctor)"),
                   list("", items));
  }

  std::string disagreements() const {
    std::vector<std::string> items;
    for (const Disagreement& d : plan_.disagreements) {
      std::vector<std::string> positions;
      for (const auto& pos : d.positions) positions.push_back(p(pos.value) + source_tag(pos.from));
      items.push_back(el("strong", "", p(d.topic)) + list("", positions));
    }
    return section("disagreements",
                   tr(lang_, "Where sources disagree (both shown; doseplan does not choose)"),
                   list("", items));
  }

  std::string project_defaults() const {
    std::string body;
    for (const ProjectDefaultUse& d : plan_.project_defaults) {
      std::string value = p(d.value);
      if (d.overridden)
        value += " " + el("span", attr("class", "src"), "[" + t("overridden by the user") + "]");
      body += table_row({{p(d.what)}, {value}, {p(d.reason), attr("class", "reason")}});
    }
    if (body.empty()) return "";
    return section(
        "defaults", tr(lang_, "Project defaults (values no source gives; each can be overridden)"),
        table("defaults", {tr(lang_, "What"), tr(lang_, "Value"), tr(lang_, "Why")}, body));
  }

  // The numbered bibliography: each document with its address as a link, then the citations of
  // it (each the target of the [source …] tags above, #src-<id>).
  std::string sources() const {
    std::string items;
    for (const BibEntry& e : bibliography(plan_.sources)) {
      std::string html = esc(document_reference(e.document, lang_));
      if (is_web_address(e.document.url))
        html += " " + el("a", attr("href", e.document.url), esc(e.document.url));
      if (!e.document.note.empty()) html += el("div", attr("class", "note"), esc(e.document.note));
      std::vector<std::string> cites;
      for (const Source& c : e.citations) {
        std::string cite = el("strong", "", esc(c.id));
        if (!c.section.empty()) cite += esc((lang_ == Lang::zh_CN ? "：" : " — ") + c.section);
        if (c.secondary())
          cite += " " + el("em", attr("class", "secondary"), t("(secondary source)"));
        if (!c.quote.empty()) cite += el("blockquote", "", "\u201c" + esc(c.quote) + "\u201d");
        if (!pick(c.note, lang_).empty()) cite += el("div", attr("class", "note"), p(c.note));
        cites.push_back(el("div", attr("id", "src-" + c.id), cite));
      }
      items +=
          el("li", attr("id", "doc-" + std::to_string(e.number)), html + list("citations", cites)) +
          "\n";
    }
    if (items.empty()) return "";
    return section("sources", tr(lang_, "Sources"), el("ol", attr("class", "bibliography"), items));
  }

  static bool is_web_address(const std::string& url) {
    return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  }

  // ------------------------------------------------------------ calendar

  std::map<Date, DayPlan> day_plans() const {
    std::map<Date, DayPlan> days;
    for (const PlannedPhase& ph : plan_.phases) {
      for (Date d = ph.first; d <= ph.last; d += date::days{1}) days[d].phases.push_back(&ph);
    }
    for (const Visit& v : plan_.visits) days[v.date].visit = &v;
    return days;
  }

  // One dose to tick; on a drug-level day the morning dose is marked "after the blood draw".
  std::string dose_box(const Administration& a, bool after_draw = false) const {
    const std::string label = is_infusion(a) ? t("infusion") : t(slot_name(a.slot));
    const std::string mark =
        after_draw ? " " + el("span", attr("class", "after-draw"), esc(trough_dose_mark(lang_)))
                   : "";
    return el("span", attr("class", is_infusion(a) ? "dose infusion" : "dose"),
              el("span", attr("class", "box"), "") + label + " " + amount(a) + mark) +
           "\n";
  }

  // The phase name on the first day of a phase row, and (lighter) on the 1st of a month it
  // continues into.
  std::string phase_marker(const PlannedPhase& ph, Date d) const {
    if (d == ph.first) return el("div", attr("class", "phase-start"), phase_label(ph, ph));
    if (date::year_month_day{d}.day() == date::day{1}) {
      return el("div", attr("class", "phase-cont"), phase_label(ph, ph));
    }
    return "";
  }

  std::string visit_tests(const Visit& v) const {
    std::vector<std::string> names;
    for (const std::string& id : visit_test_ids(v)) names.push_back(short_test_name(test_name(id)));
    std::string label = t(v.baseline ? "Tests (before day 1)" : "Tests");
    const std::string window = window_text(v);
    if (!window.empty()) label += " " + window;
    return el("div", attr("class", "tests"),
              el("span", attr("class", "tests-label"), label) + " " + joined(names));
  }

  Cell day_cell(Date d, const DayPlan& day) const {
    std::string cls = "day", tests;
    std::string inner = el("div", attr("class", "num"),
                           std::to_string(static_cast<unsigned>(date::year_month_day{d}.day())));
    // A drug-level day says first: draw blood, then take the morning dose (issue 16, finding 3).
    const bool trough = day.visit && has_trough(*day.visit);
    if (trough)
      inner += el("div", attr("class", "trough-first"), esc(trough_day_text(plan_, lang_)));
    for (const PlannedPhase* ph : day.phases) {
      cls += " ph" + std::to_string(phase_colour(ph->phase_id));
      if (d == ph->first) cls += " phase-change";
      inner += phase_marker(*ph, d);
      for (const Administration& a : ph->dose.administrations) {
        inner += dose_box(a, trough && a.slot == Slot::morning && !ph->cycle);
        if (is_infusion(a)) cls += " infusion-day";
      }
    }
    if (day.visit) {
      inner += visit_tests(*day.visit);
      cls += " visit";
      for (const std::string& id : visit_test_ids(*day.visit)) {
        tests += (tests.empty() ? "" : " ") + id;
      }
    }
    return {inner,
            attr("class", cls) + attr("data-date", format_date(d)) + attr("data-tests", tests)};
  }

  // The one function that writes a month: weeks Monday to Sunday.
  std::string month_grid(date::year_month ym, const std::map<Date, DayPlan>& days) const {
    const Date first = date::sys_days{ym / date::day{1}};
    const Date last = date::sys_days{ym / date::last};
    const auto monday_offset = (date::weekday{first}.c_encoding() + 6) % 7;
    std::string rows;
    for (Date week = first - date::days{monday_offset}; week <= last; week += date::days{7}) {
      std::vector<Cell> cells;
      for (Date d = week; d < week + date::days{7}; d += date::days{1}) {
        const auto it = days.find(d);
        cells.push_back(d < first || d > last
                            ? Cell{"", attr("class", "pad")}
                            : day_cell(d, it == days.end() ? kNothingPlanned : it->second));
      }
      rows += table_row(cells);
    }
    std::vector<std::string> headers;
    for (const char* wd : kWeekdays) headers.push_back(tr(lang_, wd));
    const unsigned month = static_cast<unsigned>(ym.month());
    const std::string title = std::to_string(static_cast<int>(ym.year())) +
                              (month < 10 ? "-0" : "-") + std::to_string(month);
    return el("section", attr("class", "month") + attr("data-month", title),
              el("h3", "",
                 esc(title) + " " +
                     el("span", attr("class", "month-name"), t(kMonths[month - 1]))) +
                  table("cal", headers, rows)) +
           "\n";
  }

  std::string calendar() const {
    const std::map<Date, DayPlan> days = day_plans();
    if (days.empty()) return "";
    const date::year_month from{date::year_month_day{days.begin()->first}.year(),
                                date::year_month_day{days.begin()->first}.month()};
    const date::year_month to{date::year_month_day{days.rbegin()->first}.year(),
                              date::year_month_day{days.rbegin()->first}.month()};
    std::string months;
    for (date::year_month ym = from; ym <= to; ym += date::months{1}) {
      // A month with neither a dose nor a test is left out.
      const auto lo = days.lower_bound(date::sys_days{ym / date::day{1}});
      if (lo != days.end() && lo->first <= date::sys_days{ym / date::last}) {
        months += month_grid(ym, days);
      }
    }
    const std::string legend =
        el("p", attr("class", "legend"),
           el("span", attr("class", "box"), "") + t("tick each dose when taken") + " \u00b7 " +
               el("span", attr("class", "swatch ph0"), "") +
               t("coloured edge: phase; its name on its first day") + " \u00b7 " +
               el("span", attr("class", "swatch visit"), "") + t("shaded: test day"));
    return el("section", attr("class", "calendar"),
              text_el("h2", "", tr(lang_, "Calendar")) + legend + "\n" + months) +
           "\n";
  }

  // The acknowledgements (in the page's language) and the disclaimer (in both): on every printed
  // page.
  std::string footer() const {
    const bool zh = lang_ == Lang::zh_CN;
    const std::string label = el("strong", "", t("Disclaimer:")) + " ";
    const std::string en = esc(plan_.disclaimer.en), cn = esc(plan_.disclaimer.zh);
    std::string acknowledgements;
    for (const LocalizedText& a : plan_.acknowledgements) acknowledgements += acknowledgement(a);
    return el("footer", attr("class", "print-footer"),
              acknowledgements +
                  el("p", attr("lang", zh ? "zh-CN" : "en"), label + (zh ? cn : en)) +
                  el("p", attr("lang", zh ? "en" : "zh-CN"), zh ? en : cn) +
                  el("p", attr("class", "stamp"), esc(stamp_text(plan_.stamp, lang_)))) +
           "\n";
  }

  // The room the fixed footer takes at the bottom of every printed page: more with
  // acknowledgements in it (a line or two each).
  std::string footer_space_attrs() const {
    std::string attrs = attr("class", "footer-space");
    if (!plan_.acknowledgements.empty()) {
      attrs +=
          attr("style", "height: " + std::to_string(22 + 7 * plan_.acknowledgements.size()) + "mm");
    }
    return attrs;
  }

  static std::string css();
};

// Long (about 150 lines) because it is one CSS literal, the page's whole style sheet.
std::string HtmlWriter::css() {
  return R"CSS(
@page { size: A4; margin: 10mm 12mm 8mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", "Liberation Sans", Arial, Helvetica, sans-serif;
       font-size: 9.5pt; line-height: 1.35; color: #111; max-width: 186mm; margin: 8mm auto; }
h1 { font-size: 15pt; margin: 0 0 1mm; }
h2 { font-size: 13pt; margin: 5mm 0 1.5mm; padding-bottom: 0.5mm; border-bottom: 0.4mm solid #333;
     break-after: avoid; }
h3 { font-size: 13pt; margin: 0 0 2mm; }
p { margin: 0.5mm 0; }
ul { margin: 0.5mm 0; padding-left: 5mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.25mm solid #999; padding: 0.8mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #e8e8e8; }
table.layout, table.layout > tbody > tr > td, table.layout > tfoot > tr > td { border: 0; padding: 0; }
.footer-space { height: 22mm; }
.date { white-space: nowrap; }
.tagline { font-weight: bold; color: #9b0000; }
.alerts { border: 0.6mm solid #b00000; background: #fff2ee; padding: 1.5mm 3mm; margin: 3mm 0; }
.alerts h2 { border: 0; margin: 0 0 1mm; color: #9b0000; }
.checks { border: 0.9mm solid #b00000; background: #fff2ee; padding: 1.5mm 3mm; margin: 3mm 0;
          font-size: 10pt; }
.checks h2 { border: 0; margin: 0 0 1mm; color: #9b0000; }
.checks li { margin-bottom: 0.8mm; }
.checks .mark, .acknowledgement strong { color: #9b0000; }
.acknowledgement { font-weight: bold; }
.print-footer .acknowledgement { color: #9b0000; font-size: 7.5pt; }
.facts { display: flex; gap: 4mm; margin-top: 3mm; align-items: flex-start; }
.facts > .table-scroll { flex: 1; }
.kv th { width: 36%; background: #f3f3f3; font-weight: 600; }
.kv th.title { background: #333; color: #fff; }
/* 12 pt in 186 mm: fixed columns (an auto layout squeezes the medicine to a letter a line). */
.card { font-size: 12pt; table-layout: fixed; }
.card thead th:nth-child(1) { width: 24mm; }
.card thead th:nth-child(2), .card thead th:nth-child(3) { width: 22mm; }
.card thead th:nth-child(4) { width: 23mm; }
.card thead th:nth-child(5) { width: 25mm; }
.card thead th:nth-child(n+6) { width: 17.5mm; }
.card thead th:nth-child(6):last-child { width: auto; }
.card td, .card th { padding: 0.8mm 1mm; }
.unit, .drug { white-space: nowrap; }
.card thead th:nth-child(n+6) { text-align: center; }
.card td.slot { text-align: center; }
.card td.slot.empty { background: #f3f3f3; }
.card td.infusion { text-align: left; }
.card tr.note-row td { color: #333; background: #fafafa; }
.units { font-size: 8pt; color: #333; font-weight: normal; }
.note { font-size: 7.5pt; color: #444; margin-top: 0.5mm; }
.src { font-size: 7.5pt; color: #555; white-space: nowrap; }
.if-needed { font-size: 7.5pt; font-style: italic; color: #7a4b00; }
.visits, .defaults { font-size: 8pt; }
.visits { table-layout: fixed; }
.visits thead th:nth-child(1) { width: 21mm; }
.visits thead th:nth-child(2) { width: 19mm; }
.visits thead th:nth-child(3) { width: 88mm; }
.reason { color: #333; }
.timings { font-size: 8pt; margin-top: 1mm; }
.disagreements { font-size: 8.5pt; }
/* The patient's sections (issue 20, item 4): no text under 12 pt, the size the AHRQ pill-card
   guidance asks for, on screen and in print; the clinician's sections may be smaller. */
.pill-card, .supply, .lab-rules, .calendar { font-size: 12pt; }
.pill-card :is(.units, .note, .src, .if-needed), .supply :is(.units, .note, .src, .if-needed),
.lab-rules :is(.note, .src, .if-needed), .calendar :is(.src, .if-needed, .legend) {
  font-size: 12pt; }
.pill-card td, .pill-card th, .supply td, .supply th, .cal td, .cal th { overflow-wrap: anywhere; }
.pill-card .date, .pill-card .drug, .pill-card .src, .calendar .date { white-space: normal; }
.sources { font-size: 8pt; }
.bibliography { padding-left: 6mm; }
.bibliography > li { margin-bottom: 1.5mm; }
.bibliography .citations { list-style: none; padding-left: 0; margin: 0.5mm 0 0; }
.bibliography a { color: #0b4f9c; word-break: break-all; }
.sources .note { color: #444; }
.print-footer .stamp { color: #555; }
blockquote { margin: 0.3mm 0 1.5mm 3mm; padding-left: 2mm; border-left: 0.6mm solid #bbb; color: #333; }
.box { display: inline-block; width: 3.2mm; height: 3.2mm; border: 0.3mm solid #000; background: #fff;
       vertical-align: -0.5mm; margin-right: 0.8mm; }
.swatch { display: inline-block; width: 3.2mm; height: 3.2mm; vertical-align: -0.5mm;
          margin: 0 0.8mm 0 0; border: 0.25mm solid #999; }
.swatch.visit { background: #fff0b3; }
.legend { font-size: 8pt; margin-bottom: 2mm; }
.cal { table-layout: fixed; }
.cal th { text-align: center; font-size: 12pt; }
.cal td { height: 18mm; padding: 0.7mm 0.9mm; font-size: 12pt; line-height: 1.25; }
.cal td.pad { background: #f6f6f6; border-color: #ddd; }
.cal .num { font-weight: bold; font-size: 12pt; }
.cal .dose { display: block; margin-top: 0.5mm; }
.cal .infusion { font-weight: bold; color: #7a1f00; }
.cal td.infusion-day { background: #fdebe4; }
.cal td.visit { background: #fff0b3; }
.cal .tests { margin-top: 0.6mm; padding-top: 0.4mm; border-top: 0.2mm dashed #a08000; font-size: 12pt; }
.cal .tests-label { font-weight: bold; color: #6b5200; }
.cal .trough-first { font-weight: bold; color: #8a1c1c; }
.cal .after-draw { font-weight: bold; }
.cal .phase-start { font-weight: bold; }
.cal .phase-cont { color: #555; font-size: 12pt; }
.cal td.phase-change { border-top: 0.6mm solid #333; }
.ph0 { border-left: 1.5mm solid #1f6fb4 !important; }
.ph1 { border-left: 1.5mm solid #2a9d3a !important; }
.ph2 { border-left: 1.5mm solid #d98200 !important; }
.ph3 { border-left: 1.5mm solid #8e44ad !important; }
.ph4 { border-left: 1.5mm solid #c0392b !important; }
.ph5 { border-left: 1.5mm solid #16a0a0 !important; }
.month { margin-top: 4mm; }
.print-footer { margin-top: 6mm; padding-top: 1mm; border-top: 0.3mm solid #666; font-size: 6.8pt;
                line-height: 1.25; color: #222; }
.print-footer p { margin: 0 0 0.3mm; }
@media screen { .footer-space { display: none; } }
@media screen and (max-width: 600px) {
  body { margin: 3mm 2.5mm; font-size: 11pt; }
  table.layout, table.layout > tbody, table.layout > tbody > tr, table.layout > tbody > tr > td {
    display: block; width: 100%; }
  table.layout > tfoot { display: none; }
  .alerts, .checks, .print-footer, li, p { overflow-wrap: anywhere; }
  td, th { overflow-wrap: break-word; }
  .alerts, .checks { padding: 1.5mm 2mm; }
  .facts { flex-direction: column; gap: 2mm; }
  .facts > .table-scroll { width: 100%; }
  .table-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
  .table-scroll > table { width: max-content; min-width: 100%; }
  .table-scroll > table.kv { width: 100%; }
  .card td, .card th, .visits td, .visits th, .defaults td, .defaults th { max-width: 60vw; }
  .card td.dose-target, .card td.given { max-width: 45vw; }
  /* The first column stays in view while the table scrolls: the medicine on the card, the date
     of a test visit. Collapsed borders do not move with it, so it draws its own right edge. */
  .card td.medicine, .card thead th:first-child, .visits td:first-child,
  .visits thead th:first-child {
    position: sticky; left: 0; z-index: 1; background: #fff; box-shadow: inset -0.3mm 0 #999; }
  .card td.medicine, .card thead th:first-child { max-width: 32vw; }
  .card thead th:first-child, .visits thead th:first-child { background: #e8e8e8; }
  .visits, .card { table-layout: auto; }
  .card thead th:nth-child(n) { width: auto; }
  .visits thead th:nth-child(n) { width: auto; }
  .cal { min-width: 42rem; }
  .src, .drug, .bibliography a { white-space: normal; overflow-wrap: anywhere; }
}
@media print {
  body { margin: 0; max-width: none; }
  .print-footer { position: fixed; left: 0; right: 0; bottom: 0; margin: 0; background: #fff; }
  .calendar { break-before: page; }
  /* At 12 pt a month is taller than a page: it runs on, a week never split (.cal tr). */
  .month { margin-top: 0; }
  .month + .month { break-before: page; }
  .kv tr, .card tr, .visits tr, .defaults tr, .cal tr, li { break-inside: avoid; }
}
)CSS";
}

}  // namespace

std::string render_html(const Plan& plan, Lang lang) {
  return HtmlWriter(plan, lang).document();
}

}  // namespace doseplan
