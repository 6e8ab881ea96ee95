// Long (about 1,140 lines) because the PDF module is kept to its two files (issue 19): this one
// holds the layout (Doc, Table) and the page's sections in reading order; pdf_module_entry.cpp is
// the module's entry point.
//
// PDF renderer (see render.hpp): the printable schedule drawn with cairo on a PDF surface that
// writes into a std::string (no temporary file) and laid out with pango (plain-text layouts,
// wrapped to a width; no markup).
//
// Layout: a Doc owns the surface and a cursor that moves down the page. Every block is a Table
// (a title, an optional header row, rows of cells; a cell is a stack of wrapped lines): the
// table measures each row, asks the cursor for room (a new page when the row does not fit, with
// the title and header repeated) and draws it. Every page gets the same header (drug, patient
// label, plan date) and footer (the acknowledgements the user gave, the disclaimer in both
// languages, "Page N of M"). Page one starts with the checks about the patient. The patient's pages
// (pill card, what a result may mean, the calendar in week bands) come together, from a new page,
// with no glyph under 12 pt (issue 20, item 4; docs/pdf.md); the clinician's pages follow.
// M is known only at the end, so the document is laid out twice: the first pass counts the pages
// (its output is discarded), the second writes them. Both passes make exactly the same layout.
//
// Nothing here reads the clock: the PDF's creation date is the plan's start date.
//
// Why this file is long (about 1,090 lines): the layout engine (Doc, Table, page breaks, footers)
// and the sections of the printout are one module (doseplan_pdf.so); the seam for a split is
// between the two, left for issue 19's render/ folder.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/render.hpp"
#include "doseplan/wording.hpp"

