"""The rough edges of issue 19 in a browser (tests/browser/polish_flow.mjs):
the Status page's counts, the report email's recipient summary, a
testimonial's default name following the consent, readable errors, the
placeholder check, the score colours under a brand colour, the layout at
1280 and 390 px, the test email's links opening the real survey page in
test mode, and the promoters' review invitation. Screenshots go to
build/screenshots/polish-<phase>-*.png (POLISH_PHASE, default "after");
every page is checked with axe-core."""

import os
import re
import subprocess
import tempfile
import unittest

import harness

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))
PHASE = os.environ.get("POLISH_PHASE", "after")


class BrowserPolishTest(harness.NginxTestCase):
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
  map $remote_user $callexa_role {
    %s owner;
    ed editor;
    default viewer;
  }
  callexa_admin_role $callexa_role;
""" % (cls.smtp.port, harness.ADMIN_USER)
        cls.server_extra = """
    location /s/ { callexa_survey; }"""
        super().setUpClass()
        # An editor and a viewer beside the owner, with the owner's password.
        hashed = subprocess.run(
            ["openssl", "passwd", "-6", "-stdin"], input=harness.ADMIN_PASSWORD.encode(),
            capture_output=True, check=True, timeout=30).stdout.decode().strip()
        with open(os.path.join(cls.nginx.prefix, "htpasswd"), "a") as f:
            for user in ("ed", "vera"):
                f.write("%s:%s\n" % (user, hashed))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.cleanup()

    def email_to(self, address):
        return harness.wait_until(
            lambda: next((m for m in self.smtp.messages() if address in m.envelope["rcpt_tos"]),
                         None), what="the email to " + address)

    def page_link(self, msg):
        html = msg.get_body(preferencelist=("html",)).get_content()
        return re.search(r'href="http://127\.0\.0\.1:%d(/s/[^"?]+)\?score=10"'
                         % self.nginx.port, html).group(1)

    def test_polish_in_a_browser(self):
        content = {"tags": ["Support", "Price"], "brand_color": "#0f766e",
                   "questions": [{"id": "feature", "text": "What feature is missing?"}]}
        if PHASE == "after":
            content.update({"review_url": "https://www.trustpilot.com/review/shop.example",
                            "review_text": "Review us on Trustpilot"})
        survey = self.nginx.create_survey(name="Shop", automation=True, min_delay_days=0,
                                          max_delay_days=0, content=content)
        people = [("ann@example.com", "Ann", "Lee"), ("bob@example.com", "Bob", "Stone"),
                  ("cy@example.com", "Cy", "Park"), ("di@example.com", "Di", "Moss")]
        for address, first, last in people:
            r = self.nginx.segment(survey["api_key"], harness.identify(
                address, traits={"firstName": first, "lastName": last}))
            self.assertEqual(r.status, 200, r)
        links = {a: self.page_link(self.email_to(a)) for a, _, _ in people}
        harness.answer_on_page(self.nginx, links["ann@example.com"], 10,
                               "Support solved it in minutes.", consent="on")
        harness.answer_on_page(self.nginx, links["bob@example.com"], 4, "Too slow.")
        harness.wait_until(lambda: self.nginx.admin(
            "GET", "surveys/%d/delivery" % survey["id"]).body.get("sent", 0) >= 2,
            what="the sent emails counted")

        # The test email, whose link the flow follows.
        r = self.nginx.admin("POST", "surveys/%d/test-email" % survey["id"],
                             {"to": "owner@shop.example", "content": {}})
        self.assertEqual(r.status, 200, r.body)
        test_link = self.page_link(self.email_to("owner@shop.example"))

        out_file = tempfile.mktemp(prefix="callexa-polish-flow-", suffix=".json")
        self.addCleanup(lambda: os.path.exists(out_file) and os.remove(out_file))
        env = dict(os.environ,
                   BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   EDITOR_USER="ed", VIEWER_USER="vera",
                   SHOT_DIR=SHOT_DIR, OUT_FILE=out_file, PHASE=PHASE,
                   SURVEY_ID=str(survey["id"]),
                   SURVEY_PAGE="http://127.0.0.1:%d%s" % (self.nginx.port,
                                                          links["cy@example.com"]),
                   TEST_LINK="http://127.0.0.1:%d%s" % (self.nginx.port, test_link),
                   PROMOTER_PAGE="http://127.0.0.1:%d%s" % (self.nginx.port,
                                                            links["ann@example.com"]))
        answers_before = self.nginx.db_query("SELECT COUNT(*) FROM answers")[0][0]
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "polish_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=300)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        if PHASE != "after":
            return
        # The walk through the test email's survey recorded nothing; the
        # promoter's review click was.
        self.assertEqual(self.nginx.db_query("SELECT COUNT(*) FROM answers")[0][0],
                         answers_before)
        clicked = self.nginx.db_query(
            "SELECT COUNT(*) FROM answers WHERE review_clicked_at IS NOT NULL")[0][0]
        self.assertEqual(clicked, 1)


if __name__ == "__main__":
    unittest.main()
