// Sources and traceability (issue 17): the bibliography, citations, the checks on shipped texts,
// secondary sources, and the rules stamp every output carries.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "doseplan/doseplan.hpp"
#include "doseplan/ics.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"
#include "doseplan/request.hpp"
#include "test_support.hpp"

using namespace doseplan;
using namespace doseplan::testing;
namespace fs = std::filesystem;

namespace {

// A copy of tests/data/rules in a temporary directory, removed at the end of the test.
struct RulesCopy {
  fs::path dir;
  explicit RulesCopy(const std::string& name)
      : dir(fs::temp_directory_path() / ("doseplan-" + name + "-" + std::to_string(getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir / "sources");
    for (const auto& entry : fs::directory_iterator(test_rules_dir()))
      if (entry.is_regular_file()) fs::copy_file(entry.path(), dir / entry.path().filename());
  }
  ~RulesCopy() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
  }
  // Replaces the first `from` in file `name` by `to`. REQUIRES: `from` is there.
  void edit(const std::string& name, const std::string& from, const std::string& to) const {
    std::string text = slurp((dir / name).string());
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    write(name, text);
  }
};

const std::string kBibliography = R"({
  "format_version": 1,
  "documents": [
    {"id": "test-doc", "kind": "publication", "title": "Test document", "author": "doseplan tests",
     "date": "2026-12-05"},
    {"id": "shipped", "kind": "seed-text", "title": "A shipped text", "author": "doseplan tests",
     "identifiers": [{"scheme": "seed text", "value": "t"}], "location": "sources/t.txt"},
    {"id": "summary", "kind": "secondary", "title": "A summary", "author": "A website",
     "accessed": "2026-12-04", "url": "https://example.org/summary"}
  ]
})";

std::set<std::string> ids_of(const std::vector<Problem>& problems) {
  std::set<std::string> out;
  for (const Problem& p : problems) out.insert(p.id);
  return out;
}

PlanRequest taper_request() {
  PlanRequest q;
  q.regimen_id = "test-taper";
  q.weight = kilograms(62);
  q.start = parse_date("2026-12-01");
  return q;
}

}  // namespace

TEST_CASE("sources: a document needs a kind, a title, an author, and a date or an identifier") {
  const auto documents = [](const std::string& doc) {
    return R"({"format_version": 1, "documents": [)" + doc + "]}";
  };
  CHECK(problem_of([&] {
          parse_documents(documents(R"({"id": "d", "kind": "label", "title": "T", "author": "A"})"),
                          "s.json");
        }).id == "rules.missing_field");
  CHECK(problem_of([&] {
          parse_documents(documents(R"({"id": "d", "kind": "leaflet", "title": "T", "author": "A",
                                        "date": "2020"})"),
                          "s.json");
        }).where == "s.json:/documents/0/kind");
  CHECK(problem_of([&] {
          parse_documents(documents(R"({"id": "d", "kind": "label", "title": "T", "author": "A",
                                        "date": "2020-13-01"})"),
                          "s.json");
        }).where == "s.json:/documents/0/date");
  // A shipped text lies inside the rules directory, under sources/.
  CHECK(problem_of([&] {
          parse_documents(documents(R"({"id": "d", "kind": "seed-text", "title": "T", "author": "A",
                                        "date": "2020", "location": "../shared/x.txt"})"),
                          "s.json");
        }).id == "rules.bad_location");
  // Each form of date, an accessed date alone, or an identifier alone is enough.
  const auto ok = parse_documents(
      documents(R"({"id": "a", "kind": "label", "title": "T", "author": "A", "date": "2024-08-21"},
                   {"id": "b", "kind": "secondary", "title": "T", "author": "A",
                    "accessed": "2026-12-04"},
                   {"id": "c", "kind": "trial-record", "title": "T", "author": "A",
                    "identifiers": [{"scheme": "NCT", "value": "NCT00114530"}]})"),
      "s.json");
  REQUIRE(ok.size() == 3);
  CHECK(ok[1].kind == Document::Kind::secondary);
  CHECK(ok[2].identifiers[0].value == "NCT00114530");
}

