"""The report email end to end (issue 10): worker 0's reports job sends each
survey's report of the last completed week to its recipients through a real
SMTP server (aiosmtpd), exactly once per period across an nginx reload and a
SIGKILL of worker 0; a period without answers is skipped, not sent empty; a
recipient's temporary failure is retried and said in the error log."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_sync import insert_answers  # noqa: E402

SMTP = harness.SmtpSink()
DAY = 86400
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))


def setUpModule():
    SMTP.start()


def tearDownModule():
    SMTP.cleanup()


def last_monday(now):
    """Monday 00:00 UTC of the week holding `now` (1970-01-01 was a Thursday)."""
    day = now // DAY
    return (day - (day + 3) % 7) * DAY


class ReportEmailTest(harness.NginxTestCase):
    allowed_log_patterns = (r"worker process \d+ exited on signal 9",)

    @classmethod
    def setUpClass(cls):
        cls.http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
""" % SMTP.port
        super().setUpClass()
        cls.week_to = last_monday(int(time.time()))
        cls.week_from = cls.week_to - 7 * DAY

    def reports_to(self, address):
        return [m for m in SMTP.messages() if m.envelope["rcpt_tos"] == [address]]

    def runs(self, survey):
        r = self.nginx.admin("GET", "surveys/%d/report-runs" % survey["id"])
        self.assertEqual(r.status, 200, r.body)
        return r.body["runs"]

    def turn_on(self, survey, frequency, recipients):
        r = self.nginx.admin("PATCH", "surveys/%d" % survey["id"],
                             {"report_frequency": frequency,
                              "report_recipients": recipients})
        self.assertEqual(r.status, 200, r.body)

    def render_in_browser(self, html):
        """Chromium, scripts off as in a mail client, shows the HTML part
        without a request and within a phone's width."""
        os.makedirs(SHOT_DIR, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
            f.write(html)
        self.addCleanup(os.unlink, f.name)
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "email_render.mjs"), f.name,
                              os.path.join(SHOT_DIR, "report-email")],
                             cwd=BROWSER_DIR, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def test_a_weeks_report_arrives_once_across_reload_and_kill(self):
        survey = self.nginx.create_survey(name="Acme <Shop>")
        answers = [{"score": s, "answered_at": self.week_from + DAY + i * 3600,
                    "comment": c}
                   for i, (s, c) in enumerate([
                       (10, "Great support"), (9, ""), (8, ""), (3, "<script>alert(1)</script>"),
                       (10, "<img src=x onerror=alert(2)>")])]
        # One answer before the week and one after it: not in this report.
        answers += [{"score": 0, "answered_at": self.week_from - 60},
                    {"score": 0, "answered_at": self.week_to + 60}]
        insert_answers(self.nginx.database, survey["id"], answers)
        owners = ["owner@acme.example", "cto@acme.example"]
        self.turn_on(survey, "weekly", owners)

        for address in owners:
            harness.wait_until(lambda: self.reports_to(address), timeout=20,
                               what="the report to " + address)
        message = self.reports_to(owners[0])[0]
        self.assertEqual(message["Auto-Submitted"], "auto-generated")
        self.assertIn("Acme <Shop>: NPS +40 in the week of", message["Subject"])
        self.assertEqual(message.envelope["mail_from"], "nps@acme.example")
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        self.assertIn("5 answers: 3 promoters (60%), 1 passive (20%), 1 detractor (20%)", text)
        self.assertIn("Great support", text)
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn('href="http://127.0.0.1:%d/admin/#/surveys/%d/dashboard"'
                      % (self.nginx.port, survey["id"]), html)
        self.render_in_browser(html)
        harness.wait_until(
            lambda: re.search(r"\[notice\] .*callexa: reports: survey %d \(Acme <Shop>\), "
                              r"the week of .*: report sent to 2 recipients" % survey["id"],
                              self.nginx.read_error_log()),
            what="the notice of the sent report")
        runs = self.runs(survey)
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs[0]["status"], "sent")
        self.assertEqual(runs[0]["recipients_handled"], 2)
        self.assertEqual(harness.parse_iso(runs[0]["period_from"]), self.week_from)

        # A reload starts a new worker 0, a SIGKILL another: neither sends it again.
        self.nginx.reload()
        time.sleep(2.0)
        victim = self.nginx.jobs_worker()
        os.kill(victim, signal.SIGKILL)
        harness.wait_until(lambda: self.nginx.jobs_worker() != victim, timeout=20,
                           what="a new worker 0 after the kill")
        time.sleep(2.0)
        for address in owners:
            self.assertEqual(len(self.reports_to(address)), 1, address)
        self.assertEqual(len(self.runs(survey)), 1)

    def test_a_period_without_answers_is_skipped(self):
        survey = self.nginx.create_survey(name="quiet")
        self.turn_on(survey, "monthly", ["quiet-owner@acme.example"])
        # The run is made 'due', then handled by the same step's next move.
        runs = harness.wait_until(
            lambda: [r for r in self.runs(survey) if r["status"] not in ("due", "retry")],
            what="the quiet survey's run, handled")
        self.assertEqual(runs[0]["status"], "skipped")
        time.sleep(1.0)
        self.assertEqual(self.reports_to("quiet-owner@acme.example"), [])

    def test_a_temporary_failure_is_retried_and_logged(self):
        survey = self.nginx.create_survey(name="flaky")
        insert_answers(self.nginx.database, survey["id"],
                       [{"score": 9, "answered_at": self.week_from + DAY}])
        self.turn_on(survey, "weekly", ["flaky-owner@acme.example", "tempfail@acme.example"])
        harness.wait_until(lambda: self.runs(survey) and self.runs(survey)[0]["status"]
                           == "retry", what="the run waiting for its retry")
        run = self.runs(survey)[0]
        self.assertEqual(run["attempts"], 1)
        self.assertEqual(run["recipients_handled"], 1)
        self.assertIn("tempfail@acme.example: ", run["last_error"])
        self.assertIn("451", run["last_error"])
        self.assertEqual(len(self.reports_to("flaky-owner@acme.example")), 1)
        log = self.nginx.read_error_log()
        self.assertRegex(log, r"\[warn\] .*callexa: reports: survey %d \(flaky\), the week "
                              r"of .*: 1 sent, then tempfail@acme.example: .*451.*the rest "
                              r"goes on the next attempt" % survey["id"])
        # Made due now, the retry goes to the one recipient left, once.
        harness.SqliteState(self.nginx.database).execute(
            "UPDATE report_runs SET retry_at = 0 WHERE survey_id = ?", (survey["id"],))
        harness.wait_until(lambda: self.runs(survey)[0]["attempts"] == 2,
                           what="the second attempt")
        self.assertEqual(len(self.reports_to("flaky-owner@acme.example")), 1)


if __name__ == "__main__":
    unittest.main()
