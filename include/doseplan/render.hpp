// doseplan — renderers: Plan -> bytes. Pure functions: no I/O, no clock.
// Every output carries the educational-aid disclaimer, the sources and the project defaults used.
#ifndef DOSEPLAN_RENDER_HPP_
#define DOSEPLAN_RENDER_HPP_

#include <string>

#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/rules.hpp"

namespace doseplan {

// For clinicians: a summary, then the phase table, then the monitoring calendar. With `explain`,
// a last section shows how every number was made (the audit trail).
std::string render_text(const Plan& plan, bool explain = false, Lang lang = Lang::en);

// The checks about the patient (each marked by check_mark, with its source) and the
// acknowledgements, as the text plan shows them first: two sections, or nothing when there are
// none. `track advise` shows a stored plan's with it. `sources` (the plan's) mark the checks
// whose limit comes from a secondary source.
std::string render_checks_text(const std::vector<PatientCheck>& checks,
                               const std::vector<LocalizedText>& acknowledgements,
                               Lang lang = Lang::en, const std::vector<Source>& sources = {});

// One self-contained HTML file (no external fonts, scripts or images) with print CSS for A4:
// page one has the patient, regimen, sources, a pill card (drug, what it is for, how much in
// product units for each slot: morning, noon, evening, bedtime) and what to test when; then a
// calendar with each day's doses as tick boxes, phase changes marked and monitoring days
// highlighted with their tests. The disclaimer is on every printed page.
std::string render_html(const Plan& plan, Lang lang = Lang::en);

// The same content as a PDF (cairo + pango), A4, fonts embedded (Noto CJK covers Chinese), page
// numbers, the patient label and the plan date on every page. Returns the PDF bytes.
std::string render_pdf(const Plan& plan, Lang lang = Lang::en);

// One row per administration (every day of every phase) and one per test of every visit, then the
// disclaimer and the sources; RFC 4180 (comma, CRLF, quoted where needed), UTF-8. Column names and
// kinds ("dose", "test", slots) are keys; names, reasons and sources are in `lang`.
std::string render_csv(const Plan& plan, Lang lang = Lang::en);

// The same plan as JSON (format_version, typed numbers with their units, both languages).
// `indent` as for nlohmann::json::dump: 2 (the default) for people, -1 for one line.
std::string render_json(const Plan& plan, int indent = 2);

// A lab rule's condition in words: "Serum creatinine ≥ 25% above baseline".
std::string describe_condition(const LabRule& r, const std::string& test_name,
                               Lang lang = Lang::en);
// How a check about the patient (Plan::checks) is marked, in the reader's language: "warning",
// "the source's reduction, not applied", "acknowledged by the user". Every renderer shows each
// check with this mark, its sentence and its source; the tracker too (`track advise`).
std::string check_mark(PatientCheck::Action action, Lang lang = Lang::en);
// A unit as people read it: "mm[Hg]" (UCUM, as the rules write it) -> "mmHg", "10*9/L" and
// "10*3/uL" -> "×10⁹/L", "umol/L" -> "µmol/L".
std::string display_unit(std::string_view unit);
// A number and its unit as people read them: "140 mmHg", "1.3×10⁹/L" (no space before ×).
std::string measure_text(const std::string& number, std::string_view unit);

// FHIR R4 Bundle (collection): Patient, body weight Observation, a MedicationRequest per phase
// (Dosage per planned row), a ServiceRequest per test of every visit and a CarePlan tying them;
// all drafts/proposals, with the disclaimer and sources as notes (docs/fhir.md).
std::string render_fhir(const Plan& plan);

// `doseplan regimens`: id, drug, indication and evidence level of each regimen.
std::string render_regimen_list_text(const RuleSet& rules, Lang lang);
std::string render_regimen_list_json(const RuleSet& rules);

// `doseplan show ID`: the whole regimen, readably, with its sources and quotes.
std::string render_regimen_text(const Regimen& r, const RuleSet& rules, Lang lang);
std::string render_regimen_json(const Regimen& r, const RuleSet& rules);

}  // namespace doseplan

#endif  // DOSEPLAN_RENDER_HPP_
