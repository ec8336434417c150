// Promoters' quotes: the owner's moderation queue and what the public
// embed shows. An answer enters the queue (pending) when it is a
// testimonial candidate (policy/testimonial_rules.h) and returns to it when
// its comment changes; the embed shows approved ones whose answer is still
// a candidate and whose author has not unsubscribed.
//
// Thread safety and blocking as for every store (store/store.h).
#ifndef CALLEXA_STORE_TESTIMONIAL_STORE_H_
#define CALLEXA_STORE_TESTIMONIAL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "policy/testimonial_rules.h"

namespace callexa {

enum class TestimonialStatus { kPending, kApproved, kRejected };

const char *TestimonialStatusName(TestimonialStatus status);
std::optional<TestimonialStatus> ParseTestimonialStatus(std::string_view name);

// A quote as the owner moderates it.
struct TestimonialView {
  int64_t answer_id = 0;  // the answer's (and its invitation's) id
  TestimonialStatus status = TestimonialStatus::kPending;
  int score = 0;
  std::string comment;       // the customer's words
  std::string display_text;  // the owner's shortening; empty: the comment
  NameFormat name_format = NameFormat::kFirstLastInitial;
  std::string consent_text;  // what the customer agreed to
  std::string email, first_name, last_name, name;
  int64_t answered_at = 0;
  std::optional<int64_t> decided_at;
};

struct TestimonialQuery {
  int64_t survey_id = 0;
  TestimonialStatus status = TestimonialStatus::kPending;
  int limit = 100;
  int offset = 0;
};

// The owner's decision on one quote.
struct Moderation {
  bool approve = false;
  std::optional<std::string> display_text;  // approve: checked to be a shortening
  std::optional<NameFormat> name_format;    // approve
};

// A published quote: only what the public may see.
struct PublishedTestimonial {
  std::string first_name, last_name, name;  // made into a display name by the embed
  NameFormat name_format = NameFormat::kFirstLastInitial;
  std::string text;  // display_text, or the comment
  int score = 0;
  int64_t answered_at = 0;
};

struct PublishedSet {
  int64_t survey_id = 0;
  std::string language;                     // of the survey's content
  std::vector<std::string> embed_origins;   // empty: any site may embed them
  std::vector<PublishedTestimonial> items;  // newest first
};

class TestimonialStore {
 public:
  virtual ~TestimonialStore() = default;

  // The survey's quotes in `status`, newest answer first; only candidates
  // (an answer that stopped being one is listed nowhere).
  virtual Result<std::vector<TestimonialView>> ListTestimonials(
      const TestimonialQuery &query) = 0;
  // Records the owner's decision on the quote of answer `answer_id` in
  // survey `survey_id`: NotFound when there is none (or it is not a
  // candidate any more). A display_text is checked against the comment.
  virtual Result<TestimonialView> ModerateTestimonial(int64_t survey_id,
                                                      int64_t answer_id,
                                                      const Moderation &decision,
                                                      int64_t now) = 0;
  // The approved quotes of the survey with public id `public_id`, at most
  // `limit`; nullopt for an unknown public id.
  virtual Result<std::optional<PublishedSet>> PublishedTestimonials(
      const std::string &public_id, int limit) = 0;
};

}  // namespace callexa

#endif  // CALLEXA_STORE_TESTIMONIAL_STORE_H_
