#include "policy/testimonial_rules.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>
#include <vector>

namespace callexa {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// The first UTF-8 character of `s` (its lead byte and continuation bytes).
std::string FirstCharacter(std::string_view s) {
  if (s.empty()) return {};
  size_t n = 1;
  while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
  return std::string(s.substr(0, n));
}

// The pieces of a shortened quote between its cuts ("…" or "...").
std::vector<std::string_view> Pieces(std::string_view display) {
  std::vector<std::string_view> out;
  while (!display.empty()) {
    const size_t dots = display.find("...");
    const size_t ellipsis = display.find("\xE2\x80\xA6");  // U+2026
    const size_t cut = std::min(dots, ellipsis);
    const std::string_view piece = Trim(display.substr(0, cut));
    if (!piece.empty()) out.push_back(piece);
    if (cut == std::string_view::npos) break;
    display.remove_prefix(cut + 3);  // both marks are three bytes
  }
  return out;
}

}  // namespace

bool IsTestimonialCandidate(const Answer &answer) {
  return answer.score >= 9 && answer.consent && !Trim(answer.comment).empty();
}

bool NeedsRemoderation(std::string_view old_comment, std::string_view new_comment) {
  return old_comment != new_comment;
}

const char *NameFormatName(NameFormat format) {
  switch (format) {
    case NameFormat::kFirstName:
      return "first_name";
    case NameFormat::kInitials:
      return "initials";
    case NameFormat::kAnonymous:
      return "anonymous";
    case NameFormat::kFirstLastInitial:
      break;
  }
  return "first_last_initial";
}

std::optional<NameFormat> ParseNameFormat(std::string_view name) {
  for (NameFormat f : {NameFormat::kFirstLastInitial, NameFormat::kFirstName,
                       NameFormat::kInitials, NameFormat::kAnonymous}) {
    if (name == NameFormatName(f)) return f;
  }
  return std::nullopt;
}

NameFormat ConsentedNameFormat(std::string_view consent_text) {
  std::string text(consent_text);
  for (char &c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto has = [&](std::initializer_list<std::string_view> words) {
    for (std::string_view w : words) {
      if (text.find(w) != std::string::npos) return true;
    }
    return false;
  };
  // The widest naming mentioned wins: "first and last name" is both.
  if (has({"last name", "surname", "full name", "nachname", "vollen namen",
           "vollständigen namen"})) {
    return NameFormat::kFirstLastInitial;
  }
  if (has({"first name", "firstname", "vorname"})) return NameFormat::kFirstName;
  if (has({"initials", "initialen"})) return NameFormat::kInitials;
  return NameFormat::kAnonymous;
}

std::string DisplayName(NameFormat format, std::string_view first_name,
                        std::string_view last_name, std::string_view name) {
  std::string_view first = Trim(first_name);
  std::string_view last = Trim(last_name);
  if (first.empty() && last.empty()) {
    const std::string_view whole = Trim(name);
    const size_t space = whole.rfind(' ');
    first = space == std::string_view::npos ? whole : Trim(whole.substr(0, space));
    last = space == std::string_view::npos ? std::string_view() : whole.substr(space + 1);
  }
  switch (format) {
    case NameFormat::kAnonymous:
      return {};
    case NameFormat::kFirstName:
      return std::string(first);
    case NameFormat::kInitials: {
      std::string out;
      if (!first.empty()) out = FirstCharacter(first) + ".";
      if (!last.empty()) out += (out.empty() ? "" : " ") + FirstCharacter(last) + ".";
      return out;
    }
    case NameFormat::kFirstLastInitial:
      break;
  }
  if (first.empty()) return last.empty() ? std::string() : FirstCharacter(last) + ".";
  if (last.empty()) return std::string(first);
  return std::string(first) + " " + FirstCharacter(last) + ".";
}

Status CheckShortenedQuote(std::string_view display, std::string_view comment) {
  const std::vector<std::string_view> pieces = Pieces(display);
  if (pieces.empty()) return Status::InvalidArgument("display_text must not be empty");
  size_t at = 0;
  for (std::string_view piece : pieces) {
    const size_t found = comment.find(piece, at);
    if (found == std::string_view::npos) {
      return Status::InvalidArgument(
          "display_text may only shorten the comment (mark cuts with \xE2\x80\xA6), "
          "not change its words: \"" +
          std::string(piece) + "\" is not in it");
    }
    at = found + piece.size();
  }
  return Status::Ok();
}

}  // namespace callexa
