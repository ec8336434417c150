"""Alerts end to end (README "Alerts"): a detractor answers on the survey
page (form posts, as test_delivery does); once the answer has settled
(callexa_alert_quiet_period 2s here) exactly one alert email reaches the
survey's alert recipient through a real SMTP server (aiosmtpd), with the
comment added within the quiet period; the answer's follow-up is open. An
nginx reload and a SIGKILL of the jobs worker around the alert step send no
second alert. The alert email is rendered in Chromium and the Dashboard's
Alerts card is screenshot and checked with axe-core."""

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
from harness import identify  # noqa: E402

SMTP = harness.SmtpSink()
QUIET = 2  # seconds: callexa_alert_quiet_period below
OWNER = "owner@acme.example"
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))


def setUpModule():
    SMTP.start()


def tearDownModule():
    SMTP.cleanup()


class AlertsTest(harness.NginxTestCase):
    allowed_log_patterns = (r"worker process \d+ exited on signal 9",)
    server_extra = """
    location /s/ { callexa_survey; }
    location = /metrics { callexa_metrics; }
"""

    @classmethod
    def setUpClass(cls):
        cls.http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
  callexa_alert_quiet_period %ds;
""" % (SMTP.port, QUIET)
        super().setUpClass()
        cls.survey = cls.nginx.create_survey(name="Acme <NPS>", min_delay_days=0,
                                             automation=True)
        r = cls.nginx.admin("PATCH", "surveys/%d" % cls.survey["id"],
                            {"alerts": {"on": "detractors", "recipients": [OWNER]}})
        assert r.status == 200, r

    def messages_to(self, address):
        return [m for m in SMTP.messages() if address in m.envelope["rcpt_tos"]]

    def alerts_about(self, email):
        return [m for m in self.messages_to(OWNER) if email in str(m["Subject"])]

    def survey_page(self, email):
        """Identifies `email` and returns its survey page's path, from the
        survey email the scheduler sends."""
        r = self.nginx.segment(self.survey["api_key"], identify(
            email, traits={"firstName": "Ada", "lastName": "<Lovelace>", "plan": "pro"}))
        self.assertEqual(r.status, 200, r.body)
        msg = harness.wait_until(lambda: (self.messages_to(email) or [None])[0],
                                 what="the survey email to " + email)
        html = msg.get_body(("html",)).get_content()
        return re.search(r'href="http://127\.0\.0\.1:%d(/s/[^"?]+)\?score=' % self.nginx.port,
                         html).group(1)

    def answer(self, page, score, comment):
        harness.answer_on_page(self.nginx, page, score, comment)
        return time.monotonic()

    def alert_row(self, email):
        rows = self.nginx.db_query(
            "SELECT a.status, a.attempts FROM answer_alerts a JOIN invitations i "
            "ON i.id = a.invitation_id JOIN customers c ON c.id = i.customer_id "
            "WHERE c.email = ?", (email,))
        return rows[0] if rows else None

    def render_in_browser(self, html):
        os.makedirs(SHOT_DIR, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
            f.write(html)
        self.addCleanup(os.unlink, f.name)
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "email_render.mjs"), f.name,
                              os.path.join(SHOT_DIR, "alert-email")],
                             cwd=BROWSER_DIR, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def test_a_settled_detractor_alerts_once_with_its_comment(self):
        email = "ada@example.com"
        page = self.survey_page(email)
        first = self.answer(page, 2, "")
        # The comment follows within the quiet period: the one alert has it.
        self.answer(page, 3, "The <b>export</b> broke & support never answered")
        self.assertLess(time.monotonic() - first, QUIET, "too slow to test the quiet period")
        got = harness.wait_until(lambda: self.alerts_about(email), timeout=30,
                                 what="the alert about " + email)
        self.assertEqual(len(got), 1)
        m = got[0]
        self.assertEqual(str(m["Subject"]), "Detractor (3/10) from ada@example.com \u2014 Acme <NPS>")
        self.assertEqual(m["Auto-Submitted"], "auto-generated")
        self.assertEqual(m.envelope["mail_from"], "nps@acme.example")
        text = m.get_body(("plain",)).get_content()
        html = m.get_body(("html",)).get_content()
        self.assertIn("The <b>export</b> broke & support never answered", text)
        self.assertIn("The &lt;b&gt;export&lt;/b&gt; broke &amp; support", html)
        self.assertNotIn("<b>export", html)
        self.assertIn("Ada &lt;Lovelace&gt;", html)
        self.assertIn("plan", text)
        invitation_id = self.nginx.db_query(
            "SELECT i.id FROM invitations i JOIN customers c ON c.id = i.customer_id "
            "WHERE c.email = ?", (email,))[0][0]
        self.assertIn('href="http://127.0.0.1:%d/admin/#/surveys/%d/inbox?item=%d"'
                      % (self.nginx.port, self.survey["id"], invitation_id), html)
        self.render_in_browser(html)
        # The sink has the email a moment before the worker records it.
        harness.wait_until(lambda: self.alert_row(email)[0] == "sent", what="the alert recorded")
        follow_up = self.nginx.db_query(
            "SELECT f.status, f.opened_by FROM follow_ups f JOIN invitations i "
            "ON i.id = f.invitation_id JOIN customers c ON c.id = i.customer_id "
            "WHERE c.email = ?", (email,))
        self.assertEqual([tuple(r) for r in follow_up], [("open", "")])
        harness.wait_until(
            lambda: re.search(r"\[notice\] .*callexa: alerts: alert of answer \d+ \(survey %d, "
                              r"Acme <NPS>\): sent to 1 recipient" % self.survey["id"],
                              self.nginx.read_error_log()),
            what="the notice of the sent alert")
        # A later edit never alerts again.
        self.answer(page, 1, "Still broken")
        time.sleep(3 * QUIET)  # nothing to wait for: the absence of a second alert
        self.assertEqual(len(self.alerts_about(email)), 1)
        r = self.nginx.http("GET", "/metrics")
        self.assertRegex(r.body.decode(), r'callexa_alerts_total\{outcome="sent"\} [1-9]')

    def test_a_promoter_sends_nothing(self):
        email = "pat@example.com"
        page = self.survey_page(email)
        self.answer(page, 10, "Love it")
        time.sleep(3 * QUIET)  # the absence of an alert
        self.assertEqual(self.alerts_about(email), [])
        self.assertIsNone(self.alert_row(email))

    def test_reload_during_the_alert_step_sends_one_alert(self):
        email = "reload@example.com"
        page = self.survey_page(email)
        self.answer(page, 0, "Reload me")
        time.sleep(QUIET - 0.3)  # reload as the answer settles
        self.nginx.reload(command=True)
        harness.wait_until(lambda: self.alerts_about(email), timeout=30,
                           what="the alert about " + email)
        time.sleep(3 * QUIET)  # the absence of a second alert
        self.assertEqual(len(self.alerts_about(email)), 1)

    def test_kill_of_the_jobs_worker_sends_at_most_one_alert(self):
        email = "kill@example.com"
        page = self.survey_page(email)
        self.answer(page, 1, "Kill me")
        time.sleep(QUIET - 0.2)
        os.kill(self.nginx.jobs_worker(), signal.SIGKILL)
        # The master starts a new worker; the alert goes from it unless the
        # killed one held its lease mid-send (then it waits for the lease).
        harness.wait_until(lambda: self.alert_row(email) and self.alert_row(email)[0] == "sent"
                           or (self.alert_row(email) or ("due", 0))[1] >= 1, timeout=30,
                           what="the alert claimed")
        time.sleep(3 * QUIET)
        self.assertLessEqual(len(self.alerts_about(email)), 1)
        if self.alert_row(email)[0] == "sent":
            self.assertEqual(len(self.alerts_about(email)), 1)

    def test_the_alerts_card(self):
        env = dict(os.environ, BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   USER=harness.ADMIN_USER, PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, SURVEY_ID=str(self.survey["id"]))
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "alerts_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=180)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        r = self.nginx.admin("GET", "surveys/%d" % self.survey["id"])
        self.assertEqual(r.body["alerts"], {"on": "detractors",
                                            "recipients": [OWNER, "cto@acme.example"]})
        self.assertEqual(r.body["reply_to"], "support@acme.example")
        # Back to the one recipient the other tests expect.
        r = self.nginx.admin("PATCH", "surveys/%d" % self.survey["id"],
                             {"alerts": {"recipients": [OWNER]}})
        self.assertEqual(r.status, 200, r.body)


if __name__ == "__main__":
    unittest.main()
