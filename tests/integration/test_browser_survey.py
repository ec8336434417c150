"""The customer's survey flow end to end (issue 3, browser test): an identify
becomes an email in callexa_mail_dir, its score link opens in Debian's
chromium (tests/browser/survey_flow.mjs, playwright-core), the answer lands
in the responses API; a plain GET of every link (a mail scanner) records
nothing; the RFC 8058 one-click POST suppresses the address."""

import atexit
import email
import email.policy
import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

PUBLIC_URL = "https://nps.test/"
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
MAIL_DIR = tempfile.mkdtemp(prefix="callexa-mail-")
os.chmod(MAIL_DIR, 0o777)  # written by the workers' user
atexit.register(shutil.rmtree, MAIL_DIR, True)

CONTENT = {
    "followup_promoter": "What do you love?",
    "tags": ["Support", "Price"],
    "questions": [{"id": "feature", "text": "What is missing?"}],
    "consent_text": "Quote me",
    "thank_you": "Thanks a lot!",
}


class BrowserSurveyTest(harness.NginxTestCase):
    http_extra = """
  callexa_public_url %s;
  callexa_mail_from "Shop <survey@shop.example>";
  callexa_smtp off;
  callexa_mail_dir %s;
  callexa_scheduler_interval 1s;
""" % (PUBLIC_URL, MAIL_DIR)
    server_extra = "    location /s/ { callexa_survey; }"

    def local(self, url):
        """The path of a public link on this test's nginx."""
        self.assertTrue(url.startswith(PUBLIC_URL), url)
        return "/" + url[len(PUBLIC_URL):]

    def receive_email(self, address):
        def find():
            for path in glob.glob(os.path.join(MAIL_DIR, "*.eml")):
                with open(path, "rb") as f:
                    msg = email.message_from_binary_file(f, policy=email.policy.default)
                if address in str(msg["To"]):
                    return msg
            return None

        return harness.wait_until(find, timeout=30.0, interval=0.2,
                                  what="the survey email to " + address)

    def responses(self, survey_id):
        r = self.nginx.admin("GET", "surveys/%d/responses" % survey_id)
        self.assertEqual(r.status, 200, r.body)
        return r.body["responses"]

    def test_answer_in_a_browser_scanner_and_one_click(self):
        survey = self.nginx.create_survey(automation=True, min_delay_days=0,
                                          content=CONTENT)
        self.assertEqual(self.nginx.segment(survey["api_key"],
                                            harness.identify("ada@example.com")).status, 200)
        msg = self.receive_email("ada@example.com")
        html = msg.get_body(preferencelist=("html",)).get_content()
        links = {int(m.group(2)): m.group(1).replace("&amp;", "&") for m in re.finditer(
            r'href="(%ss/[^"?]+\?score=(\d+))"' % re.escape(PUBLIC_URL), html)}
        self.assertEqual(sorted(links), list(range(11)), html)
        one_click = re.search(r"<(https://[^>]+)>", str(msg["List-Unsubscribe"])).group(1)

        # A mail scanner follows every link: nothing is recorded or unsubscribed.
        for url in list(links.values()) + [one_click]:
            r = self.http("GET", self.local(url), headers={"User-Agent": "BingPreview"})
            self.assertEqual(r.status, 200, url)
            self.assertEqual(r.headers.get("referrer-policy"), "no-referrer")
        self.assertEqual(self.responses(survey["id"]), [])
        self.assertEqual(self.nginx.customers(survey["id"])[0]["state"], "sent")

        # A person answers in chromium.
        url = "http://127.0.0.1:%d%s" % (self.nginx.port, self.local(links[9]))
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "survey_flow.mjs"), url],
                             cwd=BROWSER_DIR, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        [answer] = self.responses(survey["id"])
        self.assertEqual(answer["email"], "ada@example.com")
        self.assertEqual(answer["score"], 10)
        self.assertEqual(answer["comment"], "The support team.")
        self.assertEqual(answer["tag_ratings"], {"Support": 4, "Price": 2})
        self.assertEqual(answer["extra_answers"], {"feature": "Dark mode"})
        self.assertTrue(answer["consent"])
        self.assertEqual(self.nginx.customers(survey["id"])[0]["state"], "answered")

        # The mail provider's one-click POST (no Origin, no csrf field).
        r = self.http("POST", self.local(one_click), body="List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.nginx.db_query(
            "SELECT reason FROM suppressions WHERE email = ?", ("ada@example.com",)),
            [("unsubscribed",)])


if __name__ == "__main__":
    unittest.main()
