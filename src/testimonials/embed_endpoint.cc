#include "testimonials/embed_endpoint.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/html_escape.h"
#include "common/time_format.h"
#include "policy/testimonial_rules.h"
#include "testimonials/embed_script.h"

namespace callexa {
namespace {

using nlohmann::json;

struct EmbedLabels {
  const char *anonymous;  // instead of a name, for the anonymous format
  const char *lang;
  const char *title;
};

const EmbedLabels kEnglish = {"A customer", "en", "What our customers say"};
const EmbedLabels kGerman = {"Ein Kunde", "de", "Was unsere Kunden sagen"};

const EmbedLabels &LabelsFor(const PublishedSet &set) {
  return set.language == "de" ? kGerman : kEnglish;
}

std::string NameOf(const PublishedTestimonial &t, const EmbedLabels &labels) {
  const std::string name = DisplayName(t.name_format, t.first_name, t.last_name, t.name);
  return name.empty() ? labels.anonymous : name;
}

// A strong validator of the body: FNV-1a, enough to tell versions apart.
std::string ETagOf(std::string_view body) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : body) h = (h ^ c) * 0x100000001b3ULL;
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(h >> shift) & 15]);
  return out + "\"";
}

bool Matches(std::string_view if_none_match, const std::string &etag) {
  if (if_none_match == "*") return true;
  return if_none_match.find(etag) != std::string_view::npos;
}

bool AllowedOrigin(const PublishedSet &set, const std::string &origin) {
  for (const std::string &o : set.embed_origins) {
    if (o == origin) return true;
  }
  return false;
}

void AddCors(const PublishedSet &set, const HttpRequest &request, HttpResponse *r) {
  if (set.embed_origins.empty()) {
    r->headers.emplace_back("Access-Control-Allow-Origin", "*");
    return;
  }
  r->headers.emplace_back("Vary", "Origin");
  if (AllowedOrigin(set, request.origin)) {
    r->headers.emplace_back("Access-Control-Allow-Origin", request.origin);
  }
}

std::string FrameAncestors(const PublishedSet &set) {
  if (set.embed_origins.empty()) return "*";
  std::string out;
  for (const std::string &o : set.embed_origins) out += (out.empty() ? "" : " ") + o;
  return out;
}

HttpResponse Plain(int status, const char *text) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = json({{"message", text}}).dump();
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

bool IsPublicId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string EmbedJson(const PublishedSet &set) {
  const EmbedLabels &labels = LabelsFor(set);
  json items = json::array();
  for (const PublishedTestimonial &t : set.items) {
    items.push_back({{"name", NameOf(t, labels)},
                     {"text", t.text},
                     {"score", t.score},
                     {"date", FormatIso8601(t.answered_at).substr(0, 10)}});
  }
  return json({{"testimonials", std::move(items)},
               {"labels", {{"anonymous", labels.anonymous}, {"empty", ""}}}})
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string EmbedHtml(const PublishedSet &set) {
  const EmbedLabels &labels = LabelsFor(set);
  std::string out =
      std::string("<!doctype html>\n<html lang=\"") + labels.lang +
      "\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>" +
      HtmlEscape(labels.title) +
      "</title>\n<style>"
      "body{margin:0;padding:16px;font-family:system-ui,-apple-system,'Segoe UI',"
      "sans-serif;color:#1f2933;background:transparent}"
      "ul{list-style:none;margin:0;padding:0;display:grid;gap:16px;"
      "grid-template-columns:repeat(auto-fill,minmax(min(100%,280px),1fr))}"
      "li{padding:18px 20px;background:#fff;border:1px solid #e4e7eb;border-radius:12px}"
      "blockquote{margin:0 0 12px;line-height:1.5;white-space:pre-line}"
      ".score{display:block;color:#12805c;font-weight:600;font-size:.85em;"
      "margin-bottom:8px}"
      "p{margin:0;color:#616e7c;font-size:.9em}"
      "</style>\n</head>\n<body>\n<ul>\n";
  for (const PublishedTestimonial &t : set.items) {
    out += "<li><span class=\"score\">" + std::to_string(t.score) +
           "/10</span><blockquote>" + HtmlEscape(t.text) + "</blockquote><p>" +
           HtmlEscape(NameOf(t, labels)) + " &middot; " +
           FormatIso8601(t.answered_at).substr(0, 10) + "</p></li>\n";
  }
  return out + "</ul>\n</body>\n</html>\n";
}

HttpResponse EmbedEndpoint::Handle(const HttpRequest &request, int64_t) {
  const std::string_view path = request.path;
  const size_t slash = path.find('/');
  const std::string_view id = path.substr(0, slash);
  const std::string_view file =
      slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  if (!IsPublicId(id) || (file != "testimonials.json" && file != "testimonials.js" &&
                          file != "testimonials.html")) {
    return Plain(404, "no such embed");
  }
  if (request.method == "OPTIONS") {
    HttpResponse r = Plain(204, "");
    r.body.clear();
    r.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD");
    r.headers.emplace_back("Access-Control-Max-Age", "86400");
    return r;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = Plain(405, "use GET");
    r.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
    return r;
  }
  auto set = store_->PublishedTestimonials(std::string(id), kMaxEmbedTestimonials);
  if (!set.ok()) {
    HttpResponse r = Plain(503, "testimonials unavailable, try again");
    r.diagnostic = "embed: " + set.status().ToLogString();
    return r;
  }
  if (!set->has_value()) return Plain(404, "no such survey");
  const PublishedSet &published = **set;

  HttpResponse r;
  r.cache = CachePolicy::kShortPublic;
  if (file == "testimonials.js") {
    r.content_type = "text/javascript; charset=utf-8";
    r.static_body = EmbedScript();
  } else if (file == "testimonials.json") {
    r.content_type = "application/json";
    r.body = EmbedJson(published);
  } else {
    r.content_type = "text/html; charset=utf-8";
    r.body = EmbedHtml(published);
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; style-src 'unsafe-inline'; "
                           "frame-ancestors " +
                               FrameAncestors(published));
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cross-Origin-Resource-Policy", "cross-origin");
  AddCors(published, request, &r);
  const std::string etag = ETagOf(r.payload());
  r.headers.emplace_back("ETag", etag);
  if (Matches(request.if_none_match, etag)) {
    r.status = 304;
    r.body.clear();
    r.static_body = {};
  }
  return r;
}

}  // namespace callexa
