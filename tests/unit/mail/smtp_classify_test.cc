#include <curl/curl.h>
#include <gtest/gtest.h>

#include <string>

#include "mail/smtp_transport.h"

namespace callexa {
namespace {

struct Case {
  const char *name;
  CURLcode code;
  long smtp_code;
  const char *last_command;
  const char *last_reply;
  const char *curl_error;
  SendOutcome outcome;
  const char *detail_has;  // a part the detail must contain
};

// What libcurl 7.88 reports for each situation (checked against aiosmtpd
// in smtp_transport_test.cc): a refused RCPT TO or MAIL FROM is
// CURLE_SEND_ERROR, a refused message after DATA CURLE_WEIRD_SERVER_REPLY,
// wrong credentials CURLE_LOGIN_DENIED.
const Case kCases[] = {
    {"delivered", CURLE_OK, 250, "DATA", "250 2.0.0 OK queued as 7", "",
     SendOutcome::kSent, "queued as 7"},
    {"recipient unknown", CURLE_SEND_ERROR, 550, "RCPT", "550 5.1.1 No such user",
     "RCPT failed: 550", SendOutcome::kPermanentFailure,
     "refused RCPT TO: 550 5.1.1 No such user"},
    {"mailbox full for good", CURLE_SEND_ERROR, 552, "RCPT", "552 5.2.2 Over quota",
     "RCPT failed: 552", SendOutcome::kPermanentFailure, "552 5.2.2"},
    {"recipient greylisted", CURLE_SEND_ERROR, 451, "RCPT", "451 4.7.1 Greylisted",
     "RCPT failed: 451", SendOutcome::kTemporaryFailure, "451 4.7.1 Greylisted"},
    {"message rejected after data", CURLE_WEIRD_SERVER_REPLY, 554, "DATA",
     "554 5.7.1 Rejected as spam", "", SendOutcome::kPermanentFailure,
     "refused DATA: 554 5.7.1"},
    {"data command refused", CURLE_SEND_ERROR, 554, "DATA", "554 No valid recipients",
     "DATA failed: 554", SendOutcome::kPermanentFailure, "554 No valid recipients"},
    {"message deferred after data", CURLE_WEIRD_SERVER_REPLY, 452, "DATA",
     "452 4.3.1 Insufficient storage", "", SendOutcome::kTemporaryFailure, "452 4.3.1"},
    {"wrong credentials", CURLE_LOGIN_DENIED, 535, "AUTH",
     "535 5.7.8 Authentication credentials invalid", "Login denied",
     SendOutcome::kTemporaryFailure, "check the SMTP credentials file"},
    {"authentication required", CURLE_SEND_ERROR, 530, "MAIL",
     "530 5.7.0 Authentication required", "MAIL failed: 530",
     SendOutcome::kTemporaryFailure, "530 5.7.0"},
    {"sender refused", CURLE_SEND_ERROR, 553, "MAIL", "553 5.7.1 Sender not allowed",
     "MAIL failed: 553", SendOutcome::kTemporaryFailure, "check the sender address"},
    {"greeting refused", CURLE_WEIRD_SERVER_REPLY, 554, "", "554 No SMTP service here",
     "Got unexpected smtp-server response: 554", SendOutcome::kTemporaryFailure,
     "refused connection: 554 No SMTP service here"},
    {"service closing", CURLE_WEIRD_SERVER_REPLY, 421, "", "421 Too busy", "",
     SendOutcome::kTemporaryFailure, "421 Too busy"},
    {"connection refused", CURLE_COULDNT_CONNECT, 0, "", "",
     "Failed to connect to 127.0.0.1 port 1: Connection refused",
     SendOutcome::kTemporaryFailure, "Connection refused"},
    {"host unknown", CURLE_COULDNT_RESOLVE_HOST, 0, "", "", "",
     SendOutcome::kTemporaryFailure, "resolve host"},
    {"timeout waiting for the data reply", CURLE_OPERATION_TIMEDOUT, 354, "DATA",
     "354 End data with <CR><LF>.<CR><LF>", "Operation timed out after 60000 ms",
     SendOutcome::kTemporaryFailure, "timed out after 60000 ms (during DATA)"},
    {"no STARTTLS offered", CURLE_USE_SSL_FAILED, 250, "EHLO", "250 HELP",
     "STARTTLS not supported.", SendOutcome::kTemporaryFailure,
     "STARTTLS not supported."},
    {"certificate does not verify", CURLE_PEER_FAILED_VERIFICATION, 220, "STARTTLS",
     "220 Ready to start TLS", "SSL certificate problem: self-signed certificate",
     SendOutcome::kTemporaryFailure, "self-signed certificate"},
};

TEST(SmtpClassifyTest, Table) {
  for (const Case &c : kCases) {
    SCOPED_TRACE(c.name);
    const SendResult r = ClassifySmtpResult(
        c.code, c.smtp_code, SmtpExchange{c.last_command, c.last_reply}, c.curl_error);
    EXPECT_EQ(r.outcome, c.outcome);
    EXPECT_EQ(r.smtp_code, c.smtp_code);
    EXPECT_NE(r.detail.find(c.detail_has), std::string::npos) << r.detail;
  }
}

}  // namespace
}  // namespace callexa