namespace doseplan {
namespace {

// ------------------------------------------------------------------ geometry and styles (points)
constexpr double kPageWidth = 595.276;  // A4
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 36;
constexpr double kWidth = kPageWidth - 2 * kMargin;      // the text column
constexpr double kBlockGap = 8;                          // after each block
constexpr double kLineGap = 1;                           // between the lines of a cell
constexpr double kPad = 3;                               // inside a cell
constexpr double kBand = 3;                              // the coloured bar of a phase change
constexpr const char* kFontFamily = "Noto Sans CJK SC";  // Debian fonts-noto-cjk; covers Latin

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.05, 0.05, 0.05};
constexpr Rgb kMuted{0.4, 0.4, 0.4};
constexpr Rgb kGrid{0.6, 0.6, 0.6};
constexpr Rgb kHeadFill{0.88, 0.88, 0.88};
constexpr Rgb kOutsideFill{0.95, 0.95, 0.95};  // calendar days of another month
constexpr Rgb kTestFill{1.0, 0.93, 0.66};      // calendar days with tests
constexpr Rgb kPhase{0.12, 0.34, 0.68};        // a phase or dose change
constexpr Rgb kAlert{0.68, 0.14, 0.04};
constexpr Rgb kAlertFill{1.0, 0.93, 0.89};

enum class Align { left, right };

struct Style {
  double size = 9;
  bool bold = false;
  Rgb colour = kInk;
  bool italic = false;
  Align align = Align::left;
};
constexpr Style kTitle{.size = 17, .bold = true};
constexpr Style kDrug{.size = 13, .bold = true};
constexpr Style kHeading{.size = 11.5, .bold = true};
constexpr Style kAlertHeading{.size = 11.5, .bold = true, .colour = kAlert};
constexpr Style kBody{.size = 8.5};
constexpr Style kBold{.size = 8.5, .bold = true};
constexpr Style kSmall{.size = 7.5};
constexpr Style kSmallMuted{.size = 7.5, .colour = kMuted};
constexpr Style kHead{.size = 7.5, .bold = true};
constexpr Style kQuote{.size = 7.5, .italic = true};
constexpr Style kTiny{.size = 6.5};
constexpr Style kTinyBold{.size = 6.5, .bold = true};
constexpr Style kFooter{.size = 6.5, .colour = kMuted};
constexpr Style kFooterAlert{.size = 6.5, .bold = true, .colour = kAlert};
// The patient's pages (pill card, what a result may mean, calendar; issue 20, item 4): no glyph
// under 12 pt there, the size the AHRQ pill-card guidance asks for; their headings 14 pt.
constexpr double kPatientMin = 12;
constexpr Style kPatientHeading{.size = 14, .bold = true};

// One paragraph, wrapped to the width it is drawn in; `tick` puts an empty tick box before it.
struct Line {
  std::string text;
  Style style = kBody;
  bool tick = false;
  std::string link;  // a web address the line links to (the bibliography's), or empty
};
using Stack = std::vector<Line>;  // paragraphs one under the other

struct Cell {
  Stack lines{};
  std::optional<Rgb> fill{};
  std::optional<Rgb> band{};  // a bar along the top edge
  int span = 1;               // columns
};
using Row = std::vector<Cell>;

// Every block of the document: rows of cells under a title, paginated row by row.
struct Table {
  std::string title;
  Style title_style = kHeading;
  std::vector<double> widths{kWidth};
  Row header{};  // repeated on every page the table runs onto; may be empty
  std::vector<Row> rows{};
  double min_row_height = 0;
  bool grid = true;
  bool keep_together = false;  // start on a new page rather than split, when it fits on one
};

// ------------------------------------------------------------------ small text helpers
std::string replace(std::string text, std::string_view key, const std::string& value) {
  if (const auto at = text.find(key); at != std::string::npos) text.replace(at, key.size(), value);
  return text;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
  return out;
}

std::string list_separator(Lang lang) {
  return lang == Lang::zh_CN ? "\u3001" : ", ";
}

// The drug with its Tall Man English name and its Chinese name, the reader's language first.
std::string drug_label(const Plan& plan, Lang lang) {
  const LocalizedText& n = plan.regimen.drug.name;
  if (n.zh.empty()) return n.en;
  return lang == Lang::zh_CN ? drug_heading(plan.regimen.drug, lang) : n.en + " (" + n.zh + ")";
}

// " [source label-schedule]", " [secondary source mpr-gengraf]", " [project default]", or "".
std::string tag(const Plan& plan, const Provenance& p, Lang lang) {
  const std::string words = provenance_words(plan.sources, p, lang);
  return words.empty() ? "" : " [" + words + "]";
}

// "cyclosporine-itp · 62 kg · 165 cm · start 2026-12-01": on every page.
std::string patient_label(const Plan& plan, Lang lang) {
  std::string s = plan.regimen.id + " \u00b7 " + tr(lang, "weight") + " " + format_kg(plan.weight);
  if (plan.height)
    s += " \u00b7 " + tr(lang, "height") + " " + format_number(in_cm(*plan.height)) + " cm";
  return s + " \u00b7 " + tr(lang, "start") + " " + format_date(plan.start);
}

std::string phase_label(const PlannedPhase& p, Lang lang) {
  return phase_step_name(pick(p.name, lang), p.cycle, p.step, p.step, p.steps, lang);
}

std::string slot_label(Slot s, Lang lang) {
  return tr(lang, slot_name(s));
}

// What is given at one administration, short: "150 mg", "840 mg IV", "1.5 mL (150 mg)".
std::string amount_text(const Administration& a, Lang lang) {
  if (a.cells) return format_cells(*a.cells, lang);
  if (a.volume) return format_number(in_mL(*a.volume), 2, lang) + " mL";
  if (!a.intravenous) return format_mg(a.amount, lang);
  return fill(tr(lang, "{amount} IV"), {{"amount", format_mg(a.amount, lang)}});
}

const PlannedPhase* phase_on(const Plan& plan, Date d) {
  for (const PlannedPhase& p : plan.phases) {
    if (p.cycle ? d == p.first : p.first <= d && d <= p.last) return &p;
  }
  return nullptr;
}

const Visit* visit_on(const Plan& plan, Date d) {
  for (const Visit& v : plan.visits)
    if (v.date == d) return &v;
  return nullptr;
}

// The names of the tests of a visit, each once, in order.
std::string visit_tests(const Plan& plan, const Visit& v, Lang lang) {
  std::vector<std::string> names;
  for (const VisitItem& item : v.items) {
    for (const std::string& id : item.tests) {
      std::string name = id;
      for (const LabTest& lab : plan.labs)
        if (lab.id == id) name = pick(lab.name, lang);
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return join(names, list_separator(lang));
}

// When the visit may take place: "±3 d", "2027-03-12 – 2027-03-15", or "" (that day).
std::string visit_window(const Visit& v, Lang lang) {
  int before = INT_MAX, after = INT_MAX;
  for (const VisitItem& item : v.items) {
    before = std::min(before, item.window_before);
    after = std::min(after, item.window_after);
  }
  if (v.items.empty() || (before == 0 && after == 0)) return "";
  if (before == after) return replace(tr(lang, "\u00b1{n} d"), "{n}", std::to_string(before));
  return format_date(v.date - date::days{before}) + " \u2013 " +
         format_date(v.date + date::days{after});
}

// ------------------------------------------------------------------ the document and its cursor
struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  if (closure)
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

class Doc {
 public:
  // `total_pages` is 0 in the counting pass; `out` is null there (the bytes are dropped).
  Doc(const Plan& plan, Lang lang, int total_pages, std::string* out)
      : plan_(plan), lang_(lang), total_pages_(total_pages) {
    surface_.reset(
        cairo_pdf_surface_create_for_stream(append_to_string, out, kPageWidth, kPageHeight));
    const std::string date = format_date(plan.start) + "T00:00:00Z";
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "doseplan");
    const std::string title = "doseplan: " + plan.regimen.id;
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
    cr_.reset(cairo_create(surface_.get()));
    cairo_tag_begin(cr_.get(), "Document", "");
    layout_.reset(pango_cairo_create_layout(cr_.get()));
    PangoContext* context = pango_layout_get_context(layout_.get());
    // A PDF page is measured in points: glyph positions rounded to whole points (pango's default
    // since 1.44) and hinted metrics made word spaces of small text 0.5 to 1.5 pt wide at random,
    // so words ran together in print ("nota prescription"). Exact positions, unhinted metrics.
    pango_context_set_round_glyph_positions(context, FALSE);
    std::unique_ptr<cairo_font_options_t, decltype(&cairo_font_options_destroy)> options(
        cairo_font_options_create(), &cairo_font_options_destroy);
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context, options.get());
    pango_context_set_language(context,
                               pango_language_from_string(lang == Lang::zh_CN ? "zh-cn" : "en"));
    pango_layout_context_changed(layout_.get());
    pango_layout_set_wrap(layout_.get(), PANGO_WRAP_WORD_CHAR);

    header_ = {{patient_label(plan, lang), kHead}, {drug_label(plan, lang), kSmall}};
    plan_date_ = {doseplan::tr(lang, "Plan date") + " " + format_date(plan.start), kHead};
    plan_date_.style.align = Align::right;
    const LocalizedText& d = plan.disclaimer;
    for (const LocalizedText& a : plan.acknowledgements) {
      disclaimer_.push_back(
          {doseplan::tr(lang, "Acknowledged by the user (--acknowledge-off-label):") + " " +
               pick(a, lang),
           kFooterAlert});
    }
    patient_disclaimer_ = disclaimer_;
    for (const std::string* text :
         lang == Lang::zh_CN ? std::array{&d.zh, &d.en} : std::array{&d.en, &d.zh}) {
      disclaimer_.push_back({*text, kFooter});
    }
    disclaimer_.push_back({stamp_text(plan.stamp, lang), kFooter});
    patient_disclaimer_.push_back(disclaimer_[plan.acknowledgements.size()]);
    patient_disclaimer_.push_back(disclaimer_.back());
    measure_furniture();
    new_page();
  }

  // From the next page on, the patient's pages (every glyph at least kPatientMin, the header and
  // footer too) or the clinician's; starts that page.
  void patient_pages(bool on) {
    patient_ = on;
    measure_furniture();
    new_page();
  }
  bool patient() const { return patient_; }

  const Plan& plan() const { return plan_; }
  Lang lang() const { return lang_; }
  std::string tr(std::string_view key) const { return doseplan::tr(lang_, key); }

  // Cursor: `y` is where the next block goes.
  double y = 0;
  double room() const { return bottom_ - y; }
  double page_room() const { return bottom_ - top_; }
  void ensure(double h) {
    if (h > room() && y > top_) new_page();
  }
  void new_page() {
    if (page_ > 0) cairo_show_page(cr_.get());
    ++page_;
    draw_header_and_footer();
    y = top_;
  }

  // Ends the document; returns the number of pages. Throws when text could not be drawn.
  int finish() {
    cairo_tag_end(cr_.get(), "Document");
    cairo_show_page(cr_.get());
    cairo_surface_finish(surface_.get());
    if (const cairo_status_t s = cairo_surface_status(surface_.get()); s != CAIRO_STATUS_SUCCESS) {
      throw Error("output.pdf_failed", "format",
                  std::string("cairo could not make the PDF: ") + cairo_status_to_string(s));
    }
    if (missing_glyphs_ > 0) {
      throw Error("output.font_missing", "format",
                  std::to_string(missing_glyphs_) +
                      " characters have no glyph in any installed font; install \"" + kFontFamily +
                      "\" (Debian: fonts-noto-cjk) so that Chinese text can be printed");
    }
    return page_;
  }

  double height(const Line& l, double width) {
    if (l.text.empty()) return 0;
    int h = 0;
    pango_layout_get_size(layout(l, width), nullptr, &h);
    return pango_units_to_double(h);
  }
  double height(const Stack& s, double width) {
    double h = 0;
    for (const Line& l : s) {
      const double lh = height(l, width);
      if (lh > 0) h += (h > 0 ? kLineGap : 0) + lh;
    }
    return h;
  }

  void draw(const Line& l, double x, double top, double width) {
    if (l.text.empty()) return;
    PangoLayout* lay = layout(l, width);
    missing_glyphs_ += pango_layout_get_unknown_glyphs_count(lay);
    if (l.tick) {
      const double side = tick_side(l);
      const double baseline = pango_units_to_double(pango_layout_get_baseline(lay));
      rect(x, top + baseline - side + 0.5, side, side, Rgb{1, 1, 1}, kInk, 0.6);
    }
    // Tagged PDF (cairo 1.16 structure tags): each line a paragraph or a heading, in the order
    // drawn, which is the reading order; headings are also bookmarks (the outline).
    const char* tag = structure_tag(l);
    cairo_tag_begin(cr_.get(), tag, "");
    if (tag != std::string_view("P") && total_pages_ > 0) {
      const std::string at = "page=" + std::to_string(page_) + " pos=[" + std::to_string(x) + " " +
                             std::to_string(top) + "]";
      cairo_pdf_surface_add_outline(surface_.get(), CAIRO_PDF_OUTLINE_ROOT, l.text.c_str(),
                                    at.c_str(), static_cast<cairo_pdf_outline_flags_t>(0));
    }
    cairo_set_source_rgb(cr_.get(), l.style.colour.r, l.style.colour.g, l.style.colour.b);
    cairo_move_to(cr_.get(), x + indent(l), top);
    // A link annotation over the line (cairo 1.16 tags); an address cairo's attribute syntax
    // cannot quote is written without one.
    const bool link = !l.link.empty() && l.link.find_first_of("'\\") == std::string::npos;
    if (link) cairo_tag_begin(cr_.get(), CAIRO_TAG_LINK, ("uri='" + l.link + "'").c_str());
    pango_cairo_show_layout(cr_.get(), lay);
    if (link) cairo_tag_end(cr_.get(), CAIRO_TAG_LINK);
    cairo_tag_end(cr_.get(), tag);
  }
  void draw(const Stack& s, double x, double top, double width) {
    for (const Line& l : s) {
      const double lh = height(l, width);
      if (lh <= 0) continue;
      draw(l, x, top, width);
      top += lh + kLineGap;
    }
  }

  void rect(double x, double top, double w, double h, std::optional<Rgb> fill,
            std::optional<Rgb> stroke, double line_width = 0.5) {
    cairo_t* cr = cr_.get();
    cairo_rectangle(cr, x, top, w, h);
    if (fill) {
      cairo_set_source_rgb(cr, fill->r, fill->g, fill->b);
      cairo_fill_preserve(cr);
    }
    if (stroke) {
      cairo_set_source_rgb(cr, stroke->r, stroke->g, stroke->b);
      cairo_set_line_width(cr, line_width);
      cairo_stroke_preserve(cr);
    }
    cairo_new_path(cr);
  }

 private:
  // The header's and the footer's left column; the plan date and the page number take the rest.
  // On the patient's pages, at 12 pt, the page number goes under the plan date, the footer takes
  // the whole width and carries the disclaimer in the reader's language only (the clinician's
  // pages carry it in both), so that the footer leaves room for the plan.
  double header_width() const { return kWidth - (patient_ ? 150 : 130); }
  double footer_width() const { return patient_ ? kWidth : kWidth - 90; }
  const Stack& footer() const { return patient_ ? patient_disclaimer_ : disclaimer_; }
  Stack right_of_header() const {
    if (!patient_) return {plan_date_};
    return {plan_date_, page_number()};
  }
  Line page_number() const {
    Line number{replace(replace(doseplan::tr(lang_, "Page {page} of {pages}"), "{page}",
                                std::to_string(page_)),
                        "{pages}", total_pages_ > 0 ? std::to_string(total_pages_) : "?"),
                kHead};
    number.style.align = Align::right;
    return number;
  }
  void measure_furniture() {
    top_ = kMargin +
           std::max(height(header_, header_width()),
                    height(right_of_header(), kWidth - header_width())) +
           kPad + kBlockGap;
    bottom_ = kPageHeight - kMargin - height(footer(), footer_width()) - kPad - kBlockGap;
  }

  // The size a line is drawn at: its style's, and at least kPatientMin on the patient's pages.
  double size(const Line& l) const {
    return patient_ ? std::max(l.style.size, kPatientMin) : l.style.size;
  }
  double tick_side(const Line& l) const { return size(l) * 0.9; }
  // H1 for the title, H2 for the headings of the sections and the drug, P for the rest.
  static const char* structure_tag(const Line& l) {
    if (l.style.size >= kTitle.size) return "H1";
    if (l.style.bold && l.style.size >= kHeading.size) return "H2";
    return "P";
  }
  double indent(const Line& l) const { return l.tick ? tick_side(l) + 3 : 0; }

  PangoLayout* layout(const Line& l, double width) {
    PangoLayout* lay = layout_.get();
    std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> font(
        pango_font_description_new(), &pango_font_description_free);
    pango_font_description_set_family(font.get(), kFontFamily);
    pango_font_description_set_absolute_size(font.get(), size(l) * PANGO_SCALE);
    pango_font_description_set_weight(font.get(),
                                      l.style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(font.get(),
                                     l.style.italic ? PANGO_STYLE_OBLIQUE : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(lay, font.get());
    pango_layout_set_width(lay, pango_units_from_double(std::max(1.0, width - indent(l))));
    pango_layout_set_alignment(
        lay, l.style.align == Align::right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_text(lay, l.text.data(), static_cast<int>(l.text.size()));
    return lay;
  }

  void draw_header_and_footer() {
    const double header_h = top_ - kBlockGap - kPad - kMargin;
    draw(header_, kMargin, kMargin, header_width());
    draw(right_of_header(), kMargin + header_width(), kMargin, kWidth - header_width());
    rect(kMargin, kMargin + header_h + kPad, kWidth, 0.6, kGrid, std::nullopt);

    const double footer_top = bottom_ + kBlockGap;
    rect(kMargin, footer_top, kWidth, 0.6, kGrid, std::nullopt);
    draw(footer(), kMargin, footer_top + kPad, footer_width());
    if (!patient_)
      draw(page_number(), kMargin + footer_width(), footer_top + kPad, kWidth - footer_width());
  }

  const Plan& plan_;
  Lang lang_;
  int total_pages_;
  int page_ = 0;
  int missing_glyphs_ = 0;
  bool patient_ = false;         // drawing the patient's pages
  double top_ = 0, bottom_ = 0;  // of the content area
  Stack header_;
  Line plan_date_;
  Stack disclaimer_;  // the acknowledgements, then the disclaimer in both languages, the stamp
  Stack patient_disclaimer_;  // the same with the disclaimer in the reader's language only
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface_;
  std::unique_ptr<cairo_t, ContextDeleter> cr_;
  std::unique_ptr<PangoLayout, LayoutDeleter> layout_;
};

// ------------------------------------------------------------------ tables (every block)
double span_width(const Table& t, std::size_t col, int span) {
  double w = 0;
  for (std::size_t c = col; c < col + static_cast<std::size_t>(span) && c < t.widths.size(); ++c)
    w += t.widths[c];
  return w;
}

double row_height(Doc& doc, const Table& t, const Row& row, double min_height = 0) {
  double h = row.empty() ? 0 : min_height;
  std::size_t col = 0;
  for (const Cell& c : row) {
    const double w = span_width(t, col, c.span);
    h = std::max(h, doc.height(c.lines, w - 2 * kPad) + 2 * kPad + (c.band ? kBand : 0));
    col += static_cast<std::size_t>(c.span);
  }
  return h;
}

void draw_row(Doc& doc, const Table& t, const Row& row, double h) {
  double x = kMargin;
  std::size_t col = 0;
  for (const Cell& c : row) {
    const double w = span_width(t, col, c.span);
    doc.rect(x, doc.y, w, h, c.fill, t.grid ? std::optional<Rgb>(kGrid) : std::nullopt);
    if (c.band) doc.rect(x, doc.y, w, kBand, c.band, std::nullopt);
    doc.draw(c.lines, x + kPad, doc.y + kPad + (c.band ? kBand : 0), w - 2 * kPad);
    x += w;
    col += static_cast<std::size_t>(c.span);
  }
  doc.y += h;
}

void draw_table(Doc& doc, const Table& t) {
  const Line title{t.title, t.title_style};
  const Line continued{t.title + " " + doc.tr("(continued)"), t.title_style};
  const double title_h = t.title.empty() ? 0 : doc.height(title, kWidth) + kPad;
  const double header_h = row_height(doc, t, t.header);
  auto draw_top = [&](const Line& heading) {
    if (!t.title.empty()) {
      doc.draw(heading, kMargin, doc.y, kWidth);
      doc.y += title_h;
    }
    draw_row(doc, t, t.header, header_h);
  };

  std::vector<double> heights;
  double total = title_h + header_h;
  for (const Row& r : t.rows)
    total += heights.emplace_back(row_height(doc, t, r, t.min_row_height));
  if (t.keep_together && total <= doc.page_room()) {
    doc.ensure(total);
  } else {
    doc.ensure(title_h + header_h + (heights.empty() ? 0 : heights.front()));
  }
  draw_top(title);
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    if (heights[i] > doc.room()) {
      doc.new_page();
      draw_top(continued);
    }
    draw_row(doc, t, t.rows[i], heights[i]);
  }
  doc.y += kBlockGap;
}

Cell head(std::string text) {
  return {{{std::move(text), kHead}}, kHeadFill};
}

// A two-column block without grid: label, value.
Table fields(std::string title, const std::vector<std::pair<std::string, std::string>>& items) {
  Table t{.title = std::move(title), .widths = {130, kWidth - 130}, .grid = false};
  for (const auto& [label, value] : items)
    t.rows.push_back({Cell{{{label, kBold}}}, Cell{{{value, kBody}}}});
  return t;
}

// A one-column block without grid: one row per item.
Table list(std::string title, std::vector<Stack> items) {
  Table t{.title = std::move(title), .grid = false};
  for (Stack& s : items) t.rows.push_back({Cell{std::move(s)}});
  return t;
}

// ------------------------------------------------------------------ page one
void title_block(Doc& doc) {
  draw_table(doc, list("", {{{doc.tr("Dosing and monitoring schedule"), kTitle},
                             {drug_label(doc.plan(), doc.lang()), kDrug},
                             {doc.tr("Educational aid, not a prescription: every dose and test "
                                     "must be decided and supervised by your doctor."),
                              {.size = 8.5, .bold = true, .colour = kAlert}}}}));
}

// The patient judged against the regimen's limits, and what the user acknowledged: on page one,
// right under the title.
void checks_block(Doc& doc) {
  const Plan& p = doc.plan();
  const Lang lang = doc.lang();
  Table t{.title = doc.tr("Checks about the patient (the regimen's limits; doseplan changes no "
                          "dose)"),
          .title_style = kAlertHeading};
  constexpr Style kMark{.size = 8.5, .bold = true, .colour = kAlert};
  for (const PatientCheck& c : p.checks) {
    t.rows.push_back({Cell{{{"! [" + check_mark(c.action, lang) + "]", kMark},
                            {pick(c.text, lang) + tag(doc.plan(), c.from, lang), kBody}},
                           kAlertFill}});
  }
  for (const LocalizedText& a : p.acknowledgements) {
    t.rows.push_back(
        {Cell{{{"! " + doc.tr("Acknowledged by the user (--acknowledge-off-label):"), kMark},
               {pick(a, lang), kBold}},
              kAlertFill}});
  }
  if (!t.rows.empty()) draw_table(doc, t);
}

void patient_block(Doc& doc) {
  const Plan& p = doc.plan();
  std::vector<std::pair<std::string, std::string>> rows{{doc.tr("Weight"), format_kg(p.weight)}};
  if (p.height) rows.emplace_back(doc.tr("Height"), format_number(in_cm(*p.height)) + " cm");
  if (p.bsa) {
    rows.emplace_back(doc.tr("Body-surface area"),
                      format_number(in_m2(*p.bsa)) + " m\u00b2 (" +
                          (p.bsa_formula == "dubois" ? "DuBois" : "Mosteller") + ")");
  }
  if (p.age_years)
    rows.emplace_back(doc.tr("Age"), format_number(*p.age_years) + " " + doc.tr("years"));
  if (p.sex) rows.emplace_back(doc.tr("Sex"), doc.tr(to_string(*p.sex)));
  if (p.ideal_weight) {
    rows.emplace_back(doc.tr("Ideal body weight"), format_kg(*p.ideal_weight) + doc.tr(" (") +
                                                       doc.tr("Devine, adults") + doc.tr(")"));
  }
  if (p.adjusted_weight) {
    rows.emplace_back(doc.tr("Adjusted body weight"), format_kg(*p.adjusted_weight));
  }
  if (p.creatinine) {
    rows.emplace_back(doc.tr("Creatinine"),
                      format_number(in_umol_per_L(*p.creatinine), 1) + " \u00b5mol/L" +
                          doc.tr(" (") + format_number(creatinine_in_mg_per_dL(*p.creatinine), 2) +
                          " mg/dL" + doc.tr(")"));
  }
  if (p.egfr) {
    rows.emplace_back("eGFR", format_number(in_mL_per_min(*p.egfr), 0) + " mL/min/1.73 m\u00b2" +
                                  doc.tr(" (") + doc.tr("CKD-EPI 2021, adults") + doc.tr(")"));
  }
  if (p.crcl) {
    rows.emplace_back(doc.tr("Creatinine clearance"),
                      format_number(in_mL_per_min(*p.crcl), 0) + " mL/min" + doc.tr(" (") +
                          doc.tr("Cockcroft\u2013Gault, adults") + doc.tr(")"));
  }
  if (p.egfr_schwartz) {
    rows.emplace_back("eGFR", format_number(in_mL_per_min(*p.egfr_schwartz), 0) +
                                  " mL/min/1.73 m\u00b2" + doc.tr(" (") +
                                  doc.tr("bedside Schwartz, children") + doc.tr(")"));
  }
  draw_table(doc, fields(doc.tr("Patient"), rows));
}

void regimen_block(Doc& doc) {
  const Plan& p = doc.plan();
  const Lang lang = doc.lang();
  std::vector<std::pair<std::string, std::string>> rows{
      {doc.tr("Drug"), drug_label(p, lang)},
      {doc.tr("Indication"), pick(p.regimen.indication, lang)},
      {doc.tr("Evidence"), doc.tr(p.regimen.evidence)},
      {doc.tr("Regimen id"), p.regimen.id}};
  if (p.chosen) {
    std::string dose = format_dose(p.chosen->value, lang) + tag(doc.plan(), p.chosen->from, lang);
    if (p.dose_rule.min && p.dose_rule.max) {
      dose += doc.tr("; ") + doc.tr("allowed") + " " +
              pick(dose_range_text(*p.dose_rule.min, *p.dose_rule.max), lang) +
              tag(doc.plan(), p.dose_rule.range_from, lang);
    }
    rows.emplace_back(doc.tr("Dose"), dose);
  }
  std::string product = pick(p.product.name, lang);
  if (!p.product.market_names.empty()) {
    product += doc.tr(" (") + join(p.product.market_names, list_separator(lang)) + doc.tr(")");
  }
  rows.emplace_back(doc.tr("Product"), product);
  for (const LocalizedText& n : p.product_notes) rows.emplace_back("", pick(n, lang));
  const bool daily = std::any_of(p.phases.begin(), p.phases.end(),
                                 [](const PlannedPhase& ph) { return !ph.cycle; });
  if (daily) {
    rows.emplace_back(doc.tr("How often"), doc.tr(frequency_words(p.doses_per_day.value)) +
                                               tag(doc.plan(), p.doses_per_day.from, lang));
  }
  // "Morning and evening, about 12 hours apart…": a project default (review S18).
  const std::string twice = twice_daily_text(p, lang);
  if (!twice.empty()) rows.emplace_back("", twice + " [" + doc.tr("project default") + "]");
  draw_table(doc, fields(doc.tr("Regimen"), rows));
}

void dates_block(Doc& doc) {
  draw_table(doc, fields(doc.tr("Dates"),
                         {{doc.tr("First day of treatment"), format_date(doc.plan().start)},
                          {doc.tr("Last day of treatment"), format_date(doc.plan().end)}}));
}

void alerts_block(Doc& doc) {
  const Plan& p = doc.plan();
  Table t{.title = doc.tr("Advisories and warnings"), .title_style = kAlertHeading};
  auto add = [&t](std::string text) {
    t.rows.push_back({Cell{
        {{"! " + std::move(text), {.size = 8.5, .bold = true, .colour = kAlert}}}, kAlertFill}});
  };
  for (const LocalizedText& a : p.advisories) add(pick(a, doc.lang()));
  for (const auto& w : p.warnings)
    add(pick(w.value, doc.lang()) + tag(doc.plan(), w.from, doc.lang()));
  if (!t.rows.empty()) draw_table(doc, t);
}

// What to take at one slot: the amount, then the product units.
Stack take(const Administration& a, Product::Form form, Lang lang) {
  Stack s{{amount_text(a, lang), kBold}};
  if (!a.cells) s.push_back({patient_units(a, form, lang), kSmall});
  return s;
}

// Dates, what it is for, then one column per slot: the slots the plan uses share the room, the
// others keep a narrow column (all four are shown, as on a Universal Medication Schedule card).
std::vector<double> pill_card_widths(const Plan& plan, const std::vector<Slot>& slots) {
  constexpr double kDates = 84, kWhat = 119, kUnused = 56;  // 12 pt: "2026-12-01", "bedtime"
  std::vector<bool> used(slots.size(), false);
  for (const PlannedPhase& p : plan.phases) {
    if (p.cycle) continue;
    for (const Administration& a : p.dose.administrations)
      for (std::size_t i = 0; i < slots.size(); ++i) used[i] = used[i] || a.slot == slots[i];
  }
  const auto n_used = static_cast<double>(std::count(used.begin(), used.end(), true));
  const double room = kWidth - kDates - kWhat;
  std::vector<double> widths{kDates, kWhat};
  for (bool u : used) {
    if (n_used == 0) {
      widths.push_back(room / static_cast<double>(slots.size()));
    } else {
      widths.push_back(u ? (room - (static_cast<double>(slots.size()) - n_used) * kUnused) / n_used
                         : kUnused);
    }
  }
  return widths;
}

// A pill-card row's first two cells: the dates, then the phase and what to know about it.
Row card_row_start(Doc& doc, const PlannedPhase& p) {
  const Lang lang = doc.lang();
  Cell dates{{{format_date(p.first), kBold}}};
  if (p.last != p.first) dates.lines.push_back({"\u2013 " + format_date(p.last), kBold});
  Cell what{{{phase_label(p, lang), kBold}}};
  if (!p.cycle) {
    const int n = static_cast<int>(p.dose.administrations.size());
    what.lines.push_back(
        {replace(doc.tr("{amount} a day"), "{amount}", format_mg(p.dose.rounded_daily, lang)) +
             doc.tr("; ") + doc.tr(frequency_words(n)),
         kSmall});
  }
  if (p.conditional)
    what.lines.push_back({doc.tr("the doctor decides whether to increase"), kSmall});
  if (!p.dose_note.en.empty()) what.lines.push_back({pick(p.dose_note, lang), kSmall});
  if (p.step <= 1 && !pick(p.note, lang).empty()) what.lines.push_back({pick(p.note, lang), kTiny});
  return {dates, what};
}

// An infusion: an appointment on its date, not a dose at a time of day (issue 20, item 3); said
// in the cell when the column's header does not say it.
Cell infusion_cell(Doc& doc, const PlannedPhase& p, bool labelled) {
  Cell all;
  if (labelled) all.lines.push_back({doc.tr("Infusion appointment"), kBold});
  for (const Administration& a : p.dose.administrations) {
    const Stack s = take(a, doc.plan().product.form, doc.lang());
    all.lines.insert(all.lines.end(), s.begin(), s.end());
  }
  return all;
}

// A regimen of infusions only (SCOT, riTUXimab, MSC): a medication card of appointments, no
// time-of-day columns.
void medication_card(Doc& doc) {
  Table t{.title = doc.tr("Medication card: infusion appointments"),
          .title_style = kPatientHeading,
          .widths = {84, 119, kWidth - 84 - 119}};
  t.header = {head(doc.tr("Dates")), head(doc.tr("What it is for")),
              head(doc.tr("Infusion appointment: what is given"))};
  for (const PlannedPhase& p : doc.plan().phases) {
    Row row = card_row_start(doc, p);
    row.push_back(infusion_cell(doc, p, false));
    t.rows.push_back(row);
  }
  draw_table(doc, t);
}

void pill_card(Doc& doc) {
  const Plan& plan = doc.plan();
  if (std::all_of(plan.phases.begin(), plan.phases.end(),
                  [](const PlannedPhase& p) { return p.cycle; })) {
    medication_card(doc);
    return;
  }
  const Lang lang = doc.lang();
  const std::vector<Slot> slots{Slot::morning, Slot::noon, Slot::evening, Slot::bedtime};
  Table t{.title = doc.tr("Pill card: how much to take and when"),
          .title_style = kPatientHeading,
          .widths = pill_card_widths(plan, slots)};
  t.header = {head(doc.tr("Dates")), head(doc.tr("What it is for"))};
  for (Slot s : slots) t.header.push_back(head(slot_label(s, lang)));

  for (const PlannedPhase& p : plan.phases) {
    Row row = card_row_start(doc, p);
    if (p.cycle) {
      Cell all = infusion_cell(doc, p, true);
      all.span = static_cast<int>(slots.size());
      row.push_back(all);
    } else {
      for (Slot s : slots) {
        const auto a = std::find_if(p.dose.administrations.begin(), p.dose.administrations.end(),
                                    [s](const Administration& x) { return x.slot == s; });
        row.push_back(a == p.dose.administrations.end() ? Cell{{{"\u2014", kSmallMuted}}}
                                                        : Cell{take(*a, plan.product.form, lang)});
      }
    }
    t.rows.push_back(row);
  }
  draw_table(doc, t);
}

// What each phase needs of the product, until when it lasts, and the course's running total
// (issue 20, items 8 and 9; docs/supply.md).
void supply_block(Doc& doc) {
  const Plan& plan = doc.plan();
  const Lang lang = doc.lang();
  const bool oral = plan.product.is_oral();
  Table t{.title = doc.tr("Supply and total dose"),
          .title_style = kPatientHeading,
          .widths = oral ? std::vector<double>{110, kWidth - 110 - 100 - 120, 100, 120}
                         : std::vector<double>{110, kWidth - 110 - 160, 160}};
  t.header = {head(doc.tr("Dates")), head(doc.tr("What is needed"))};
  if (oral) t.header.push_back(head(doc.tr("Lasts until")));
  t.header.push_back(head(doc.tr("Total so far")));
  for (std::size_t i = 0; i < plan.phases.size() && i < plan.supply.size(); ++i) {
    const PlannedPhase& p = plan.phases[i];
    const PhaseSupply& s = plan.supply[i];
    Cell dates{{{format_date(p.first), kBold}}};
    if (p.last != p.first) dates.lines.push_back({"\u2013 " + format_date(p.last), kBold});
    dates.lines.push_back({phase_label(p, lang), kSmall});
    Cell needed{{{supply_units(s, plan.product, lang), kBody}}};
    if (p.conditional) needed.lines.push_back({doc.tr("if needed"), kSmall});
    Row row{dates, needed};
    if (oral) {
      Cell until{{{format_date(s.lasts_until), kBody}}};
      if (s.visit_before) {
        until.lines.push_back({replace(doc.tr("last visit before then: {date}"), "{date}",
                                       format_date(*s.visit_before)),
                               kSmall});
      }
      row.push_back(until);
    }
    row.push_back(Cell{{{cumulative_text(s, lang), kBody}}});
    t.rows.push_back(row);
  }
  const bool packs = plan.product.has_pack();
  const std::string notes = pick(supply_note(plan.product), lang) +
                            (packs ? tag(plan, plan.product.pack_from, lang) : "") + " " +
                            pick(cumulative_note(), lang);
  t.rows.push_back({Cell{.lines = {{notes, kSmall}}, .span = static_cast<int>(t.widths.size())}});
  draw_table(doc, t);
}

void tests_block(Doc& doc) {
  const Lang lang = doc.lang();
  Table t{.title = doc.tr("What to test when"), .widths = {110, kWidth - 110}};
  t.header = {head(doc.tr("Date")), head(doc.tr("Tests"))};
  for (const Visit& v : doc.plan().visits) {
    Cell when{{{format_date(v.date), kBold}}};
    if (v.baseline) when.lines.push_back({doc.tr("before day 1"), kSmall});
    when.lines.push_back({visit_window(v, lang), kSmall});
    t.rows.push_back({when, Cell{{{visit_tests(doc.plan(), v, lang), kBody}}}});
  }
  if (!t.rows.empty()) draw_table(doc, t);
}

// How each monitored item is taken ("trough: just before the morning dose"), once per item.
void timing_block(Doc& doc) {
  std::vector<std::string> seen;
  std::vector<Stack> items;
  for (const Visit& v : doc.plan().visits) {
    for (const VisitItem& item : v.items) {
      const std::string& timing = pick(item.timing, doc.lang());
      if (timing.empty()) continue;
      if (std::find(seen.begin(), seen.end(), item.monitoring_id) != seen.end()) continue;
      seen.push_back(item.monitoring_id);
      items.push_back({{pick(item.name, doc.lang()), kBold}, {timing, kBody}});
    }
  }
  if (!items.empty()) draw_table(doc, list(doc.tr("How to take the tests"), std::move(items)));
}

void results_block(Doc& doc) {
  const Plan& p = doc.plan();
  std::vector<Stack> items;
  for (const LabRule& rule : p.lab_rules) {
    std::string name = rule.test;
    for (const LabTest& lab : p.labs)
      if (lab.id == rule.test) name = pick(lab.name, doc.lang());
    items.push_back(
        {{describe_condition(rule, name, doc.lang()), kBold},
         {pick(rule.advice, doc.lang()) + tag(doc.plan(), rule.from, doc.lang()), kBody}});
  }
  if (!items.empty()) {
    Table t = list(doc.tr("What a result may mean (educational; always ask your doctor)"),
                   std::move(items));
    t.title_style = kPatientHeading;
    draw_table(doc, t);
  }
}

// ------------------------------------------------------------------ calendar
std::string month_title(date::year_month ym, Lang lang) {
  static const char* const kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  const std::string month = tr(lang, kMonths[unsigned(ym.month()) - 1]);
  return replace(replace(tr(lang, "{month} {year}"), "{month}", month), "{year}",
                 std::to_string(int(ym.year())));
}

// One band a week, Monday to Sunday, kept on one page (issue 20, item 4: at 12 pt a month of
// 7 x 5 day boxes does not fit on A4): a header row with the days; a row for each day that holds
// more than doses (a phase starts, tests, the drug-level blood draw, the last day), said in full
// across the band; then a row for each time of day with a tick box and the amount on each day it
// is taken. A month's name heads the week of its first day. Weeks with nothing are left out.
constexpr double kCalLabel = 62;  // the times of day
constexpr double kCalDay = (kWidth - kCalLabel) / 7;
constexpr std::array kCalSlots{Slot::morning, Slot::noon, Slot::evening, Slot::bedtime};
constexpr std::size_t kInfusionRow = kCalSlots.size();  // a cycle's infusions: a row of their own

std::size_t cal_row(const PlannedPhase& p, const Administration& a) {
  if (p.cycle) return kInfusionRow;
  return static_cast<std::size_t>(std::find(kCalSlots.begin(), kCalSlots.end(), a.slot) -
                                  kCalSlots.begin());
}

// "Tue 1" over a day's column: a blue bar on a phase's first day, yellow on a test day.
Cell day_head(Doc& doc, Date d, bool in_range) {
  static const char* const kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const unsigned weekday = date::weekday(d).iso_encoding() - 1;
  Cell c{
      {{doc.tr(kWeekdays[weekday]) + " " + std::to_string(unsigned(date::year_month_day(d).day())),
        in_range ? kBold : kSmallMuted}},
      in_range ? kHeadFill : kOutsideFill};
  if (!in_range) return c;
  const PlannedPhase* phase = phase_on(doc.plan(), d);
  if (phase && phase->first == d) c.band = kPhase;
  if (visit_on(doc.plan(), d)) c.fill = kTestFill;
  return c;
}

// The doses of one time of day (`row`) on day `d`, each with its tick box. (On a drug-level day
// the row of the day under the week says to draw blood before the morning dose: "after the blood
// draw" in the cell would take three 12 pt lines of a 60 pt column.)
Cell dose_cell(Doc& doc, Date d, std::size_t row, bool in_range) {
  if (!in_range) return Cell{{}, kOutsideFill};
  const Visit* visit = visit_on(doc.plan(), d);
  Cell c{{}, visit ? std::optional<Rgb>(kTestFill) : std::nullopt};
  const PlannedPhase* phase = phase_on(doc.plan(), d);
  if (!phase) return c;
  for (const Administration& a : phase->dose.administrations) {
    if (cal_row(*phase, a) != row) continue;
    c.lines.push_back({amount_text(a, doc.lang()), kBody, true});
  }
  return c;
}

// What day `d` holds besides its doses, in full; empty when nothing.
Stack day_events(Doc& doc, Date d) {
  const Plan& plan = doc.plan();
  const Lang lang = doc.lang();
  const PlannedPhase* phase = phase_on(plan, d);
  const Visit* visit = visit_on(plan, d);
  Stack s;
  if (phase && phase->first == d) {
    std::string label = phase_label(*phase, lang);
    if (phase->conditional) {
      label += doc.tr(" (") + doc.tr("the doctor decides whether to increase") + doc.tr(")");
    }
    s.push_back({label, {.size = 6.5, .bold = true, .colour = kPhase}});
  }
  if (d == plan.end) s.push_back({doc.tr("Last day of treatment"), kTinyBold});
  // A drug-level day says first: draw blood, then take the morning dose (issue 16, finding 3).
  if (visit && has_trough(*visit)) s.push_back({trough_day_text(plan, lang), kTinyBold});
  if (visit) {
    s.push_back(
        {doc.tr("Tests:") + (lang == Lang::zh_CN ? "" : " ") + visit_tests(plan, *visit, lang),
         kBody});
  }
  return s;
}

void week_band(Doc& doc, Date monday, Date from, Date to) {
  Table t{.title_style = kPatientHeading,
          .widths = {kCalLabel, kCalDay, kCalDay, kCalDay, kCalDay, kCalDay, kCalDay, kCalDay},
          .keep_together = true};
  t.header.push_back(Cell{{}, kHeadFill});
  std::array<bool, kInfusionRow + 1> used{};
  for (Date d = monday; d < monday + date::days{7}; d += date::days{1}) {
    const bool in_range = from <= d && d <= to;
    const date::year_month_day ymd(d);
    if (in_range && (ymd.day() == date::day{1} || d == from))
      t.title = month_title(ymd.year() / ymd.month(), doc.lang());
    t.header.push_back(day_head(doc, d, in_range));
    const PlannedPhase* phase = in_range ? phase_on(doc.plan(), d) : nullptr;
    if (!phase) continue;
    for (const Administration& a : phase->dose.administrations) used[cal_row(*phase, a)] = true;
  }
  // First what the days hold (a drug-level day: draw blood first, then the morning dose; issue 20,
  // item 1), then the doses to tick.
  for (Date d = std::max(monday, from); d < monday + date::days{7} && d <= to; d += date::days{1}) {
    Stack events = day_events(doc, d);
    if (events.empty()) continue;
    const std::optional<Rgb> fill =
        visit_on(doc.plan(), d) ? std::optional<Rgb>(kTestFill) : std::nullopt;
    t.rows.push_back({day_head(doc, d, true), Cell{std::move(events), fill, std::nullopt, 7}});
  }
  for (std::size_t row = 0; row < used.size(); ++row) {
    if (!used[row]) continue;
    Row r{Cell{{{row == kInfusionRow ? doc.tr("infusion") : slot_label(kCalSlots[row], doc.lang()),
                 kBold}}}};
    for (Date d = monday; d < monday + date::days{7}; d += date::days{1})
      r.push_back(dose_cell(doc, d, row, from <= d && d <= to));
    t.rows.push_back(r);
  }
  draw_table(doc, t);
}

void calendar(Doc& doc) {
  const Plan& plan = doc.plan();
  draw_table(
      doc,
      Table{.title = doc.tr("Calendar"),
            .title_style = kPatientHeading,
            .rows = {{Cell{{{doc.tr("Tick the box when the dose is taken."), kBody, true},
                            {doc.tr("Yellow days: tests are due; the tests are listed day by "
                                    "day above the week's doses."),
                             kBody},
                            {doc.tr("Blue bar: a new phase or dose starts that day."), kBody}}}}},
            .grid = false});
  Date from = plan.start, to = plan.end;
  if (!plan.visits.empty()) {
    from = std::min(from, plan.visits.front().date);
    to = std::max(to, plan.visits.back().date);
  }
  for (Date monday = from - date::days{date::weekday(from).iso_encoding() - 1}; monday <= to;
       monday += date::days{7}) {
    bool something = false;
    for (Date d = std::max(monday, from); d < monday + date::days{7} && d <= to; d += date::days{1})
      something = something || phase_on(plan, d) || visit_on(plan, d);
    if (something) week_band(doc, monday, from, to);
  }
}

// ------------------------------------------------------------------ the last pages
void sources_block(Doc& doc) {
  const Lang lang = doc.lang();
  std::vector<Stack> items;
  for (const BibEntry& e : bibliography(doc.plan().sources)) {
    Stack item{
        {"[" + std::to_string(e.number) + "] " + document_reference(e.document, lang), kBold}};
    if (e.document.url.rfind("http", 0) == 0)
      item.push_back({e.document.url, kSmallMuted, false, e.document.url});
    if (!e.document.note.empty()) item.push_back({e.document.note, kSmallMuted});
    for (const Source& c : e.citations) {
      item.push_back({citation_heading(c, lang), kSmall});
      if (!c.quote.empty()) item.push_back({"\u201c" + c.quote + "\u201d", kQuote});
      if (!pick(c.note, lang).empty()) item.push_back({pick(c.note, lang), kSmallMuted});
    }
    items.push_back(std::move(item));
  }
  draw_table(doc, list(doc.tr("Sources"), std::move(items)));
}

void disagreements_block(Doc& doc) {
  const Lang lang = doc.lang();
  std::vector<Stack> items;
  for (const Disagreement& d : doc.plan().disagreements) {
    Stack s{{pick(d.topic, lang), kBold}};
    for (const auto& p : d.positions)
      s.push_back({"\u2022 " + pick(p.value, lang) + tag(doc.plan(), p.from, lang), kBody});
    items.push_back(std::move(s));
  }
  if (!items.empty()) {
    draw_table(doc, list(doc.tr("Where sources disagree (both shown; doseplan does not choose)"),
                         std::move(items)));
  }
}

void defaults_block(Doc& doc) {
  std::vector<Stack> items;
  for (const ProjectDefaultUse& d : doc.plan().project_defaults) {
    const Lang lang = doc.lang();
    std::string head_line = pick(d.what, lang) + doc.tr(": ") + pick(d.value, lang);
    if (d.overridden) head_line += " (" + doc.tr("overridden by the user") + ")";
    items.push_back({{head_line, kBold}, {pick(d.reason, lang), kBody}});
  }
  if (!items.empty()) {
    draw_table(doc,
               list(doc.tr("Project defaults (values no source gives; each can be overridden)"),
                    std::move(items)));
  }
}

// Lays the whole document out; returns its page count.
int layout(const Plan& plan, Lang lang, int total_pages, std::string* out) {
  Doc doc(plan, lang, total_pages, out);
  title_block(doc);
  checks_block(doc);
  patient_block(doc);
  regimen_block(doc);
  dates_block(doc);
  alerts_block(doc);
  // The patient's pages, at 12 pt, together (issue 20, item 4); then the clinician's.
  doc.patient_pages(true);
  pill_card(doc);
  supply_block(doc);
  results_block(doc);
  calendar(doc);
  doc.patient_pages(false);
  tests_block(doc);
  timing_block(doc);
  sources_block(doc);
  disagreements_block(doc);
  defaults_block(doc);
  return doc.finish();
}

}  // namespace

std::string render_pdf(const Plan& plan, Lang lang) {
  const int pages = layout(plan, lang, 0, nullptr);  // counts the pages for "Page N of M"
  std::string pdf;
  layout(plan, lang, pages, &pdf);
  return pdf;
}

}  // namespace doseplan