TEST_CASE("sources: a citation names a known document, and a quote of a shipped text is in it") {
  RulesCopy copy("sources-cite");
  copy.write("sources.json", kBibliography);
  copy.write("sources/t.txt", "First line.\nThe dose is 2-8 mg/kg/day,\n  1-3 doses a day.\n");
  // The quote wraps differently from the text: white space runs count as one space.
  copy.edit("test-taper.json", R"("document": "test-doc")", R"("document": "shipped")");
  copy.edit("test-taper.json", R"("quote": "2-8 mg/kg/day, 1-3 doses a day.")",
            R"("quote": "The dose is 2-8 mg/kg/day, 1-3 doses a day.")");
  const RuleSet rules = load_rules(copy.dir.string());
  const Regimen* taper = rules.find_regimen("test-taper");
  REQUIRE(taper);
  CHECK(taper->sources[0].document.title == "A shipped text");
  CHECK(taper->sources[0].document.location == "sources/t.txt");

  SECTION("a quote not in the text is refused") {
    copy.edit("test-taper.json", "The dose is 2-8", "The dose is 2-9");
    const auto problems = problems_of([&] { load_rules(copy.dir.string()); });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].id == "rules.quote_not_found");
    CHECK(problems[0].where == (copy.dir / "test-taper.json").string() + ":/sources/0/quote");
  }
  SECTION("a shipped text that is not there is refused") {
    fs::remove(copy.dir / "sources/t.txt");
    CHECK(ids_of(problems_of([&] { load_rules(copy.dir.string()); })) ==
          std::set<std::string>{"rules.bad_location"});
  }
  SECTION("a citation of a document the bibliography does not list is refused") {
    copy.edit("test-taper.json", R"("document": "shipped")", R"("document": "nowhere")");
    const auto problems = problems_of([&] { load_rules(copy.dir.string()); });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].id == "rules.unknown_document");
    CHECK(problems[0].message == "document \"nowhere\" is not in sources.json");
  }
  SECTION("a paragraph is not a quote: at most 320 characters") {
    copy.edit("test-taper.json", R"("quote": "The dose is)",
              "\"quote\": \"" + std::string(300, 'x') + " The dose is");
    CHECK(ids_of(problems_of([&] { load_rules(copy.dir.string()); })).count("rules.long_quote"));
  }
  SECTION("a rules directory without its bibliography or catalogue is refused") {
    fs::remove(copy.dir / "sources.json");
    fs::remove(copy.dir / "catalogue.json");
    const auto problems = problems_of([&] { load_rules(copy.dir.string()); });
    CHECK(ids_of(problems) == std::set<std::string>{"rules.missing_file"});
    CHECK(problems.size() == 2);
  }
}

TEST_CASE("sources: the bibliography numbers documents in the order they are first cited") {
  Source a{"a", "doc-1", "§1", "one", {}, {}};
  a.document.id = "doc-1";
  Source b{"b", "doc-2", "§2", "two", {}, {}};
  b.document.id = "doc-2";
  b.document.kind = Document::Kind::secondary;
  Source c{"c", "doc-1", "§3", "three", {}, {}};
  c.document.id = "doc-1";
  const std::vector<BibEntry> bib = bibliography({a, b, c});
  REQUIRE(bib.size() == 2);
  CHECK(bib[0].number == 1);
  CHECK(bib[0].document.id == "doc-1");
  REQUIRE(bib[0].citations.size() == 2);
  CHECK(bib[0].citations[1].id == "c");
  CHECK(bib[1].number == 2);
  // A fact cited to a summary says so wherever its provenance is written.
  Provenance from;
  from.source_id = "b";
  CHECK(provenance_words({a, b, c}, from, Lang::en) == "secondary source b");
  CHECK(provenance_words({a, b, c}, from, Lang::zh_CN) == "二手来源 b");
  from.source_id = "a";
  CHECK(provenance_words({a, b, c}, from, Lang::en) == "source a");
  CHECK(citation_heading(b, Lang::en) == "b — §2 (secondary source)");
}

