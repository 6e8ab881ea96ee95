// doseplan — where an output comes from: the numbered bibliography of the documents a plan cites,
// the words that mark a value's provenance, and the stamp that traces an output to the program
// and the rules that made it.
//
// Every renderer writes sources through these functions, so that a citation reads the same in
// text, HTML, PDF, CSV, calendars and FHIR:
//   [1] AbbVie Inc. GENGRAF Capsules (cyclosporine capsules, USP [MODIFIED]) prescribing
//       information. Label, version 1255, 2024-08-21. FDA SPL set id e896cbfe-….
//       label-schedule — PRECAUTIONS, Laboratory Tests: “Serum creatinine and BUN should be …”
#ifndef DOSEPLAN_PROVENANCE_HPP_
#define DOSEPLAN_PROVENANCE_HPP_

#include <string>
#include <vector>

#include "doseplan/i18n.hpp"
#include "doseplan/regimen.hpp"

namespace doseplan {

// "source label-schedule", "secondary source mpr-gengraf", "project default", "chosen by the
// user", or "" (no provenance): the words inside a value's [brackets]. `sources` are the plan's
// (or the regimen's) citations, to know which are secondary.
std::string provenance_words(const std::vector<Source>& sources, const Provenance& p, Lang lang);

// One document of the bibliography with the citations of it, numbered from 1 in the order the
// documents are first cited.
struct BibEntry {
  int number = 0;
  Document document;
  std::vector<Source> citations;
};
std::vector<BibEntry> bibliography(const std::vector<Source>& sources);

// "Label", "Trial publication", ..., "Secondary summary" (说明书, 试验论文, ..., 二手摘要).
std::string kind_name(Document::Kind kind, Lang lang);

// The document as one reference, without its address: "AbbVie Inc. GENGRAF Capsules (…). Label,
// version 1255, 2024-08-21. FDA SPL set id e896cbfe-…." (author, title, kind, version, date,
// identifiers). A shipped text adds "Shipped with the rules: sources/003_….txt."
std::string document_reference(const Document& d, Lang lang);

// "label-schedule — PRECAUTIONS, Laboratory Tests" plus " (secondary source)" when it is one.
std::string citation_heading(const Source& s, Lang lang);

// The bibliography as plain text (text plans, `doseplan show`, calendar descriptions), each line
// starting with `indent`:
//   [1] <document_reference>
//       <url>
//       - <citation_heading>: “<quote>” (<note>, with `notes`)
// Plans and calendars keep it short (no notes); `doseplan show` gives the notes.
std::string sources_text(const std::vector<Source>& sources, Lang lang, const std::string& indent,
                         bool notes = false);

// "doseplan 0.1.0 · rules 2026.12.1 · sha256 3f2a9c…" (the hash's first 16 digits; enough to
// find the rules it names); "" when the stamp is empty.
std::string stamp_text(const RulesStamp& stamp, Lang lang);

// SHA-256 of `bytes`, as 64 lowercase hex digits (OpenSSL).
std::string sha256_hex(std::string_view bytes);

}  // namespace doseplan

#endif  // DOSEPLAN_PROVENANCE_HPP_
