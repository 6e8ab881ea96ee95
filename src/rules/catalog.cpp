// Finding the rules directory and loading every file in it.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "doseplan/error.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/rules.hpp"
#include "doseplan/version.hpp"

#ifndef DOSEPLAN_SOURCE_RULES_DIR
#define DOSEPLAN_SOURCE_RULES_DIR ""
#endif
#ifndef DOSEPLAN_INSTALLED_RULES_DIR
#define DOSEPLAN_INSTALLED_RULES_DIR ""
#endif

namespace doseplan {
namespace fs = std::filesystem;

namespace {

template <class T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  for (const T& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

// The largest rules file read (the shipped ones are below 100 KiB): a bigger one is refused
// rather than read into memory (docs/rules.md).
constexpr std::uintmax_t kMaxRulesFileBytes = std::uintmax_t{4} * 1024 * 1024;

std::string read_file(const fs::path& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxRulesFileBytes) {
    throw Error("rules.too_large", path.string(),
                "the file has " + std::to_string(size) + " bytes; a rules file may have at most " +
                    std::to_string(kMaxRulesFileBytes) + " (4 MiB)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("rules.unreadable", path.string(), "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > kMaxRulesFileBytes) {
    throw Error("rules.too_large", path.string(), "a rules file may have at most 4 MiB");
  }
  return ss.str();
}

// False also when the path can not be looked at (too long, a symlink loop): not a directory.
bool is_directory_quiet(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// A std::filesystem error while reading the rules (a symlink loop, a directory without read
// permission, a name too long) is the input's fault, not an internal error.
Error unreadable(const fs::filesystem_error& e, const std::string& directory) {
  const std::string where = e.path1().empty() ? directory : e.path1().string();
  return Error("rules.unreadable", where, "cannot read the rules: " + e.code().message());
}

}  // namespace

const Regimen* RuleSet::find_regimen(std::string_view id) const {
  return find_by_id(regimens, id);
}
const Regimen& RuleSet::regimen(std::string_view id) const {
  if (const Regimen* r = find_regimen(id)) return *r;
  std::string known;
  for (const Regimen& reg : regimens) known += (known.empty() ? "" : ", ") + reg.id;
  throw Error("input.unknown_regimen", "regimen",
              "no regimen \"" + std::string(id) + "\"; known: " + known,
              zh_detail("There is no regimen {id}: use one of {known} (doseplan regimens lists "
                        "them).",
                        {{"id", id}, {"known", known}}));
}
const Product* RuleSet::find_product(std::string_view id) const {
  return find_by_id(products, id);
}
const LabTest* RuleSet::find_lab(std::string_view id) const {
  return find_by_id(labs, id);
}
const Document* RuleSet::find_document(std::string_view id) const {
  return find_by_id(documents, id);
}
const Market* RuleSet::find_market(std::string_view id) const {
  return find_by_id(markets, id);
}

std::string find_rules_dir(const std::optional<std::string>& explicit_dir, const char* env_dir) {
  if (explicit_dir) {
    if (!is_directory_quiet(*explicit_dir)) {
      throw Error("rules.not_found", "rules", "\"" + *explicit_dir + "\" is not a directory",
                  zh_detail("{dir} is not a directory: give the rules directory with --rules.",
                            {{"dir", *explicit_dir}}));
    }
    return *explicit_dir;
  }
  if (env_dir && *env_dir) {
    if (!is_directory_quiet(env_dir)) {
      throw Error("rules.not_found", "DOSEPLAN_RULES",
                  "\"" + std::string(env_dir) + "\" is not a directory",
                  zh_detail("{dir} (DOSEPLAN_RULES) is not a directory: correct DOSEPLAN_RULES or "
                            "give the rules directory with --rules.",
                            {{"dir", env_dir}}));
    }
    return env_dir;
  }
  for (const char* candidate : {DOSEPLAN_INSTALLED_RULES_DIR, DOSEPLAN_SOURCE_RULES_DIR}) {
    if (*candidate && is_directory_quiet(candidate)) return candidate;
  }
  throw Error("rules.not_found", "rules",
              "no rules directory found: give --rules DIR or set DOSEPLAN_RULES",
              zh_detail("No rules directory was found: give it with --rules or set "
                        "DOSEPLAN_RULES."));
}

namespace {

// The stamp of the whole set and of each regimen: SHA-256 over each file's name, length and
// bytes, in name order, of the files every regimen shares and (for a regimen) its own file.
void stamp_rules(RuleSet& rules, const std::map<std::string, std::string>& shared_files,
                 const std::map<std::string, std::string>& regimen_files) {
  auto hash = [&](const std::map<std::string, std::string>& own) {
    std::map<std::string, std::string> files = shared_files;
    files.insert(own.begin(), own.end());
    std::string bytes;
    for (const auto& [name, text] : files)
      bytes += name + '\0' + std::to_string(text.size()) + '\0' + text;
    return sha256_hex(bytes);
  };
  rules.stamp = {version(), rules.catalogue_version, hash(regimen_files)};
  for (Regimen& r : rules.regimens) {
    std::map<std::string, std::string> own;
    if (auto it = regimen_files.find(r.id + ".json"); it != regimen_files.end()) own.insert(*it);
    r.stamp = {version(), rules.catalogue_version, hash(own)};
  }
}

RuleSet load_files(const std::string& directory, std::vector<fs::path> files) {
  RuleSet rules;
  rules.directory = directory;
  std::vector<Problem> problems;
  auto collect = [&](auto&& parse) {
    try {
      parse();
    } catch (const Error& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  };
  std::map<std::string, std::string> shared_files, regimen_files;  // name -> bytes, for the hash
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    const std::string name = path.filename().string();
    const std::string shown = (fs::path(directory) / name).string();
    collect([&] {
      const std::string text = read_file(path);
      if (name == "products.json") {
        ProductCatalog catalog = parse_product_catalog(text, shown);
        rules.products = std::move(catalog.products);
        rules.markets = std::move(catalog.markets);
        rules.product_sources = std::move(catalog.sources);
      } else if (name == "labs.json") {
        LabCatalog labs = parse_lab_catalog(text, shown);
        rules.labs = std::move(labs.tests);
        rules.labs_source = std::move(labs.source);
      } else if (name == "sources.json") {
        rules.documents = parse_documents(text, shown);
      } else if (name == "catalogue.json") {
        rules.catalogue_version = parse_catalogue_version(text, shown);
      } else {
        Regimen r = parse_regimen(text, shown);
        if (r.id + ".json" != name) {
          throw Error("rules.id_mismatch", shown + ":/id",
                      "regimen id \"" + r.id + "\" does not match the file name " + name);
        }
        rules.regimens.push_back(std::move(r));
        regimen_files[name] = text;
        return;
      }
      shared_files[name] = text;
    });
  }
  for (const char* needed : {"sources.json", "catalogue.json"}) {
    if (!shared_files.count(needed) && !fs::exists(fs::path(directory) / needed)) {
      problems.push_back({"rules.missing_file", (fs::path(directory) / needed).string(),
                          "every rules directory has one (docs/rules.md)"});
    }
  }
  if (problems.empty()) {
    problems = attach_documents(rules);
    const std::vector<Problem> cross = check_rule_set(rules);
    problems.insert(problems.end(), cross.begin(), cross.end());
    if (problems.empty()) problems = convert_lab_rules(rules);
  }
  if (!problems.empty()) throw Error(std::move(problems));
  stamp_rules(rules, shared_files, regimen_files);
  return rules;
}

}  // namespace

RuleSet load_rules(const std::string& directory) {
  std::vector<fs::path> files;
  try {
    for (const auto& entry : fs::directory_iterator(directory)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json")
        files.push_back(entry.path());
    }
    return load_files(directory, std::move(files));
  } catch (const fs::filesystem_error& e) {
    throw unreadable(e, directory);
  }
}

RuleSet load_rules_for(const std::string& directory, std::string_view regimen_id) {
  const bool plain_id =
      !regimen_id.empty() && regimen_id != "products" && regimen_id != "labs" &&
      regimen_id != "sources" && regimen_id != "catalogue" &&
      std::all_of(regimen_id.begin(), regimen_id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
  const fs::path dir(directory);
  const fs::path regimen = dir / (std::string(regimen_id) + ".json");
  // An id too long for a file name is simply not a file here: the whole directory is loaded and
  // the id is reported as unknown.
  std::error_code ec;
  if (!plain_id || !fs::is_regular_file(regimen, ec)) return load_rules(directory);
  std::vector<fs::path> files{regimen};
  try {
    for (const char* name : {"products.json", "labs.json", "sources.json", "catalogue.json"}) {
      if (fs::is_regular_file(dir / name)) files.push_back(dir / name);
    }
    return load_files(directory, std::move(files));
  } catch (const fs::filesystem_error& e) {
    throw unreadable(e, directory);
  }
}

}  // namespace doseplan