TEST_CASE("sources: a document is written with its kind, version, date and identifiers") {
  Document d;
  d.kind = Document::Kind::label;
  d.author = "AbbVie Inc.";
  d.title = "GENGRAF Capsules prescribing information";
  d.version = "1255";
  d.date = "2024-08-21";
  d.identifiers = {{"FDA SPL set id", "e896cbfe-4745-4088-82a3-8dc10b75c41f"}};
  CHECK(document_reference(d, Lang::en) ==
        "AbbVie Inc. GENGRAF Capsules prescribing information. Label, version 1255, 2024-08-21. "
        "FDA SPL set id e896cbfe-4745-4088-82a3-8dc10b75c41f.");
  // A journal reference is written as it is; an undated page gives the day it was read.
  d.kind = Document::Kind::secondary;
  d.version = "J Drugs Dermatol 2016;15(3):293-301";
  d.date.clear();
  d.accessed = "2026-12-04";
  d.identifiers.clear();
  CHECK(document_reference(d, Lang::en) ==
        "AbbVie Inc. GENGRAF Capsules prescribing information. Secondary summary, J Drugs "
        "Dermatol 2016;15(3):293-301, read 2026-12-04.");
}

TEST_CASE("stamp: the rules hash names the files a plan used, and changes when one changes") {
  RulesCopy copy("sources-stamp");
  const RuleSet before = load_rules(copy.dir.string());
  const Regimen* taper = before.find_regimen("test-taper");
  const Regimen* cycles = before.find_regimen("test-cycles");
  REQUIRE(taper);
  REQUIRE(cycles);
  CHECK(std::regex_match(taper->stamp.rules_hash, std::regex("[0-9a-f]{64}")));
  CHECK(taper->stamp.rules_version == "test");  // tests/data/rules/catalogue.json
  CHECK(taper->stamp.doseplan_version == version());
  // Each regimen hashes its own file with the shared ones; the set hashes every file.
  CHECK(taper->stamp.rules_hash != cycles->stamp.rules_hash);
  CHECK(before.stamp.rules_hash != taper->stamp.rules_hash);
  // Loading only what a plan needs gives the same stamp as loading everything.
  CHECK(load_rules_for(copy.dir.string(), "test-taper").regimens[0].stamp == taper->stamp);
  // The plan carries it.
  CHECK(make_plan(before, taper_request()).stamp == taper->stamp);

  SECTION("a changed regimen file changes its hash only") {
    copy.edit("test-taper.json", "\"format_version\": 1", "\"format_version\":  1");
    const RuleSet after = load_rules(copy.dir.string());
    CHECK(after.find_regimen("test-taper")->stamp.rules_hash != taper->stamp.rules_hash);
    CHECK(after.find_regimen("test-cycles")->stamp.rules_hash == cycles->stamp.rules_hash);
  }
  SECTION("a changed shared file changes every regimen's hash") {
    copy.edit("labs.json", "\"format_version\": 1", "\"format_version\":  1");
    const RuleSet after = load_rules(copy.dir.string());
    CHECK(after.find_regimen("test-taper")->stamp.rules_hash != taper->stamp.rules_hash);
    CHECK(after.find_regimen("test-cycles")->stamp.rules_hash != cycles->stamp.rules_hash);
  }
  SECTION("a new catalogue version is the rules version") {
    copy.edit("catalogue.json", "\"version\": \"test\"", "\"version\": \"test-2\"");
    const RuleSet after = load_rules(copy.dir.string());
    CHECK(after.find_regimen("test-taper")->stamp.rules_version == "test-2");
    CHECK(after.find_regimen("test-taper")->stamp.rules_hash != taper->stamp.rules_hash);
  }
}

