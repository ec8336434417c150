"""The admin UI as a new user uses it (issue 9, browser test): nginx with
auth_basic in front of callexa_admin, a real SMTP server (aiosmtpd), and
tests/browser/admin_flow.mjs in Debian's chromium logging in, creating a
survey, copying its key, editing the email in place, saving, sending a test
email, importing recipients, lifting a suppression, rotating the key,
reading answers that hold markup and the Status page's Database card
(backend, size, lease takeovers; never callexa_database); every page at
1280 and 390 px is kept as a screenshot under build/screenshots and checked
with axe-core.

Then, here: the test email's HTML part is the preview's HTML (apart from
the per-message link tokens), and the rotated-out key no longer works."""

import http.server
import json
import os
import threading
import re
import subprocess
import tempfile
import time
import unittest

import harness

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))
XSS_COMMENT = 'Great! <img src=x onerror="window.__xss=3"> <script>window.__xss=4</script>'


class BrowserAdminTest(harness.NginxTestCase):
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
    location /s/ { callexa_survey; }
    location /embed/ { callexa_embed; }"""
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.cleanup()

    def answered_survey(self, address, name):
        """A survey with one promoter's answer whose comment holds markup,
        given through the real survey page."""
        survey = self.nginx.create_survey(name=name, automation=True, min_delay_days=0,
                                          max_delay_days=0, content={"tags": ["Support"]})
        r = self.nginx.segment(survey["api_key"], harness.identify(
            address, traits={"firstName": "Eve"}))
        self.assertEqual(r.status, 200, r)
        msg = harness.wait_until(
            lambda: next((m for m in self.smtp.messages() if address in m.envelope["rcpt_tos"]),
                         None), what="the survey email to " + address)
        html = msg.get_body(preferencelist=("html",)).get_content()
        page = re.search(r'href="http://127\.0\.0\.1:%d(/s/[^"?]+)\?score=10"'
                         % self.nginx.port, html).group(1)
        harness.answer_on_page(self.nginx, page, 10, XSS_COMMENT, consent="on")
        return survey

    def test_owner_flow_in_a_browser(self):
        xss_survey = self.answered_survey("xss@example.com", "Shop")
        suppressed = "gone@example.com"
        harness.db_execute(self.nginx.database,
                           "INSERT INTO suppressions (email, reason, created_at) "
                           "VALUES (?, 'unsubscribed', ?)", (suppressed, int(time.time())))
        out_file = tempfile.mktemp(prefix="callexa-admin-flow-", suffix=".json")
        env = dict(os.environ,
                   BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, OUT_FILE=out_file, TEST_TO="owner@shop.example",
                   XSS_SURVEY_ID=str(xss_survey["id"]), SUPPRESSED=suppressed,
                   DATABASE=self.nginx.database)
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "admin_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=300)
        self.addCleanup(lambda: os.path.exists(out_file) and os.remove(out_file))
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        with open(out_file) as f:
            out = json.load(f)

        # The test email is the preview, but for the links' tokens.
        tests = [m for m in self.smtp.messages() if str(m["Subject"]).startswith("[Test] ")]
        self.assertEqual(len(tests), 1, [str(m["Subject"]) for m in self.smtp.messages()])
        self.assertEqual(tests[0]["X-Callexa-Test"], "yes")
        sent_html = tests[0].get_body(preferencelist=("html",)).get_content()
        # Score links /s/<token> and the unsubscribe link /s/u/<token>: their
        # tokens carry the second they were made in, which may differ.
        token = re.compile(r"/s/(?:u/)?[A-Za-z0-9_=-]+")
        # The test email's subject, also its HTML <title>, says it is a test.
        sent_html = sent_html.replace("<title>[Test] ", "<title>", 1)
        self.maxDiff = None
        self.assertEqual(token.sub("/s/TOKEN", sent_html).strip(),
                         token.sub("/s/TOKEN", out["preview_html"]).strip())
        self.assertIn("<strong>Honest</strong>", sent_html)

        # The rotated-out key stops at once; the new one works.
        old = self.nginx.segment(out["old_key"], harness.identify("late@example.com"))
        self.assertEqual(old.status, 401, old)
        new = self.nginx.segment(out["new_key"], harness.identify("late@example.com"))
        self.assertEqual(new.status, 200, new)
        for width in (1280, 390):
            self.assertTrue(os.path.exists(os.path.join(SHOT_DIR, "admin-email-%d.png" % width)))


    def test_embed_on_a_foreign_site(self):
        """A promoter's quote holding markup, approved, on a page of another
        origin that holds the admin's snippet."""
        survey = self.answered_survey("fan@example.com", "Website quotes")
        listing = self.nginx.admin("GET", "surveys/%d/testimonials" % survey["id"])
        self.assertEqual(listing.status, 200, listing.body)
        item = listing.body["testimonials"][0]
        r = self.nginx.admin("POST", "surveys/%d/testimonials/%d/approve"
                             % (survey["id"], item["answer_id"]), {})
        self.assertEqual(r.status, 200, r.body)
        snippet = listing.body["embed"]["snippet"]
        page = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Shop</title>"
                "</head><body><h1>What our customers say</h1>%s</body></html>" % snippet)

        class Site(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
        threading.Thread(target=site.serve_forever, daemon=True).start()
        self.addCleanup(site.server_close)
        self.addCleanup(site.shutdown)
        # "localhost" is another origin than the module's 127.0.0.1.
        url = "http://localhost:%d/" % site.server_address[1]
        os.makedirs(SHOT_DIR, exist_ok=True)
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "embed_flow.mjs"), url,
                              "<img src=x onerror=", os.path.join(SHOT_DIR, "embed-foreign.png")],
                             cwd=BROWSER_DIR, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)


if __name__ == "__main__":
    unittest.main()
