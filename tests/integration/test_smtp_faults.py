"""SMTP servers that misbehave (issue 11): one that stalls in DATA, one that
drops the connection after RCPT TO, one that answers 421. Each time the
invitation goes to retry with the cause in the database and a [warn] line
in the error log, nothing reached the server, and once it accepts, the
retry arrives exactly once. The sink (tests/support/smtp_sink.py) picks the
fault by the recipient's local part. A server that accepts a message after
the client gave up waiting is the documented duplicate: the retry sends it
again."""

import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import identify  # noqa: E402

os.environ["STALL_SECONDS"] = "6"  # beyond callexa_smtp_timeout below
SMTP = harness.SmtpSink()


def setUpModule():
    SMTP.start()


def tearDownModule():
    SMTP.cleanup()


class SmtpFaultsTest(harness.NginxTestCase):
    http_extra = """
  callexa_public_url http://127.0.0.1:{port}/;
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_smtp_timeout 2s;
  callexa_scheduler_interval 300ms;
""" % SMTP.port

    def invitation(self, email):
        rows = self.nginx.db_query(
            "SELECT i.status, i.attempts, i.last_error FROM invitations i "
            "JOIN customers c ON c.id = i.customer_id WHERE c.email = ?", (email,))
        return rows[0] if rows else None

    def check_retried(self, email, *error_fragments):
        survey = self.nginx.create_survey(automation=True, min_delay_days=0, max_delay_days=0)
        log_start = len(self.nginx.read_error_log())
        started = time.monotonic()
        self.assertEqual(self.nginx.segment(survey["api_key"], identify(email)).status, 200)
        harness.wait_until(lambda: (self.invitation(email) or ("",))[0] == "retry",
                           timeout=30, what="%s to be retried" % email)
        took = time.monotonic() - started
        status, attempts, error = self.invitation(email)
        self.assertEqual(attempts, 1)
        for fragment in error_fragments:
            self.assertIn(fragment, error)
        harness.wait_until(lambda: "[warn]" in self.nginx.read_error_log()[log_start:],
                           timeout=10, what="a [warn] line about the retry")
        warn = [line for line in self.nginx.read_error_log()[log_start:].splitlines()
                if "[warn]" in line]
        self.assertTrue(any("retry" in line or "retried" in line for line in warn), warn)
        # Nothing reached the sink for this address.
        self.assertEqual([m for m in SMTP.messages() if email in m.envelope["rcpt_tos"]], [])
        return took, warn[0]

    def test_stall_in_data_is_a_retry_within_the_timeout(self):
        took, line = self.check_retried("stall@example.com", "timeout")
        self.assertLess(took, 15)
        print("stalled server: retry after %.1f s; log: %s" % (took, line.split("] ", 1)[-1]))

    def test_connection_dropped_after_rcpt_is_a_retry(self):
        took, line = self.check_retried("drop@example.com")
        print("dropped connection: retry after %.1f s; log: %s"
              % (took, line.split("] ", 1)[-1]))

    def test_421_is_a_retry(self):
        took, line = self.check_retried("busy@example.com", "421")
        print("421: retry after %.1f s; log: %s" % (took, line.split("] ", 1)[-1]))

    def test_a_retried_email_is_sent_once_when_the_server_recovers(self):
        """The retry of a failed session sends the email once: the sink
        now takes the address (a 451 first, then accepted)."""
        survey = self.nginx.create_survey(automation=True, min_delay_days=0, max_delay_days=0)
        email = "tempfail@example.com"
        self.assertEqual(self.nginx.segment(survey["api_key"], identify(email)).status, 200)
        harness.wait_until(lambda: (self.invitation(email) or ("",))[0] == "retry",
                           timeout=30, what="the first attempt to fail")
        # The server recovers: the same customer's address is now a good one.
        harness.db_execute(self.nginx.database,
                           "UPDATE customers SET email = 'recovered@example.com' "
                           "WHERE email = ?", (email,))
        harness.db_execute(self.nginx.database,
                           "UPDATE invitations SET next_attempt_at = 0 WHERE status = 'retry'")
        harness.wait_until(lambda: (self.invitation("recovered@example.com") or ("",))[0]
                           == "sent", timeout=30, what="the retry to be sent")
        time.sleep(1.5)
        got = [m for m in SMTP.messages() if "recovered@example.com" in m.envelope["rcpt_tos"]]
        self.assertEqual(len(got), 1)
        self.assertEqual(self.invitation("recovered@example.com")[1], 2)


if __name__ == "__main__":
    unittest.main()
