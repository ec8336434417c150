// The customer's survey pages behind callexa_survey (README "Survey
// pages"). Paths are relative to the handler's location:
//
//   GET  {answer token}?score=N   landing page, N preselected; records nothing
//   POST {answer token}           records the answer (form: score, comment,
//                                 tag_<i>, q_<id>, consent, csrf; partial=1
//                                 records the score alone) -> 303 to
//                                 {token}/thanks, or 204 for partial=1
//   GET  {answer token}/thanks    thank-you page (a promoter's: with the
//                                 review invitation when the survey has one)
//   GET  {answer token}/review    notes the promoter's click on it
//                                 (answers.review_clicked_at), then 303 to
//                                 the owner's review site
//   {test token}...               the same pages for a test email's link
//                                 (TokenPurpose::kTest): the survey's real
//                                 pages under a "Test mode" banner; posts are
//                                 checked, never recorded; thanks?score=N
//   GET  u/{unsubscribe token}    confirm page; a GET never unsubscribes
//   POST u/{unsubscribe token}    unsubscribes: the confirm form (csrf), or
//                                 RFC 8058 one-click (List-Unsubscribe=One-Click)
//   GET  logo/{key}               an uploaded logo (assets/image_upload.h),
//                                 cached for good: its key is its hash
//
// The link token is the capability. Form posts also need the hidden csrf
// field (LinkFormToken) and no cross-site Origin or Sec-Fetch-Site; the
// one-click POST is exempt, since mail providers send it without either.
// Invalid or forged links get a 404 page, expired ones a 410 page, bad
// input a 400 page naming the problem; never an error dump.
#ifndef CALLEXA_SURVEY_SURVEY_PAGES_H_
#define CALLEXA_SURVEY_SURVEY_PAGES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/endpoint.h"
#include "http/http_exchange.h"
#include "store/answer_store.h"
#include "store/asset_store.h"
#include "store/store.h"
#include "store/survey_store.h"
#include "survey/survey_content.h"

namespace callexa {

// The limits of a posted answer.
constexpr size_t kMaxCommentChars = 5000;
constexpr size_t kMaxExtraAnswerChars = 2000;
constexpr size_t kMaxAnswerBodyBytes = 64 * 1024;

// A posted answer form, validated against the survey's tags and questions.
struct AnswerPost {
  Answer answer;
  bool score_only = false;  // partial=1: the page's early score post
};

// Parses an application/x-www-form-urlencoded answer body. Unknown fields
// are ignored; texts become valid UTF-8 with "\n" line breaks; consent
// counts only with a promoter score. InvalidArgument with a message for
// the person, in the survey's language, when the score is missing or not
// 0..10, the comment is over kMaxCommentChars, a rating is not 1..5, or an
// extra answer is over kMaxExtraAnswerChars.
Result<AnswerPost> ParseAnswerPost(std::string_view body, const SurveyContent &content);

class SurveyPages : public Endpoint {
 public:
  // The stores must outlive this object. Without `surveys`, a test email's
  // links open a page saying it was a test.
  SurveyPages(AnswerStore *store, AssetStore *assets, SurveyStore *surveys = nullptr)
      : store_(store), assets_(assets), surveys_(surveys) {}
  explicit SurveyPages(Store *store) : SurveyPages(store, store, store) {}

  size_t MaxBodyBytes(std::string_view) const override { return kMaxAnswerBodyBytes; }
  // Blocks on the store: call from a pool thread. Never throws.
  HttpResponse Handle(const HttpRequest &request, int64_t now) override;

 private:
  HttpResponse Route(const HttpRequest &request, int64_t now);
  HttpResponse Logo(const HttpRequest &request, std::string_view key);

  AnswerStore *store_;
  AssetStore *assets_;
  SurveyStore *surveys_;
};

}  // namespace callexa

#endif  // CALLEXA_SURVEY_SURVEY_PAGES_H_
