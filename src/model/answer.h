// What a person answered on a survey page, as every store keeps it.
//
// Part of model/, the value types several layers share: it includes nothing
// of ours but common/.
#ifndef CALLEXA_MODEL_ANSWER_H_
#define CALLEXA_MODEL_ANSWER_H_

#include <cstdint>
#include <map>
#include <string>

namespace callexa {

struct Answer {
  int score = 0;                                     // 0..10
  std::string comment;                               // the follow-up
  std::map<std::string, int> tag_ratings;            // tag name -> 1..5
  std::map<std::string, std::string> extra_answers;  // question id -> text
  bool consent = false;                              // may be quoted
  std::string consent_text;  // the words the person agreed to, with consent
};

struct StoredAnswer {
  Answer answer;
  int64_t created_at = 0;   // first answer
  int64_t answered_at = 0;  // latest change (NPS_date)
  int64_t change_seq = 0;   // grows with every change of any answer
};

}  // namespace callexa

#endif  // CALLEXA_MODEL_ANSWER_H_
