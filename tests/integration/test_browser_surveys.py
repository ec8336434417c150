"""The survey list's menu and the Recipients page in a browser (issue 19):
tests/browser/surveys_flow.mjs in Debian's chromium duplicates, archives,
restores, renames and deletes (the name typed) surveys, then adds a known
address, searches, filters by state and imports a CSV whose columns it maps
(Plan kept as a trait). Screenshots at 1280 and 390 px under
build/screenshots (surveys-list-*, surveys-menu-*, recipients-*), each
checked with axe-core.

Here: a link emailed before its survey was deleted answers 410, and the
imported trait is stored."""

import json
import os
import re
import subprocess
import tempfile
import time
import unittest

import harness

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))
DAY = 86400


class BrowserSurveysTest(harness.NginxTestCase):
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

    def emailed_link(self, survey, address):
        """The score-9 link of the survey email sent to `address`."""
        r = self.nginx.segment(survey["api_key"], harness.identify(address))
        self.assertEqual(r.status, 200, r)
        msg = harness.wait_until(
            lambda: next((m for m in self.smtp.messages() if address in m.envelope["rcpt_tos"]),
                         None), what="the survey email to " + address)
        html = msg.get_body(preferencelist=("html",)).get_content()
        return re.search(r'href="http://127\.0\.0\.1:%d(/s/[^"?]+)\?score=9"'
                         % self.nginx.port, html).group(1)

    def test_survey_menu_and_recipients_in_a_browser(self):
        doomed = self.nginx.create_survey(name="Doomed survey", automation=True,
                                          min_delay_days=0, max_delay_days=0)
        link = self.emailed_link(doomed, "early@example.com")
        self.assertEqual(self.nginx.http("GET", link).status, 200)

        shop = self.nginx.create_survey(name="Shop NPS", automation=True, min_delay_days=3,
                                        max_delay_days=90)
        now = int(time.time())
        for msg in (harness.identify("alice@example.com", traits={"firstName": "Alice"}),
                    harness.identify("bob@example.com", traits={"firstName": "Bob"}),
                    harness.identify("old@example.com", traits={
                        "firstName": "Olga", "createdAt": harness.iso(now - 200 * DAY)})):
            r = self.nginx.segment(shop["api_key"], msg)
            self.assertEqual(r.status, 200, r)

        out_file = tempfile.mktemp(prefix="callexa-surveys-flow-", suffix=".json")
        self.addCleanup(lambda: os.path.exists(out_file) and os.remove(out_file))
        env = dict(os.environ,
                   BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, OUT_FILE=out_file, SHOP_ID=str(shop["id"]),
                   DOOMED_ID=str(doomed["id"]))
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "surveys_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=180)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        with open(out_file) as f:
            out = json.load(f)

        # The link emailed before the deletion: gone, said plainly.
        gone = self.nginx.http("GET", link)
        self.assertEqual(gone.status, 410, gone)
        self.assertIn(b"This survey is no longer available", gone.body)
        self.assertEqual(self.nginx.admin("GET", "surveys/%d" % doomed["id"]).status, 404)
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM customers WHERE survey_id = ?", (doomed["id"],))[0][0], 0)

        # The copy: its own key, no customers, automation off.
        copy = self.nginx.admin("GET", "surveys/%d" % out["copy_id"]).body
        self.assertNotEqual(copy["api_key"], shop["api_key"])
        self.assertFalse(copy["automation"])
        self.assertIsNone(copy["archived_at"])
        self.assertEqual(self.nginx.customers(out["copy_id"]), [])

        # The imported Plan column, kept as a trait.
        traits = self.nginx.db_query(
            "SELECT traits FROM customers WHERE survey_id = ? AND email = ?",
            (shop["id"], "cara@example.com"))
        self.assertEqual(json.loads(traits[0][0]).get("plan"), "pro", traits)
        for name in ("surveys-list", "surveys-menu", "recipients"):
            for width in (1280, 390):
                self.assertTrue(os.path.exists(
                    os.path.join(SHOT_DIR, "%s-%d.png" % (name, width))), name)


if __name__ == "__main__":
    unittest.main()
