"""Customers, traits and the dashboard's small-data display (issue 19,
browser test): customers identified through Segment with traits (plan
pro/free, company) answer on the real survey page; then
tests/browser/insights_flow.mjs in Debian's chromium filters the dashboard
by plan=pro (the URL changes, Back restores it), filters the responses,
opens a customer page from a response, downloads the CSV with user_id and
trait.plan columns, filters by a band (its share and count, not an NPS),
and opens a survey with a single answer ("not enough answers for a
trend"). Screenshots at 1280 and 390 px under build/screenshots
(insights-*.png), each checked with axe-core."""

import os
import re
import subprocess
import time
import unittest

import harness

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))
DAY = 86400


class BrowserInsightsTest(harness.NginxTestCase):
    @classmethod
    def setUpClass(cls):
        cls.smtp = harness.SmtpSink()
        cls.smtp.start()
        cls.http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Shop <survey@shop.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 1s;
""" % cls.smtp.port
        cls.server_extra = """
    location /s/ { callexa_survey; }"""
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.cleanup()

    def answer(self, survey, email, score, comment, nth=1, **fields):
        """Identifies `email` (fields: userId, traits) and answers the
        `nth` survey email it receives on the survey page."""
        r = self.nginx.segment(survey["api_key"], harness.identify(email, **fields))
        self.assertEqual(r.status, 200, r)
        msg = harness.wait_until(
            lambda: ([m for m in self.smtp.messages() if email in m.envelope["rcpt_tos"]]
                     + [None] * nth)[nth - 1],
            what="survey email %d to %s" % (nth, email))
        html = msg.get_body(preferencelist=("html",)).get_content()
        page = re.search(r'href="http://127\.0\.0\.1:%d(/s/[^"?]+)\?score=%d"'
                         % (self.nginx.port, score), html).group(1)
        harness.answer_on_page(self.nginx, page, score, comment)

    def test_customers_and_traits_in_a_browser(self):
        survey = self.nginx.create_survey(name="Insights", automation=True, min_delay_days=0,
                                          max_delay_days=0, resurvey_interval_days=0)
        self.answer(survey, "ada@example.com", 6, "Setup was slow <b>really</b>",
                    userId="u-ada", traits={"firstName": "Ada", "lastName": "Lovelace",
                                            "plan": "pro", "company": "Analytical Engines"})
        self.answer(survey, "bob@example.com", 3, "Too expensive", userId="u-bob",
                    traits={"firstName": "Bob", "plan": "free", "company": "Globex"})
        self.answer(survey, "cy@example.com", 8, "", userId="u-cy",
                    traits={"plan": "pro", "company": "Initech", "seats": 12})
        self.answer(survey, "dee@example.com", 10, "Love it", userId="u-dee",
                    traits={"firstName": "Dee", "plan": "free"})
        # Ada again, happier, so her page has a history.
        self.answer(survey, "ada@example.com", 10, "Much better now", nth=2, userId="u-ada",
                    traits={"plan": "pro"})
        # Spread the first answers over earlier weeks, so the trend has points.
        now = int(time.time())
        for email, days_ago in (("bob@example.com", 15), ("ada@example.com", 22)):
            harness.db_execute(
                self.nginx.database,
                "UPDATE answers SET answered_at = ?, created_at = ? WHERE invitation_id = "
                "(SELECT min(i.id) FROM invitations i JOIN customers c ON c.id = i.customer_id "
                "WHERE c.email = ? AND c.survey_id = ?)",
                (now - days_ago * DAY, now - days_ago * DAY, email, survey["id"]))

        single = self.nginx.create_survey(name="Just started", automation=True,
                                          min_delay_days=0, max_delay_days=0)
        self.answer(single, "first@example.com", 8, "Fine", traits={"plan": "pro"})

        env = dict(os.environ,
                   BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, SURVEY_ID=str(survey["id"]),
                   SINGLE_ID=str(single["id"]))
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "insights_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=240)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        for name in ("dashboard", "customer", "responses"):
            for width in (1280, 390):
                self.assertTrue(os.path.exists(
                    os.path.join(SHOT_DIR, "insights-%s-%d.png" % (name, width))))


if __name__ == "__main__":
    unittest.main()
