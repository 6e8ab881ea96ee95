#include "doseplan/error.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "core/utf8.hpp"
#include "doseplan/i18n.hpp"

namespace doseplan {
namespace {

using detail::utf8_sequence;

// The code point of the UTF-8 sequence `s` of `n` bytes (a well-formed one).
char32_t code_point(std::string_view s, std::size_t n) {
  const auto b = [&s](std::size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i]));
  };
  if (n == 1) return b(0);
  if (n == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (n == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

// Whether the character `c` is one unprintable_at() finds.
bool unprintable(char32_t c, bool allow_line_breaks) {
  if (c < 0x20 || c == 0x7F) return !(allow_line_breaks && (c == '\n' || c == '\t'));
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::vector<Problem> with_valid_utf8(std::vector<Problem> problems) {
  for (Problem& p : problems) {
    p.where = printable(std::move(p.where));
    p.message = printable(std::move(p.message));
    p.message_zh = printable(std::move(p.message_zh));
  }
  return problems;
}

std::string join(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) {
    if (!out.empty()) out += '\n';
    out += p.to_string();
  }
  return out;
}

}  // namespace

std::size_t unprintable_at(std::string_view text, bool allow_line_breaks) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {  // the usual case: printable ASCII
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(text.substr(i));
    if (n == 0 || unprintable(code_point(text.substr(i), n), allow_line_breaks)) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string printable(std::string text) {
  std::size_t i = unprintable_at(text);
  if (i == std::string::npos) return text;  // the usual case: unchanged
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = text.substr(0, i);
  while (i < text.size()) {
    const std::size_t n = utf8_sequence(std::string_view(text).substr(i));
    const char32_t c = n == 0 ? 0 : code_point(std::string_view(text).substr(i), n);
    if (n == 0 || (n == 1 && unprintable(c, false))) {
      const auto byte = static_cast<unsigned char>(text[i]);
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      i += 1;
    } else if (unprintable(c, false)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
      i += n;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

std::string Problem::to_string() const {
  std::string out;
  if (!where.empty()) out = where + ": ";
  out += message;
  out += " [" + id + "]";
  return out;
}

std::string zh_detail(std::string_view msgid, const ZhValues& values) {
  const std::string pattern = tr(Lang::zh_CN, msgid);
  if (pattern == msgid) return "";  // not translated, or no catalogue
  // Each {name} of the pattern replaced by its value, in one pass (a value may hold braces).
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    const std::size_t close = pattern[i] == '{' ? pattern.find('}', i) : std::string::npos;
    if (close != std::string::npos) {
      const std::string_view name = std::string_view(pattern).substr(i + 1, close - i - 1);
      const auto it = std::find_if(values.begin(), values.end(),
                                   [&](const auto& v) { return v.first == name; });
      if (it != values.end()) {
        out += it->second;
        i = close + 1;
        continue;
      }
    }
    out += pattern[i++];
  }
  return out;
}

std::string without_thousands(std::string text) {
  const auto digit = [&text](std::size_t i) {
    return i < text.size() && text[i] >= '0' && text[i] <= '9';
  };
  for (std::size_t i = 1; i + 3 < text.size() + 1; ++i) {
    if (text[i] == ',' && digit(i - 1) && digit(i + 1) && digit(i + 2) && digit(i + 3) &&
        !digit(i + 4)) {
      text.erase(i, 1);
    }
  }
  return text;
}

// Long (about 90 lines) because it is one table: a sentence for each error id.
std::string error_meaning(std::string_view id) {
  // One sentence a person can read for each id (docs/errors.md has the details). The Chinese is
  // in the catalogue (po/zh_CN/core.po), looked up with tr().
  static const std::pair<std::string_view, std::string_view> kMeanings[] = {
      {"usage.invalid", "The command line is not one doseplan understands."},
      {"quantity.empty", "A quantity is empty."},
      {"quantity.no_number", "A quantity does not start with a number."},
      {"quantity.missing_unit", "A quantity has no unit."},
      {"quantity.negative", "A quantity is negative."},
      {"quantity.not_finite", "A number is not finite or too large."},
      {"quantity.wrong_kind", "A quantity has a unit of another kind."},
      {"quantity.unknown_unit", "A unit doseplan does not know."},
      {"quantity.trailing_text", "A quantity is followed by other text."},
      {"input.missing", "A value the plan needs is missing."},
      {"input.unreadable", "The input file can not be read."},
      {"input.bad_date", "A date is not a real day in YYYY-MM-DD form."},
      {"input.bad_span", "A duration can not be read."},
      {"input.bad_count", "A cycle count can not be read."},
      {"input.bad_lang", "A language doseplan does not write."},
      {"input.bad_sex", "The sex is neither female nor male."},
      {"input.conflict", "Two values disagree."},
      {"input.above_maximum",
       "A dose is above the regimen's maximum; it is refused, never lowered."},
      {"input.out_of_range", "A value is outside the allowed range; nothing is changed to fit."},
      {"input.population",
       "The patient is outside the population the regimen is for, and its rule refuses."},
      {"input.patient_rule",
       "A rule of the regimen on kidney function or age refuses this patient."},
      {"input.course_too_long", "The course is longer than the regimen's maximum."},
      {"input.wrong_dose_kind", "The dose is of another kind than the regimen's."},
      {"input.not_applicable", "A value that does not apply to this regimen."},
      {"input.unknown_phase", "The regimen has no phase with this id."},
      {"input.unknown_regimen", "No regimen with this id."},
      {"input.unknown_product", "No product with this id."},
      {"input.product_not_allowed", "The regimen does not allow this product."},
      {"input.unknown_market", "No market with this id."},
      {"input.not_sold_in_market", "No strength of this product is sold in this market."},
      {"dose.not_representable", "The dose can not be given with this product."},
      {"dose.rounding_outside_range", "Rounding takes the dose outside the regimen's range."},
      {"dose.too_small_to_split", "The daily dose is too small to split into that many doses."},
      {"output.is_input",
       "The output file is a database or an input of the command; it was left unchanged."},
      {"output.unwritable", "The output file can not be written; no file was left."},
      {"output.font_missing", "No installed font has these characters."},
      {"output.pdf_failed", "The PDF could not be made."},
      {"output.unsupported", "This output is not built into this doseplan."},
      {"request.missing_field", "A request lacks a field it needs."},
      {"request.wrong_type", "A request field has the wrong type."},
      {"request.bad_value", "A request field has a value that can not be used."},
      {"request.empty_line", "A blank line in the batch input."},
      {"request.unknown_field", "A request field doseplan does not know."},
      {"request.syntax", "The request is not valid JSON."},
      {"tracker.bad_label", "A patient label can not be used."},
      {"tracker.bad_note", "A note can not be stored."},
      {"tracker.bad_uln", "The upper limit of normal can not be used."},
      {"tracker.bad_token", "A calendar subscription token can not be used."},
      {"accounts.bad_login", "The name or the password is not right."},
      {"accounts.bad_role", "The role is not one of admin, clinician, patient, carer."},
      {"accounts.duplicate", "An account with this name exists."},
      {"accounts.needs_clinic", "A clinician account names its clinic."},
      {"accounts.needs_patient", "A patient or carer account names its one patient."},
      {"accounts.password_mismatch", "The two passwords typed differ."},
      {"accounts.rate_limited", "Too many failed logins of this name; wait a quarter of an hour."},
      {"accounts.unknown", "No account with this name."},
      {"accounts.weak_password", "The password is shorter than 12 characters."},
      {"tracker.bad_db_url",
       "The PostgreSQL address holds a password; the password belongs in ~/.pgpass."},
      {"tracker.bad_db_path",
       "The directory for the tracker database is too long a name or not a directory."},
      {"tracker.damaged",
       "The tracker database holds what doseplan never writes: it was changed outside doseplan."},
      {"tracker.db", "The tracker database can not be used."},
      {"tracker.db_busy",
       "The tracker database is locked by another program; nothing was changed."},
      {"tracker.db_error", "A database error; nothing was changed."},
      {"tracker.db_unavailable",
       "The PostgreSQL server can not be reached; nothing was changed (or, when the connection "
       "was lost while committing, the change may be stored: look before doing it again)."},
      {"tracker.db_newer", "The database was written by a newer doseplan."},
      {"tracker.db_open", "The tracker database can not be opened."},
      {"tracker.disk_full",
       "The disk that holds the tracker database is full; nothing was changed."},
      {"tracker.duplicate_patient", "A patient with this label is already tracked."},
      {"tracker.future_date", "A date after today."},
      {"tracker.implausible_date", "A date before the patient's birth or before 1900."},
      {"tracker.no_conversion", "The value can not be converted to the test's unit."},
      {"tracker.no_db", "No tracker database there yet."},
      {"tracker.no_db_path", "No place for the tracker database."},
      {"tracker.no_reason", "A result marked entered in error needs the reason."},
      {"tracker.no_value", "A result needs a value."},
      {"tracker.not_a_plan", "The stored plan can not be read."},
      {"tracker.not_tracker_db", "The file is not a doseplan tracker database."},
      {"tracker.plan_not_rebuilt", "The stored plan could not be made again."},
      {"tracker.plan_without_request",
       "The plan file does not carry its request: make the plan again with this version."},
      {"tracker.read_only",
       "The tracker database can not be written (a read-only file system or no permission); "
       "nothing was changed."},
      {"tracker.unknown_patient", "No patient with this label."},
      {"tracker.unknown_result", "No result with this number for this patient."},
      {"tracker.unknown_test", "No test with this id."},
      {"tracker.unknown_visit", "No visit on that date."},
      {"tracker.unsafe_mode", "Other users may read the tracker database: chmod 600 it."},
      {"tracker.unsafe_owner", "The tracker database belongs to another user."},
      {"tracker.wrong_unit", "A unit this test is not measured in."},
      {"internal.empty_error", "An error without a description."},
      {"internal.error", "doseplan failed on this request; nothing was changed."},
      {"serve.bad_host", "The request names another server (Host header)."},
      {"serve.bad_request", "The HTTP request can not be read."},
      {"serve.cannot_listen", "The server can not listen on this port."},
      {"serve.content_type", "The body is not of the type this address takes."},
      {"serve.cross_site", "A form sent from another web site."},
      {"serve.csrf", "A form without this server's token."},
      {"serve.forbidden", "A request without this server's key."},
      {"serve.not_found", "No such page or API address."},
      {"serve.not_allowed", "This account's role may not do this."},
      {"serve.login_required", "Log in first."},
      {"serve.bad_tls", "The TLS certificate or key can not be used."},
      {"serve.not_loopback", "The server listens only on this machine until accounts exist."},
      {"serve.too_large", "The body is larger than this address takes."},
      {"input.bad_format", "A format doseplan does not write."},
  };
  for (const auto& [known, meaning] : kMeanings) {
    if (known == id) return std::string(meaning);
  }
  if (id.substr(0, 6) == "rules.") return "A rules file has a problem.";
  return "";
}

// The base is initialised first: it makes the problems valid UTF-8, then problems_ takes them.
Error::Error(std::vector<Problem> problems)
    : std::runtime_error(join(problems = with_valid_utf8(std::move(problems)))),
      problems_(std::move(problems)) {
  if (problems_.empty()) problems_.push_back({"internal.empty_error", "", "unspecified error"});
}

Error::Error(std::string id, std::string where, std::string message, std::string message_zh)
    : Error(std::vector<Problem>{
          {std::move(id), std::move(where), std::move(message), std::move(message_zh)}}) {}

}  // namespace doseplan
