// Which answers may be quoted, and how a quote is shown: the rules every
// store backend and the embed share.
#ifndef CALLEXA_POLICY_TESTIMONIAL_RULES_H_
#define CALLEXA_POLICY_TESTIMONIAL_RULES_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/answer.h"

namespace callexa {

// A promoter (9 or 10) who wrote a comment and agreed to be quoted. An
// answer that stops being one (a lower score, no comment, consent taken
// back), or whose author unsubscribes, is shown nowhere from then on: the
// stores check this when they read, not only when the answer came.
bool IsTestimonialCandidate(const Answer &answer);

// Whether a moderated quote must be moderated again: its comment changed,
// so the owner's decision was about other words.
bool NeedsRemoderation(std::string_view old_comment, std::string_view new_comment);

// How the author is named under a quote.
enum class NameFormat {
  kFirstLastInitial,  // "Ada L." (the default)
  kFirstName,         // "Ada"
  kInitials,          // "A. L."
  kAnonymous,         // no name
};

const char *NameFormatName(NameFormat format);  // "first_last_initial", ...
// The naming the words `consent_text` agreed to, the default of a new
// quote: "first name" (the built-in texts, English and German) gives
// kFirstName, "initials" kInitials, "last name" or "full name" (or
// "Nachname", "vollen Namen") kFirstLastInitial; words that name no name
// give kAnonymous, since the owner may widen it, never the customer.
std::optional<NameFormat> ParseNameFormat(std::string_view name);
NameFormat ConsentedNameFormat(std::string_view consent_text);

// The author's name in `format`, from what the identify gave: first and
// last name, or `name` split at its last space. Empty for kAnonymous and
// when nothing is known (the embed then says "a customer" in its words).
std::string DisplayName(NameFormat format, std::string_view first_name,
                        std::string_view last_name, std::string_view name);

// The owner may shorten a quote, never reword it: `display` is accepted
// when, with "…" or "..." marking the cuts, its pieces appear in `comment`
// in order. InvalidArgument saying so otherwise, or when it is empty.
Status CheckShortenedQuote(std::string_view display, std::string_view comment);

}  // namespace callexa

#endif  // CALLEXA_POLICY_TESTIMONIAL_RULES_H_
