"""Closing the loop end to end, as an owner lives it (README "Alerts,
webhooks and the inbox"): a customer receives the survey email through a
real SMTP server (aiosmtpd), answers 3 with a comment in Chromium; one alert
email reaches the owner, linking to the answer's thread; each webhook gets
one signed response.created event (Standard Webhooks, verified with the
secret shown once) and a Slack message; the owner follows the alert's link
in Chromium, finds the follow-up open, replies and closes it; the reply
reaches the customer threaded under the survey email. Screenshots
loop-1..7 (tests/browser/loop_flow.mjs, email_render.mjs) are the sequence
the README and the closing note show."""

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
from webhook_receiver import WebhookReceiver  # noqa: E402

SMTP = harness.SmtpSink()
RECEIVER = WebhookReceiver()
OWNER = "owner@acme.example"
CUSTOMER = "cy@example.com"
REPLY_TO = "support@acme.example"
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))


def setUpModule():
    SMTP.start()
    RECEIVER.start()


def tearDownModule():
    RECEIVER.stop()
    SMTP.cleanup()


class ClosingTheLoopTest(harness.NginxTestCase):
    @classmethod
    def setUpClass(cls):
        cls.http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
  callexa_alert_quiet_period 2s;
  callexa_webhook_private_networks on;
""" % SMTP.port
        cls.server_extra = """
    location /s/ { callexa_survey; }"""
        super().setUpClass()

    def node(self, *args, env=None):
        run = subprocess.run(["node", *args], cwd=BROWSER_DIR, capture_output=True, text=True,
                             timeout=180, env=dict(os.environ, SHOT_DIR=SHOT_DIR, **(env or {})))
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def render(self, message, name, *kind):
        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
            f.write(message.get_body(("html",)).get_content())
        self.addCleanup(os.remove, f.name)
        self.node("email_render.mjs", f.name, os.path.join(SHOT_DIR, name), *kind)

    def mail_to(self, address):
        return [m for m in SMTP.messages() if address in m.envelope["rcpt_tos"]]

    def test_a_detractor_is_alerted_signed_answered_and_closed(self):
        survey = self.nginx.create_survey(name="Acme NPS", min_delay_days=0, automation=True)
        sid = survey["id"]
        r = self.nginx.admin("PATCH", "surveys/%d" % sid, {
            "alerts": {"on": "detractors", "recipients": [OWNER]}, "reply_to": REPLY_TO})
        self.assertEqual(r.status, 200, r.body)
        hooks = {}
        for path, fmt in (("/std", "standard"), ("/slack", "slack")):
            r = self.nginx.admin("POST", "surveys/%d/webhooks" % sid, {
                "url": RECEIVER.url(path), "events": ["response.created"], "format": fmt})
            self.assertEqual(r.status, 201, r.body)
            hooks[path] = r.body
        RECEIVER.secrets["/std"] = hooks["/std"]["secret"]

        # The survey email, through SMTP.
        r = self.nginx.segment(survey["api_key"], identify(
            CUSTOMER, userId="u-cy", traits={"firstName": "Cy", "plan": "pro"}))
        self.assertEqual(r.status, 200, r.body)
        survey_mail = harness.wait_until(lambda: (self.mail_to(CUSTOMER) or [None])[0],
                                         what="the survey email")
        link = re.search(r'href="(http://127\.0\.0\.1:%d/s/[^"]+\?score=3)"' % self.nginx.port,
                         survey_mail.get_body(("html",)).get_content()).group(1)

        # 1-2: the customer answers in Chromium.
        self.node("loop_flow.mjs", "customer", link.replace("&amp;", "&"))

        # 3: one alert email to the owner, once the answer has settled,
        # linking to the thread.
        alert = harness.wait_until(lambda: (self.mail_to(OWNER) or [None])[0], timeout=60,
                                   what="the alert email")
        self.assertEqual(str(alert["Subject"]),
                         "Detractor (3/10) from %s \u2014 Acme NPS" % CUSTOMER)
        text = alert.get_body(("plain",)).get_content()
        self.assertIn("The export <b>broke</b> twice this week", text)
        invitation_id = self.nginx.db_query(
            "SELECT i.id FROM invitations i JOIN customers c ON c.id = i.customer_id "
            "WHERE c.email = ?", (CUSTOMER,))[0][0]
        inbox_url = "http://127.0.0.1:%d/admin/#/surveys/%d/inbox?item=%d" % (
            self.nginx.port, sid, invitation_id)
        self.assertIn('href="%s"' % inbox_url, alert.get_body(("html",)).get_content())
        self.render(alert, "loop-3-alert-email")

        # One signed event per webhook, the same facts in both.
        std = RECEIVER.wait_for("/std", 1)
        slack = RECEIVER.wait_for("/slack", 1)
        self.assertTrue(std[0].verified, std[0].headers)
        event = std[0].json()
        self.assertEqual(event["type"], "response.created")
        self.assertEqual(event["data"]["score"], 3)
        self.assertEqual(event["data"]["band"], "detractor")
        self.assertEqual(event["data"]["admin_url"], inbox_url)
        self.assertIn("3/10", slack[0].json()["text"])

        # 4-5, 7: the owner follows the alert's link, replies, closes.
        self.node("loop_flow.mjs", "owner", inbox_url, env={
            "BASE": "http://127.0.0.1:%d/admin/" % self.nginx.port,
            "ADMIN_USER": harness.ADMIN_USER, "ADMIN_PASSWORD": harness.ADMIN_PASSWORD})

        # 6: the reply reached the customer, threaded under the survey email.
        reply = harness.wait_until(
            lambda: next((m for m in self.mail_to(CUSTOMER) if m is not survey_mail
                          and str(m["Subject"]).startswith("Re: ")), None),
            what="the reply at the customer")
        self.assertEqual(reply["In-Reply-To"], survey_mail["Message-ID"])
        self.assertIn(survey_mail["Message-ID"], reply["References"])
        self.assertEqual(reply["Reply-To"], REPLY_TO)
        self.assertIn("it is fixed", reply.get_body(("plain",)).get_content())
        self.render(reply, "loop-6-customer-reply", "letter")

        thread = self.nginx.admin("GET", "surveys/%d/responses/%d" % (sid, invitation_id)).body
        self.assertEqual(thread["follow_up"]["status"], "closed")
        self.assertEqual([e["kind"] for e in thread["thread"]],
                         ["assignee", "reply", "status"])
        # Nothing more was sent: one alert, one event per webhook.
        self.assertEqual(len(self.mail_to(OWNER)), 1)
        self.assertEqual(len(RECEIVER.received("/std")), 1)
        self.assertEqual(len(RECEIVER.received("/slack")), 1)


if __name__ == "__main__":
    unittest.main()
