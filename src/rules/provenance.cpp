// Bibliography, provenance words and the rules stamp (provenance.hpp).
#include "doseplan/provenance.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <stdexcept>

namespace doseplan {

namespace {

const Source* find_citation(const std::vector<Source>& sources, const std::string& id) {
  for (const Source& s : sources)
    if (s.id == id) return &s;
  return nullptr;
}

}  // namespace

std::string provenance_words(const std::vector<Source>& sources, const Provenance& p, Lang lang) {
  if (p.overridden) return tr(lang, "chosen by the user");
  if (p.project_default) return tr(lang, "project default");
  if (p.source_id.empty()) return "";
  const Source* s = find_citation(sources, p.source_id);
  if (s && s->secondary()) return fill(tr(lang, "secondary source {id}"), {{"id", p.source_id}});
  return fill(tr(lang, "source {id}"), {{"id", p.source_id}});
}

std::vector<BibEntry> bibliography(const std::vector<Source>& sources) {
  std::vector<BibEntry> out;
  for (const Source& s : sources) {
    BibEntry* entry = nullptr;
    for (BibEntry& e : out)
      if (e.document.id == s.document.id) entry = &e;
    if (!entry) {
      out.push_back({static_cast<int>(out.size()) + 1, s.document, {}});
      entry = &out.back();
    }
    entry->citations.push_back(s);
  }
  return out;
}

std::string kind_name(Document::Kind kind, Lang lang) {
  switch (kind) {
    case Document::Kind::seed_text:
      return tr(lang, "Patient-education text");
    case Document::Kind::label:
      return tr(lang, "Label");
    case Document::Kind::trial_publication:
      return tr(lang, "Trial publication");
    case Document::Kind::trial_record:
      return tr(lang, "Trial record");
    case Document::Kind::guideline:
      return tr(lang, "Guideline");
    case Document::Kind::publication:
      return tr(lang, "Publication");
    case Document::Kind::standard:
      return tr(lang, "Standard");
    case Document::Kind::secondary:
      return tr(lang, "Secondary summary");
  }
  return "";
}

std::string document_reference(const Document& d, Lang lang) {
  const bool zh = lang == Lang::zh_CN;
  const std::string stop = zh ? "。" : ". ";
  const std::string comma = zh ? "，" : ", ";
  auto sentence = [&](std::string text) {
    // A title or author that already ends a sentence gets no second full stop.
    if (!text.empty() && (text.back() == '.' || text.back() == '?')) return text + " ";
    return text + stop;
  };
  std::string out = sentence(d.author) + sentence(d.title);
  std::string facts = kind_name(d.kind, lang);
  // A label's version number reads "version 1255"; a journal reference is written as it is.
  const bool number = d.version.find_first_not_of("0123456789.") == std::string::npos;
  if (!d.version.empty())
    facts += comma + (number ? fill(tr(lang, "version {v}"), {{"v", d.version}}) : d.version);
  if (!d.date.empty()) facts += comma + d.date;
  if (!d.accessed.empty()) facts += comma + fill(tr(lang, "read {date}"), {{"date", d.accessed}});
  out += facts + stop;
  std::string ids;
  for (const Document::Identifier& i : d.identifiers)
    ids += (ids.empty() ? "" : comma) + i.scheme + " " + i.value;
  if (!ids.empty()) out += ids + stop;
  if (!d.read_on.empty())
    out += fill(tr(lang, "Read on a copy: {url}"), {{"url", d.read_on}}) + stop;
  if (!d.location.empty())
    out += fill(tr(lang, "Shipped with the rules: {file}"), {{"file", d.location}}) + stop;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string citation_heading(const Source& s, Lang lang) {
  std::string out = s.id;
  if (!s.section.empty()) out += (lang == Lang::zh_CN ? "：" : " — ") + s.section;
  if (s.secondary()) out += lang == Lang::zh_CN ? "（二手来源）" : " (secondary source)";
  return out;
}

std::string sources_text(const std::vector<Source>& sources, Lang lang, const std::string& indent,
                         bool notes) {
  std::string o;
  const std::string more = indent + "    ";
  for (const BibEntry& e : bibliography(sources)) {
    o += indent + "[" + std::to_string(e.number) + "] " + document_reference(e.document, lang) +
         "\n";
    if (!e.document.url.empty()) o += more + e.document.url + "\n";
    if (notes && !e.document.note.empty()) o += more + e.document.note + "\n";
    for (const Source& s : e.citations) {
      o += more + "- " + citation_heading(s, lang);
      if (!s.quote.empty())
        o += (lang == Lang::zh_CN ? "：" : ": ") + ("\u201c" + s.quote + "\u201d");
      const std::string& note = pick(s.note, lang);
      if (notes && !note.empty())
        o += (lang == Lang::zh_CN ? "（" : " (") + note + (lang == Lang::zh_CN ? "）" : ")");
      o += "\n";
    }
  }
  return o;
}

std::string stamp_text(const RulesStamp& stamp, Lang lang) {
  if (stamp.doseplan_version.empty() && stamp.rules_hash.empty()) return "";
  return fill(tr(lang, "doseplan {version} · rules {rules} · sha256 {hash}"),
              {{"version", stamp.doseplan_version},
               {"rules", stamp.rules_version},
               {"hash", stamp.rules_hash.substr(0, 16)}});
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  std::string out;
  char hex[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

}  // namespace doseplan