TEST_CASE("stamp: every output of a plan names doseplan, the rules version and the rules hash") {
  const Plan plan = make_plan(test_rules(), taper_request());
  const std::string& hash = plan.stamp.rules_hash;
  const std::string shown =
      "doseplan " + std::string(version()) + " · rules test · sha256 " + hash.substr(0, 16);
  CHECK(stamp_text(plan.stamp, Lang::en) == shown);
  CHECK(render_text(plan).find("MADE BY\n  " + shown) != std::string::npos);
  CHECK(render_html(plan).find(shown) != std::string::npos);
  CHECK(render_csv(plan).find("made_by") != std::string::npos);
  CHECK(render_csv(plan).find(hash) != std::string::npos);
  const auto json = nlohmann::json::parse(render_json(plan));
  CHECK(json["made_by"]["rules_sha256"] == hash);
  CHECK(json["made_by"]["rules_version"] == "test");
  CHECK(json["documents"][0]["title"] == "Test document");
  CHECK(json["sources"][0]["document_number"] == 1);
  const auto fhir = nlohmann::json::parse(render_fhir(plan));
  CHECK(fhir["meta"]["tag"][1]["code"] == hash);
  const auto& last = fhir["entry"].back()["resource"];
  CHECK(last["resourceType"] == "Provenance");
  CHECK(last["policy"][0] == "urn:doseplan:rules:test:sha256:" + hash);
  CHECK(last["entity"][0]["what"]["display"].get<std::string>().find("Test document") !=
        std::string::npos);
  // Each test's ServiceRequest names the citation (or project default) its visit rests on.
  int cited_requests = 0;
  for (const auto& e : fhir["entry"]) {
    if (e["resource"]["resourceType"] != "ServiceRequest") continue;
    for (const auto& n : e["resource"].value("note", nlohmann::json::array())) {
      const std::string text = n["text"];
      if (text.rfind("Source test-src: doseplan tests. Test document.", 0) == 0 ||
          text.rfind("Project default: ", 0) == 0)
        ++cited_requests;
    }
  }
  CHECK(cited_requests > 0);
  std::string ics = render_ics(plan, {});
  for (std::size_t at; (at = ics.find("\r\n ")) != std::string::npos;) ics.erase(at, 3);  // unfold
  CHECK(ics.find("PRODID:-//doseplan//doseplan " + std::string(version()) + " rules test sha256 " +
                 hash + "//EN") != std::string::npos);
}

TEST_CASE("sources: every citation of the shipped rules is complete and traceable") {
  const RuleSet& rules = real_rules();
  int citations = 0;
  for (const Regimen& r : rules.regimens) {
    for (const Source& s : r.sources) {
      INFO(r.id << " " << s.id);
      ++citations;
      const Document& d = s.document;
      CHECK_FALSE(d.id.empty());
      CHECK_FALSE(d.title.empty());
      CHECK_FALSE(d.author.empty());
      CHECK_FALSE(s.section.empty());
      CHECK_FALSE(s.quote.empty());
      CHECK((!d.date.empty() || !d.accessed.empty() || !d.identifiers.empty()));
      CHECK((!d.url.empty() || !d.identifiers.empty()));
      for (const std::string* text :
           {&d.title, &d.location, &d.url, &d.note, &s.section, &s.quote, &s.note.en, &s.note.zh}) {
        CHECK(text->find("shared/") == std::string::npos);
        CHECK(text->find("clinical-facts") == std::string::npos);
      }
      if (!d.location.empty()) {
        // Found again here, independently of the loader: the quote is in the shipped text.
        const std::string path = real_rules_dir() + "/" + d.location;
        REQUIRE(fs::is_regular_file(path));
        const auto squeeze = [](const std::string& t) {
          return std::regex_replace(t, std::regex("\\s+"), " ");
        };
        CHECK(squeeze(slurp(path)).find(squeeze(s.quote)) != std::string::npos);
      }
    }
  }
  CHECK(citations > 100);
  // The five seed texts are shipped beside the rules.
  int seeds = 0;
  for (const Document& d : rules.documents)
    if (d.kind == Document::Kind::seed_text)
      seeds += fs::is_regular_file(real_rules_dir() + "/" + d.location);
  CHECK(seeds == 5);
}
