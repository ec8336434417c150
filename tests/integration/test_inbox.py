"""The follow-up inbox end to end (README "The follow-up inbox"): a
detractor answers on the survey page; the owner opens a follow-up through
the API, assigns it, notes it and replies; the customer receives the reply
through a real SMTP server (aiosmtpd) threaded under the survey email
(In-Reply-To and References = its Message-ID) with Reply-To the survey's
reply address; it is closed. A reply to an unsubscribed address is refused
with 409; erasure removes the thread. The Inbox page is driven in Chromium
(tests/browser/inbox_flow.mjs): screenshots at 1280 and 390 px, axe-clean."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import identify  # noqa: E402

SMTP = harness.SmtpSink()
REPLY_TO = "support@acme.example"
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))


def setUpModule():
    SMTP.start()


def tearDownModule():
    SMTP.cleanup()


class InboxTest(harness.NginxTestCase):
    @classmethod
    def setUpClass(cls):
        cls.http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
""" % SMTP.port
        cls.server_extra = """
    location /s/ { callexa_survey; }
    location = /metrics { callexa_metrics; }"""
        super().setUpClass()
        cls.survey = cls.nginx.create_survey(name="Acme NPS", min_delay_days=0,
                                             automation=True)
        r = cls.nginx.admin("PATCH", "surveys/%d" % cls.survey["id"], {"reply_to": REPLY_TO})
        assert r.status == 200, r

    def messages_to(self, address):
        return [m for m in SMTP.messages() if address in m.envelope["rcpt_tos"]]

    def answered(self, email, score, comment, first_name="Ada"):
        """Identifies `email`, answers its survey email on the page; the
        survey email and the invitation id."""
        r = self.nginx.segment(self.survey["api_key"], identify(
            email, traits={"firstName": first_name, "plan": "pro"}))
        self.assertEqual(r.status, 200, r.body)
        msg = harness.wait_until(lambda: (self.messages_to(email) or [None])[0],
                                 what="the survey email to " + email)
        html = msg.get_body(("html",)).get_content()
        page = re.search(r'href="http://127\.0\.0\.1:%d(/s/[^"?]+)\?score=' % self.nginx.port,
                         html).group(1)
        harness.answer_on_page(self.nginx, page, score, comment)
        rows = self.nginx.db_query(
            "SELECT i.id FROM invitations i JOIN customers c ON c.id = i.customer_id "
            "WHERE c.email = ? AND c.survey_id = ?", (email, self.survey["id"]))
        return msg, rows[0][0]

    def path(self, invitation_id, tail=""):
        return "surveys/%d/responses/%d%s" % (self.survey["id"], invitation_id, tail)

    def test_a_reply_reaches_the_customer_threaded_then_closed(self):
        email = "ada@example.com"
        survey_mail, inv = self.answered(email, 3, "The export broke")

        r = self.nginx.admin("PATCH", self.path(inv), {"status": "open"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body["opened_by"], harness.ADMIN_USER)
        listed = self.nginx.admin("GET", "surveys/%d/responses?follow_up=open"
                                  % self.survey["id"]).body["responses"]
        self.assertEqual([x["invitation_id"] for x in listed], [inv])
        self.assertEqual(listed[0]["comment"], "The export broke")

        self.assertEqual(self.nginx.admin("PATCH", self.path(inv),
                                          {"assignee": "bob"}).status, 200)
        self.assertEqual(self.nginx.admin("POST", self.path(inv, "/notes"),
                                          {"text": "Known bug, fixed in 2.3"}).status, 201)
        r = self.nginx.admin("POST", self.path(inv, "/reply"),
                             {"text": "Hi Ada,\n\nSorry <about> the export: it is fixed."})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["mail_status"], "pending")

        reply = harness.wait_until(
            lambda: next((m for m in self.messages_to(email)
                          if str(m["Subject"]).startswith("Re: ")), None),
            what="the reply to " + email)
        self.assertEqual(reply["In-Reply-To"], survey_mail["Message-ID"])
        self.assertEqual(reply["References"], survey_mail["Message-ID"])
        self.assertEqual(str(reply["Subject"]), "Re: " + str(survey_mail["Subject"]))
        self.assertEqual(str(reply["Reply-To"]), REPLY_TO)
        self.assertEqual(reply.envelope["mail_from"], "nps@acme.example")
        self.assertIn("Sorry <about> the export", reply.get_body(("plain",)).get_content())
        self.assertIn("Sorry &lt;about&gt; the export", reply.get_body(("html",)).get_content())

        thread = harness.wait_until(
            lambda: (lambda t: t if t["thread"][-1]["mail_status"] == "sent" else None)(
                self.nginx.admin("GET", self.path(inv)).body),
            what="the reply recorded as sent")
        kinds = [(e["kind"], e["actor"]) for e in thread["thread"]]
        self.assertEqual(kinds, [("status", "admin"), ("assignee", "admin"),
                                 ("note", "admin"), ("reply", "admin")])

        r = self.nginx.admin("PATCH", self.path(inv), {"status": "closed"})
        self.assertEqual(r.status, 200, r)
        self.assertIsNotNone(r.body["closed_at"])
        summary = self.nginx.admin("GET", "surveys/%d/follow-ups/summary"
                                   % self.survey["id"]).body
        self.assertEqual(summary["open"], 0)
        self.assertIsNotNone(summary["median_seconds_to_close"])
        metrics = self.nginx.http("GET", "/metrics")
        self.assertEqual(metrics.status, 200)
        self.assertRegex(metrics.body.decode(), r'callexa_replies_total\{outcome="sent"\} [1-9]')
        actions = [e["action"] for e in self.nginx.admin("GET", "audit").body["entries"]]
        self.assertIn("follow_up.reply", actions)
        self.assertNotIn("Sorry", json.dumps(self.nginx.admin("GET", "audit").body))

    def test_no_reply_to_an_unsubscribed_customer_and_erasure_removes_the_thread(self):
        email = "zoe@example.com"
        _, inv = self.answered(email, 1, "Never again", first_name="Zoe")
        self.assertEqual(self.nginx.admin("POST", self.path(inv, "/notes"),
                                          {"text": "Churn risk"}).status, 201)
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM follow_ups WHERE invitation_id = ?", (inv,))[0][0], 1)
        # Unsubscribed as the person does: the email's one-click link.
        msg = self.messages_to(email)[0]
        unsubscribe = re.search(r"<http://127\.0\.0\.1:\d+(/s/[^>]+)>",
                                str(msg["List-Unsubscribe"])).group(1)
        r = self.nginx.http("POST", unsubscribe, body=b"List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertLess(r.status, 400, r)
        r = self.nginx.admin("POST", self.path(inv, "/reply"), {"text": "Hello"})
        self.assertEqual(r.status, 409, r)
        self.assertIn("unsubscribed", r.body["message"])

        self.assertEqual(self.nginx.admin("POST", "erasure", {"email": email}).status, 200)
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM follow_up_entries WHERE invitation_id = ?", (inv,))[0][0], 0)
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM follow_ups WHERE invitation_id = ?", (inv,))[0][0], 0)
        self.assertEqual(self.nginx.admin("GET", self.path(inv)).status, 404)

    def test_the_inbox_page_in_a_browser(self):
        _, inv = self.answered("cy@example.com", 2, "Support took a week to answer",
                               first_name="Cy")
        self.answered("dee@example.com", 9, "Great", first_name="Dee")
        self.assertEqual(self.nginx.admin("PATCH", self.path(inv),
                                          {"status": "open"}).status, 200)
        out_file = tempfile.mktemp(prefix="callexa-inbox-flow-", suffix=".json")
        self.addCleanup(lambda: os.path.exists(out_file) and os.remove(out_file))
        env = dict(os.environ,
                   BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, OUT_FILE=out_file, SURVEY_ID=str(self.survey["id"]),
                   INVITATION_ID=str(inv))
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "inbox_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=180)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        reply = harness.wait_until(
            lambda: next((m for m in self.messages_to("cy@example.com")
                          if str(m["Subject"]).startswith("Re: ")), None),
            what="the reply sent from the browser")
        self.assertIn("We are on it", reply.get_body(("plain",)).get_content())
        f = self.nginx.admin("GET", self.path(inv)).body["follow_up"]
        self.assertEqual(f["status"], "closed")
        self.assertEqual(f["assignee"], "admin")


if __name__ == "__main__":
    unittest.main()
