// Internal: reading citations (the `sources` of a regimen or products.json) with the readers of
// src/rules/rules_regimen.cpp and src/rules/rules_products.cpp (src/rules/rules_readers.hpp).
#ifndef DOSEPLAN_SRC_RULES_SOURCES_HPP_
#define DOSEPLAN_SRC_RULES_SOURCES_HPP_

#include "doseplan/regimen.hpp"
#include "rules/json_reader.hpp"

namespace doseplan::detail {

// Longest quote check-rules accepts, in characters: a phrase or one sentence, never a paragraph.
constexpr std::size_t kMaxQuoteLength = 320;

// "format_version" must be 1, the only version of the rules files (rules.format_version).
void check_format_version(Obj& root);

// One citation {"id", "document", "section", "quote", "note"}; `require_id` and `require_quote`
// are false for labs.json's single citation.
Source read_citation(Obj& s, bool require_id = true, bool require_quote = true);

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_RULES_SOURCES_HPP_
