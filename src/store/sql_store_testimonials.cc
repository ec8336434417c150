// SqlStore: promoters' quotes, their moderation and the public embed
// (store/testimonial_store.h). The SQL conditions on answers mirror
// IsTestimonialCandidate; the contract suite checks that they agree.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/sql_store.h"

namespace callexa {
namespace {

// An answer still quotable, and its author not unsubscribed.
const char kCandidate[] =
    "a.score >= 9 AND a.consent = 1 AND trim(a.comment) <> '' "
    "AND NOT EXISTS (SELECT 1 FROM suppressions x "
    "                WHERE x.email = c.email AND x.reason = 'unsubscribed')";

const char kViewColumns[] =
    "t.invitation_id, t.status, a.score, a.comment, t.display_text, t.name_format, "
    "a.consent_text, c.email, c.first_name, c.last_name, c.name, a.answered_at, "
    "t.decided_at";

TestimonialView ReadView(const Statement &q) {
  TestimonialView v;
  v.answer_id = q.Int(0);
  v.status = ParseTestimonialStatus(q.Text(1)).value_or(TestimonialStatus::kPending);
  v.score = static_cast<int>(q.Int(2));
  v.comment = q.Text(3);
  v.display_text = q.Text(4);
  v.name_format = ParseNameFormat(q.Text(5)).value_or(NameFormat::kFirstLastInitial);
  v.consent_text = q.Text(6);
  v.email = q.Text(7);
  v.first_name = q.Text(8);
  v.last_name = q.Text(9);
  v.name = q.Text(10);
  v.answered_at = q.Int(11);
  v.decided_at = q.OptionalInt(12);
  return v;
}

std::string ViewQuery(const char *where) {
  return std::string("SELECT ") + kViewColumns +
         " FROM testimonials t JOIN answers a ON a.invitation_id = t.invitation_id "
         "JOIN customers c ON c.id = a.customer_id WHERE " +
         where + " AND " + kCandidate;
}

}  // namespace

Status SqlStore::QueueTestimonial(SqlSession &db, int64_t invitation_id,
                                  int64_t survey_id, const Answer &answer,
                                  bool comment_changed, int64_t now) {
  // A quote that stops being a candidate keeps its row: every read checks.
  if (!IsTestimonialCandidate(answer)) return Status::Ok();
  Statement queue;
  Status s = queue.Prepare(
      db,
      "INSERT INTO testimonials (invitation_id, survey_id, status, created_at, "
      "updated_at, name_format) VALUES (?1, ?2, 'pending', ?3, ?3, ?5) "
      "ON CONFLICT (invitation_id) DO UPDATE SET status = 'pending', "
      "display_text = '', decided_at = NULL, updated_at = excluded.updated_at, "
      "name_format = excluded.name_format "
      "WHERE ?4 <> 0");
  if (!s.ok()) return s;
  // The name shown by default is the one the customer agreed to.
  return queue.Bind(1, invitation_id)
      .Bind(2, survey_id)
      .Bind(3, now)
      .Bind(4, int64_t{comment_changed})
      .Bind(5, NameFormatName(ConsentedNameFormat(answer.consent_text)))
      .Run();
}

Result<std::vector<TestimonialView>> SqlStore::ListTestimonials(
    const TestimonialQuery &query) {
  std::vector<TestimonialView> out;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement q;
    Status ps = q.Prepare(db, ViewQuery("t.survey_id = ?1 AND t.status = ?2") +
                                  " ORDER BY a.answered_at DESC, t.invitation_id DESC "
                                  "LIMIT ?3 OFFSET ?4");
    if (!ps.ok()) return ps;
    q.Bind(1, query.survey_id)
        .Bind(2, TestimonialStatusName(query.status))
        .Bind(3, int64_t{query.limit})
        .Bind(4, int64_t{query.offset});
    while (q.Step()) out.push_back(ReadView(q));
    return q.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<TestimonialView> SqlStore::ModerateTestimonial(int64_t survey_id,
                                                      int64_t answer_id,
                                                      const Moderation &decision,
                                                      int64_t now) {
  std::optional<TestimonialView> result;
  Status s = Write([&](SqlSession &db) -> Status {
    Statement find, update;
    Status ps =
        PrepareAll(db, {{&find, ViewQuery("t.survey_id = ?1 AND t.invitation_id = ?2")},
                        {&update,
                         "UPDATE testimonials SET status = ?2, display_text = ?3, "
                         "name_format = ?4, decided_at = ?5, updated_at = ?5 "
                         "WHERE invitation_id = ?1"}});
    if (!ps.ok()) return ps;
    find.Bind(1, survey_id).Bind(2, answer_id);
    std::optional<TestimonialView> view;
    if (find.Step()) view = ReadView(find);
    ps = find.status();
    find.Reset();
    if (!ps.ok()) return ps;
    if (!view) {
      return Status::NotFound("no testimonial for answer " + std::to_string(answer_id) +
                              " in this survey");
    }
    if (decision.approve) {
      if (decision.display_text) {
        view->display_text = *decision.display_text;
        if (!view->display_text.empty()) {
          ps = CheckShortenedQuote(view->display_text, view->comment);
          if (!ps.ok()) return ps;
        }
      }
      if (decision.name_format) view->name_format = *decision.name_format;
    }
    view->status =
        decision.approve ? TestimonialStatus::kApproved : TestimonialStatus::kRejected;
    view->decided_at = now;
    ps = update.Bind(1, answer_id)
             .Bind(2, TestimonialStatusName(view->status))
             .Bind(3, view->display_text)
             .Bind(4, NameFormatName(view->name_format))
             .Bind(5, now)
             .Run();
    if (ps.ok()) result = std::move(view);
    return ps;
  });
  if (!s.ok()) return s;
  return *result;
}

Result<std::optional<PublishedSet>> SqlStore::PublishedTestimonials(
    const std::string &public_id, int limit) {
  std::optional<PublishedSet> out;
  Status s = Read([&](SqlSession &db) -> Status {
    Statement survey, items;
    Status ps = PrepareAll(
        db,
        {{&survey, "SELECT id, content, embed_origins FROM surveys WHERE public_id = ?1"},
         {&items, std::string("SELECT c.first_name, c.last_name, c.name, t.name_format, "
                              "CASE WHEN t.display_text <> '' THEN t.display_text "
                              "ELSE a.comment END, a.score, a.answered_at "
                              "FROM testimonials t "
                              "JOIN answers a ON a.invitation_id = t.invitation_id "
                              "JOIN customers c ON c.id = a.customer_id "
                              "WHERE t.survey_id = ?1 AND t.status = 'approved' AND ") +
                      kCandidate + " ORDER BY a.answered_at DESC LIMIT ?2"}});
    if (!ps.ok()) return ps;
    survey.Bind(1, public_id);
    if (survey.Step()) {
      out.emplace();
      out->survey_id = survey.Int(0);
      const nlohmann::json content =
          nlohmann::json::parse(survey.Text(1), nullptr, false);
      if (content.is_object() && content.contains("language") &&
          content["language"].is_string()) {
        out->language = content["language"].get<std::string>();
      }
      const nlohmann::json origins =
          nlohmann::json::parse(survey.Text(2), nullptr, false);
      if (origins.is_array()) {
        for (const auto &o : origins) {
          if (o.is_string()) out->embed_origins.push_back(o.get<std::string>());
        }
      }
    }
    ps = survey.status();
    survey.Reset();
    if (!ps.ok() || !out) return ps;
    items.Bind(1, out->survey_id).Bind(2, int64_t{limit});
    while (items.Step()) {
      PublishedTestimonial t;
      t.first_name = items.Text(0);
      t.last_name = items.Text(1);
      t.name = items.Text(2);
      t.name_format =
          ParseNameFormat(items.Text(3)).value_or(NameFormat::kFirstLastInitial);
      t.text = items.Text(4);
      t.score = static_cast<int>(items.Int(5));
      t.answered_at = items.Int(6);
      out->items.push_back(std::move(t));
    }
    return items.status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace callexa
