#include "store/testimonial_store.h"

namespace callexa {

const char *TestimonialStatusName(TestimonialStatus status) {
  switch (status) {
    case TestimonialStatus::kApproved:
      return "approved";
    case TestimonialStatus::kRejected:
      return "rejected";
    case TestimonialStatus::kPending:
      break;
  }
  return "pending";
}

std::optional<TestimonialStatus> ParseTestimonialStatus(std::string_view name) {
  for (TestimonialStatus s : {TestimonialStatus::kPending, TestimonialStatus::kApproved,
                              TestimonialStatus::kRejected}) {
    if (name == TestimonialStatusName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace callexa
