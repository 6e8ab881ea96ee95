// The bibliography (rules/sources.json), the catalogue version (rules/catalogue.json), citations,
// and the checks that tie them together: every citation names a known document, a shipped text
// exists inside the rules directory, and every quote of a shipped text is found in it. Also the
// rules stamp (version and hash) of each regimen. docs/rules.md describes the fields.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "doseplan/provenance.hpp"
#include "doseplan/rules.hpp"
#include "rules/json_reader.hpp"
#include "rules/rules_sources.hpp"
#include "core/utf8.hpp"

namespace doseplan {

namespace fs = std::filesystem;
using detail::check_format_version;
using detail::Diagnostics;
using detail::elements;
using detail::json;
using detail::Obj;

namespace {

std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();
       i += std::max<std::size_t>(1, detail::utf8_sequence(s.substr(i))))
    ++n;
  return n;
}

// Runs of white space become one space, and the ends are trimmed: a quote may wrap differently
// from the shipped text.
std::string squeeze(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool valid_date(const std::string& d) {
  static const std::regex pattern(R"(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)");
  return std::regex_match(d, pattern);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

const char* to_string(Document::Kind k) {
  switch (k) {
    case Document::Kind::seed_text:
      return "seed-text";
    case Document::Kind::label:
      return "label";
    case Document::Kind::trial_publication:
      return "trial-publication";
    case Document::Kind::trial_record:
      return "trial-record";
    case Document::Kind::guideline:
      return "guideline";
    case Document::Kind::publication:
      return "publication";
    case Document::Kind::standard:
      return "standard";
    case Document::Kind::secondary:
      return "secondary";
  }
  return "";
}

std::optional<Document::Kind> document_kind(std::string_view s) {
  for (auto k :
       {Document::Kind::seed_text, Document::Kind::label, Document::Kind::trial_publication,
        Document::Kind::trial_record, Document::Kind::guideline, Document::Kind::publication,
        Document::Kind::standard, Document::Kind::secondary}) {
    if (s == to_string(k)) return k;
  }
  return std::nullopt;
}

void detail::check_format_version(Obj& root) {
  constexpr int kFormatVersion = 1;
  if (const auto v = root.integer("format_version"); v && *v != kFormatVersion) {
    root.diag().add("rules.format_version", root.at("format_version"),
                    "this doseplan reads format version " + std::to_string(kFormatVersion) +
                        ", found " + std::to_string(*v));
  }
}

Source detail::read_citation(Obj& s, bool require_id, bool require_quote) {
  Source src;
  src.id = s.string("id", require_id).value_or("");
  src.document_id = s.string("document").value_or("");
  src.section = s.string("section").value_or("");
  src.quote = s.string("quote", require_quote).value_or("");
  if (s.has("note")) src.note = s.text("note");
  if (characters(src.quote) > kMaxQuoteLength) {
    s.diag().add("rules.long_quote", s.at("quote"),
                 "a quote is the shortest passage that carries the number (at most " +
                     std::to_string(kMaxQuoteLength) + " characters; this one has " +
                     std::to_string(characters(src.quote)) + ")");
  }
  s.finish();
  return src;
}

std::vector<Document> parse_documents(std::string_view json_text, const std::string& file) {
  Diagnostics diag(file);
  const json root_json = detail::parse_json(json_text, diag);
  if (!diag.ok()) throw Error(std::move(diag.problems()));
  Obj root(root_json, "", diag);
  check_format_version(root);
  std::vector<Document> out;
  std::set<std::string> ids;
  for (const auto& [j, ptr] : elements(root.array("documents"), root.at("documents"))) {
    Obj o(*j, ptr, diag);
    Document d;
    d.id = o.string("id").value_or("");
    if (!d.id.empty() && !ids.insert(d.id).second)
      diag.add("rules.duplicate_id", o.at("id"), "document id \"" + d.id + "\" is used twice");
    const std::string kind = o.string("kind").value_or("");
    if (auto k = document_kind(kind)) {
      d.kind = *k;
    } else if (o.has("kind")) {
      diag.add("rules.bad_value", o.at("kind"),
               "expected seed-text, label, trial-publication, trial-record, guideline, "
               "publication, standard or secondary");
    }
    d.title = o.string("title").value_or("");
    d.author = o.string("author").value_or("");
    d.version = o.string("version", false).value_or("");
    d.date = o.string("date", false).value_or("");
    if (!d.date.empty() && !valid_date(d.date))
      diag.add("rules.bad_value", o.at("date"), "expected YYYY, YYYY-MM or YYYY-MM-DD");
    if (o.has("identifiers")) {
      for (const auto& [ij, iptr] : elements(o.array("identifiers"), o.at("identifiers"))) {
        Obj i(*ij, iptr, diag);
        Document::Identifier id{i.string("scheme").value_or(""), i.string("value").value_or("")};
        i.finish();
        d.identifiers.push_back(std::move(id));
      }
    }
    d.accessed = o.string("accessed", false).value_or("");
    if (!d.accessed.empty() && (d.accessed.size() != 10 || !valid_date(d.accessed)))
      diag.add("rules.bad_value", o.at("accessed"), "expected YYYY-MM-DD");
    if (d.date.empty() && d.accessed.empty() && d.identifiers.empty()) {
      diag.add("rules.missing_field", o.pointer(),
               "document \"" + d.id +
                   "\" needs a date (published, effective or accessed) or an "
                   "identifier (DOI, PMID, SPL set id, NCT number, ...)");
    }
    d.url = o.string("url", false).value_or("");
    d.location = o.string("location", false).value_or("");
    if (!d.location.empty() &&
        (d.location.rfind("sources/", 0) != 0 || d.location.find("..") != std::string::npos)) {
      diag.add("rules.bad_location", o.at("location"),
               "a shipped text is named sources/<file> inside the rules directory");
    }
    d.read_on = o.string("read_on", false).value_or("");
    d.note = o.string("note", false).value_or("");
    o.finish();
    out.push_back(std::move(d));
  }
  root.finish();
  if (!diag.ok()) throw Error(std::move(diag.problems()));
  return out;
}

std::string parse_catalogue_version(std::string_view json_text, const std::string& file) {
  Diagnostics diag(file);
  const json root_json = detail::parse_json(json_text, diag);
  if (!diag.ok()) throw Error(std::move(diag.problems()));
  Obj root(root_json, "", diag);
  check_format_version(root);
  std::string version = root.string("version").value_or("");
  const std::string released = root.string("released").value_or("");
  if (!released.empty() && (released.size() != 10 || !valid_date(released)))
    diag.add("rules.bad_value", root.at("released"), "expected YYYY-MM-DD");
  root.finish();
  if (!diag.ok()) throw Error(std::move(diag.problems()));
  return version;
}

std::vector<Problem> attach_documents(RuleSet& rules) {
  std::vector<Problem> out;
  const std::string dir = rules.directory;
  auto shown = [&](const std::string& name) { return (fs::path(dir) / name).string(); };
  std::map<std::string, std::string> texts;  // shipped texts by location, squeezed
  for (std::size_t i = 0; i < rules.documents.size(); ++i) {
    const Document& d = rules.documents[i];
    if (d.location.empty()) continue;
    const fs::path path = fs::path(dir) / d.location;
    if (!fs::is_regular_file(path)) {
      out.push_back({"rules.bad_location",
                     shown("sources.json") + ":/documents/" + std::to_string(i) + "/location",
                     "\"" + d.location + "\" is not a file in the rules directory " + dir});
      continue;
    }
    texts[d.location] = squeeze(read_text(path));
  }
  // `where` is the file and the pointer of the array the citations are in.
  auto attach = [&](std::vector<Source>& sources, const std::string& where) {
    for (std::size_t i = 0; i < sources.size(); ++i) {
      Source& s = sources[i];
      const std::string at = where + "/" + std::to_string(i);
      const Document* d = rules.find_document(s.document_id);
      if (!d) {
        out.push_back({"rules.unknown_document", at + "/document",
                       "document \"" + s.document_id + "\" is not in sources.json"});
        continue;
      }
      s.document = *d;
      auto text = texts.find(d->location);
      if (text != texts.end() && !s.quote.empty() &&
          text->second.find(squeeze(s.quote)) == std::string::npos) {
        out.push_back(
            {"rules.quote_not_found", at + "/quote",
             "the quote of \"" + s.id + "\" is not in " + d->location + " (white space aside)"});
      }
    }
  };
  for (Regimen& r : rules.regimens) attach(r.sources, r.file + ":/sources");
  attach(rules.product_sources, shown("products.json") + ":/sources");
  // A product keeps copies of the citations its values name: checked above, filled here.
  for (Product& p : rules.products) {
    for (Source& s : p.sources)
      if (const Document* d = rules.find_document(s.document_id)) s.document = *d;
  }
  if (!rules.labs_source.document_id.empty()) {
    std::vector<Source> one{rules.labs_source};
    attach(one, shown("labs.json") + ":/source");
    rules.labs_source = one.front();
  }
  return out;
}

}  // namespace doseplan
