// The report email of one survey and period (PRODUCT.md §2 Reports): the
// NPS with its margin and the change against the previous period, the
// counts, response and comment rates, the 0-10 distribution as table bars,
// up to five recent comments and a link to the dashboard. The HTML is
// tables and inline styles only, no script, no image, so that it reads the
// same in Outlook as in a browser. Pure.
#ifndef CALLEXA_REPORTS_REPORT_EMAIL_H_
#define CALLEXA_REPORTS_REPORT_EMAIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "mail/mail_from.h"
#include "mail/notification_email.h"
#include "model/survey.h"
#include "reports/report.h"
#include "store/follow_up_store.h"
#include "store/report_store.h"

namespace callexa {

// The report shows at most this many comments.
constexpr size_t kReportComments = 5;

struct ReportEmailInput {
  std::string survey_name;
  ReportFrequency frequency = ReportFrequency::kWeekly;
  NpsReport report;                 // of the period, against the previous one
  std::vector<ExportRow> comments;  // newest first; the first kReportComments show
  std::string dashboard_url;        // http(s); empty: no link
  std::string brand_color;          // "#rrggbb" for the link button; empty: default
  // The inbox: follow-ups open now, and those closed in the period with
  // their median time to close. Unset: not shown.
  std::optional<FollowUpSummary> follow_ups;
};

struct ReportEmailBodies {
  std::string subject;  // "Acme: NPS +42 in the week of 23 Nov 2026"
  std::string text;     // plain text, "\n" line endings
  std::string html;     // a complete document
};

// Every text from the survey or a customer is escaped in the HTML, and
// cleaned of controls in the subject.
ReportEmailBodies RenderReportBodies(const ReportEmailInput &input);

// How the message is addressed.
using ReportEnvelope = NotificationEnvelope;

// The whole RFC 5322 message: Date, From, To, Subject, Message-ID,
// MIME-Version, Auto-Submitted: auto-generated (RFC 3834: no
// auto-replies), then both bodies. InvalidArgument for a bad address or
// Message-ID part.
Result<std::string> RenderReportEmail(const ReportEmailInput &input,
                                      const ReportEnvelope &envelope);

// The period in words: "the week of 23 Nov 2026", "November 2026".
std::string ReportPeriodLabel(ReportFrequency frequency, const TimeSpan &period);

// How a commenter is named in a report that may be forwarded: first name
// and last initial ("Ada L."), the first name alone, or "A customer";
// never the address.
std::string ReportCommenterName(const ExportRow &row);

}  // namespace callexa

#endif  // CALLEXA_REPORTS_REPORT_EMAIL_H_
