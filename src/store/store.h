// The persistent state of Callexa: one implementation (SqlStore, over
// SQLite or PostgreSQL) serves every consumer's interface below. Each
// consumer takes only its own
// interface, so it cannot reach what it should not, and the rules that do
// not depend on the backend live in policy/ as pure functions.
//
// Thread safety: every method may be called from any thread; an
// implementation serialises access itself. Methods block on I/O: call them
// from a pool thread, never from the nginx event loop. Errors: a database
// failure is Unavailable (busy, full, read-only: worth trying again) or
// IOError; the message is for clients, the detail for the log.
#ifndef CALLEXA_STORE_STORE_H_
#define CALLEXA_STORE_STORE_H_

#include "store/alert_store.h"
#include "store/answer_store.h"
#include "store/asset_store.h"
#include "store/audit_store.h"
#include "store/delivery_store.h"
#include "store/follow_up_store.h"
#include "store/ingest_store.h"
#include "store/metrics_store.h"
#include "store/privacy_store.h"
#include "store/reminder_store.h"
#include "store/report_run_store.h"
#include "store/report_store.h"
#include "store/survey_store.h"
#include "store/sync_store.h"
#include "store/testimonial_store.h"
#include "store/webhook_store.h"

namespace callexa {

class Store : public SurveyStore,
              public IngestStore,
              public DeliveryStore,
              public ReminderStore,
              public AnswerStore,
              public SyncStore,
              public MetricsStore,
              public AssetStore,
              public TestimonialStore,
              public PrivacyStore,
              public ReportStore,
              public ReportRunStore,
              public AlertStore,
              public AuditStore,
              public FollowUpStore,
              public WebhookStore {};

}  // namespace callexa

#endif  // CALLEXA_STORE_STORE_H_
