// callexa_embed: the approved testimonials of a survey, public, for the
// owner's website (README "Testimonials"). Paths below the location:
//
//   GET {public id}/testimonials.json  {"testimonials": [{"name", "text",
//                                      "score", "date"}], "labels": {...}}:
//                                      display name, shortened text, score,
//                                      day; never an email, token or id
//   GET {public id}/testimonials.js    the script that renders them
//                                      (embed_script.h)
//   GET {public id}/testimonials.html  the same as a page, for <noscript>
//                                      or an iframe
//
// Cached by browsers and CDNs for 5 minutes, then revalidated with an
// ETag; CORS "*" unless the survey lists its allowed origins (then only
// those, with Vary: Origin, and only those may frame the page).
#ifndef CALLEXA_TESTIMONIALS_EMBED_ENDPOINT_H_
#define CALLEXA_TESTIMONIALS_EMBED_ENDPOINT_H_

#include <cstdint>
#include <string>

#include "http/endpoint.h"
#include "store/testimonial_store.h"

namespace callexa {

// The most testimonials one embed shows.
constexpr int kMaxEmbedTestimonials = 50;

// The JSON body for `set` (also what the page renders).
std::string EmbedJson(const PublishedSet &set);
// The fallback page for `set`: every text escaped, no script.
std::string EmbedHtml(const PublishedSet &set);

class EmbedEndpoint : public Endpoint {
 public:
  // `store` must outlive this object.
  explicit EmbedEndpoint(TestimonialStore *store) : store_(store) {}

  size_t MaxBodyBytes(std::string_view) const override { return 0; }
  HttpResponse Handle(const HttpRequest &request, int64_t now) override;

 private:
  TestimonialStore *store_;
};

}  // namespace callexa

#endif  // CALLEXA_TESTIMONIALS_EMBED_ENDPOINT_H_
