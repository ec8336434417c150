// The follow-up inbox's routes (README "Admin API"), below
// api/surveys/{id}/:
//   GET   responses?follow_up=open|closed   answers with a follow-up, open
//                                           detractors first, newest first
//   GET   responses/{invitation_id}         the answer, its follow-up, its thread
//   PATCH responses/{invitation_id}         {"status", "assignee"}; opens one
//   POST  responses/{invitation_id}/notes   {"text"}: an internal note
//   POST  responses/{invitation_id}/reply   {"text"}: emails the customer
//   GET   follow-ups/summary?from&to        open count, median time to close
// Every change records the admin user nginx authenticated in the thread.
// Blocks on the store.
#ifndef CALLEXA_ADMIN_FOLLOW_UP_ROUTES_H_
#define CALLEXA_ADMIN_FOLLOW_UP_ROUTES_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/http_exchange.h"
#include "store/follow_up_store.h"
#include "store/survey_store.h"

namespace callexa {

// The longest note and reply, in bytes of UTF-8.
constexpr size_t kMaxNoteBytes = 5000;
constexpr size_t kMaxReplyBytes = 10000;

// {status, assignee, opened_at, opened_by, closed_at}.
nlohmann::json FollowUpToJson(const FollowUp &f);

// Whether GET responses asks for the follow-up filter.
bool AsksForFollowUps(const HttpRequest &request);
HttpResponse HandleFollowUpList(FollowUpStore *store, const HttpRequest &request,
                                int64_t survey_id);
// Adds "follow_up" (an object, or null) to each response of `responses`.
Status AttachFollowUps(FollowUpStore *store, int64_t survey_id,
                       nlohmann::json *responses);

// api/surveys/{id}/responses/{invitation_id}[/notes|/reply]: parts has 5 or 6.
HttpResponse HandleFollowUpRoute(FollowUpStore *store, SurveyStore *surveys,
                                 const HttpRequest &request, int64_t survey_id,
                                 const std::vector<std::string> &parts, int64_t now);
// api/surveys/{id}/follow-ups/summary: from and to as the stats take them,
// the last 30 days up to now by default.
HttpResponse HandleFollowUpSummary(FollowUpStore *store, SurveyStore *surveys,
                                   const HttpRequest &request, int64_t survey_id,
                                   int64_t now);

}  // namespace callexa

#endif  // CALLEXA_ADMIN_FOLLOW_UP_ROUTES_H_
