"""Survey emails from identify to a real SMTP server (Debian's aiosmtpd):
due invitations are sent once with valid headers; an SMTP outage delays
them; a 550 bounces the address for good; reloads and a quit while sending
neither lose nor duplicate an email. And .eml files without SMTP."""

import os
import re
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import identify  # noqa: E402

SMTP = harness.SmtpSink()

DELIVERY_CONF = """
  callexa_public_url http://127.0.0.1:{port}/;
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
""" % SMTP.port


def setUpModule():
    SMTP.start()


def tearDownModule():
    SMTP.cleanup()


def recipients(messages):
    return [r for m in messages for r in m.envelope["rcpt_tos"]]


class DeliveryTest(harness.NginxTestCase):
    http_extra = DELIVERY_CONF

    def new_survey(self, **settings):
        fields = dict(automation=True, min_delay_days=0, max_delay_days=0)
        fields.update(settings)
        return self.nginx.create_survey(**fields)

    def state(self, survey, email):
        customers = self.nginx.customers(survey["id"], email)
        return customers[0]["state"] if customers else None

    def wait_state(self, survey, email, state, timeout=20.0):
        harness.wait_until(lambda: self.state(survey, email) == state, timeout=timeout,
                           what="%s to be %s (is %s)" % (email, state,
                                                        self.state(survey, email)))

    def messages_to(self, address):
        return [m for m in SMTP.messages() if address in m.envelope["rcpt_tos"]]

    def test_due_invitation_arrives_once_with_valid_headers(self):
        survey = self.new_survey(name="headers")
        r = self.nginx.segment(survey["api_key"], identify(
            "ada@example.com", traits={"firstName": "Ada", "lastName": "Lovelace"}))
        self.assertEqual(r.status, 200, r.body)
        self.wait_state(survey, "ada@example.com", "sent")
        got = self.messages_to("ada@example.com")
        self.assertEqual(len(got), 1)
        m = got[0]
        self.assertEqual(m.envelope["mail_from"], "nps@acme.example")
        self.assertEqual([(a.display_name, a.addr_spec) for a in m["From"].addresses],
                         [("Acme NPS", "nps@acme.example")])
        self.assertEqual([(a.display_name, a.addr_spec) for a in m["To"].addresses],
                         [("Ada Lovelace", "ada@example.com")])
        self.assertTrue(m["Subject"])
        self.assertRegex(m["Message-ID"], r"^<[0-9a-f]{32}@127\.0\.0\.1>$")
        self.assertTrue(m["Date"])
        self.assertRegex(m["List-Unsubscribe"],
                         r"^<http://127\.0\.0\.1:%d/s/u/[A-Za-z0-9_-]+>$" % self.nginx.port)
        self.assertEqual(m.get_content_type(), "multipart/alternative")
        parts = list(m.iter_parts())
        self.assertEqual([p.get_content_type() for p in parts], ["text/plain", "text/html"])
        html = parts[1].get_content()
        self.assertIn("Ada", parts[0].get_content())
        links = re.findall(r'href="(http://127\.0\.0\.1:%d/s/[^"]+\?score=(\d+))"'
                           % self.nginx.port, html)
        self.assertEqual(sorted({int(s) for _, s in links}), list(range(11)))

        # Nothing more goes out for this invitation.
        time.sleep(1.0)
        self.assertEqual(len(self.messages_to("ada@example.com")), 1)

    def test_internationalised_addresses_are_delivered_or_refused_at_once(self):
        # The probe of issue 17: jürgen@exämple.com was answered 200, then
        # failed for good by the scheduler and locked out for 26 weeks.
        survey = self.new_survey(name="idn")
        r = self.nginx.segment(survey["api_key"], identify("jürgen@exämple.com"))
        self.assertJsonError(r, 400, "traits.email", "outside ASCII", "SMTPUTF8")
        self.assertEqual(self.nginx.customers(survey["id"]), [])
        r = self.nginx.segment(survey["api_key"], identify("Juergen@Exämple.com"))
        self.assertSuccess(r)
        self.wait_state(survey, "juergen@xn--exmple-cua.com", "sent")
        got = self.messages_to("juergen@xn--exmple-cua.com")
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["To"].addresses[0].addr_spec, "juergen@xn--exmple-cua.com")

    def test_smtp_outage_delays_and_then_delivers_once(self):
        survey = self.new_survey(name="outage")
        SMTP.stop()
        try:
            self.nginx.segment(survey["api_key"], identify("outage@example.com"))
            self.wait_state(survey, "outage@example.com", "retry")
        finally:
            SMTP.start()
        # The retry is backed off by a minute: make it due now.
        harness.db_execute(self.nginx.database,
                           "UPDATE invitations SET next_attempt_at = 0 WHERE status = 'retry'")
        self.wait_state(survey, "outage@example.com", "sent")
        time.sleep(1.0)
        self.assertEqual(len(self.messages_to("outage@example.com")), 1)
        rows = self.nginx.db_query(
            "SELECT attempts FROM invitations i JOIN customers c ON c.id = i.customer_id "
            "WHERE c.email = 'outage@example.com'")
        self.assertEqual(rows, [(2,)])

    def test_550_bounces_the_address_and_is_not_retried(self):
        survey = self.new_survey(name="bounce")
        self.nginx.segment(survey["api_key"], identify("bounce@example.com"))
        self.wait_state(survey, "bounce@example.com", "bounced")
        self.assertEqual(self.nginx.db_query(
            "SELECT reason FROM suppressions WHERE email = 'bounce@example.com'"),
            [("bounced",)])
        time.sleep(1.0)
        rows = self.nginx.db_query(
            "SELECT status, attempts, last_error FROM invitations i "
            "JOIN customers c ON c.id = i.customer_id WHERE c.email = 'bounce@example.com'")
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][:2], ("bounced", 1))
        self.assertIn("550", rows[0][2])
        # No other survey ever schedules the address.
        other = self.new_survey(name="bounce 2")
        self.nginx.segment(other["api_key"], identify("bounce@example.com"))
        self.assertEqual(self.state(other, "bounce@example.com"), "ignored")

    def test_reloads_while_sending_neither_lose_nor_duplicate(self):
        survey = self.new_survey(name="reload")
        emails = ["reload%d@example.com" % i for i in range(600)]
        batch = {"batch": [identify(e) for e in emails]}
        for i in range(0, len(emails), 200):
            r = self.nginx.tracking(survey["api_key"], "batch",
                                    {"batch": batch["batch"][i:i + 200]})
            self.assertEqual(r.status, 200, r.body)
        self.nginx.reload()
        time.sleep(0.3)
        self.nginx.reload()
        harness.wait_until(
            lambda: set(emails) <= set(recipients(SMTP.messages())), timeout=60,
            what="all 600 emails")
        time.sleep(1.0)
        sent = [r for r in recipients(SMTP.messages()) if r.startswith("reload")]
        self.assertEqual(len(sent), len(emails), "duplicates: %d" % (len(sent) - len(emails)))


class QuitWhileSendingTest(unittest.TestCase):
    """`nginx -s quit` in the middle of a backlog stops promptly; the unsent
    rest goes out after a restart, each email exactly once."""

    def test_quit_is_prompt_and_the_rest_is_sent_after_restart(self):
        n = harness.CallexaNginx(http_extra=DELIVERY_CONF)
        try:
            n.start()
            survey = n.create_survey(name="quit", automation=True, min_delay_days=0,
                                     max_delay_days=0)
            emails = ["quit%d@example.com" % i for i in range(2000)]
            already = SMTP.count()
            for i in range(0, len(emails), 500):
                r = n.tracking(survey["api_key"], "batch",
                               {"batch": [identify(e) for e in emails[i:i + 500]]})
                self.assertEqual(r.status, 200, r.body)
            harness.wait_until(lambda: SMTP.count() > already + 50, timeout=30,
                               interval=0.01, what="sending to start")
            started = time.monotonic()
            n.stop()
            self.assertLess(time.monotonic() - started, 5.0)
            before = sum(r.startswith("quit") for r in recipients(SMTP.messages()))
            self.assertLess(before, len(emails), "everything was sent before the quit")
            self.assertEqual(n.serious_log_lines(), [])

            n.start()
            harness.wait_until(
                lambda: set(emails) <= set(recipients(SMTP.messages())), timeout=120,
                what="all 2000 emails")
            time.sleep(1.0)
            sent = [r for r in recipients(SMTP.messages()) if r.startswith("quit")]
            self.assertEqual(len(sent), len(emails))
            n.stop()
            self.assertEqual(n.serious_log_lines(), [])
        finally:
            n.cleanup()


class KilledWorkerTest(unittest.TestCase):
    """A worker killed while sending loses nothing: its leased invitations
    come back when the lease expires (here: made to expire at once) and the
    respawned worker sends them. Each outcome is committed as soon as the
    server answers, so at most the one message that was on the wire at the
    kill can go out twice (SMTP has no way to tell)."""

    def test_kill_9_while_sending(self):
        n = harness.CallexaNginx(http_extra=DELIVERY_CONF,
                                 allowed_log_patterns=[r"exited on signal 9"])
        try:
            n.start()
            survey = n.create_survey(name="kill", automation=True, min_delay_days=0,
                                     max_delay_days=0)
            emails = ["kill%d@example.com" % i for i in range(1500)]
            for i in range(0, len(emails), 500):
                r = n.tracking(survey["api_key"], "batch",
                               {"batch": [identify(e) for e in emails[i:i + 500]]})
                self.assertEqual(r.status, 200, r.body)
            # Kill in the middle of a step of 50, not at its start.
            already = SMTP.count()
            harness.wait_until(lambda: SMTP.count() > already + 20, timeout=30,
                               interval=0.005, what="sending to start")
            owner = harness.wait_until(
                lambda: n.db_query("SELECT lease_owner FROM invitations "
                                   "WHERE status = 'sending' LIMIT 1"),
                timeout=30, interval=0.005, what="a leased invitation")[0][0]
            pid = int(owner.split(":")[1])
            os.kill(pid, 9)
            harness.wait_until(lambda: "exited on signal 9" in n.read_error_log(),
                               what="the master to see the kill")
            # Time passes: the dead worker's leases run out.
            harness.db_execute(n.database,
                               "UPDATE invitations SET next_attempt_at = 0 "
                               "WHERE status = 'sending' AND lease_owner = ?", (owner,))
            harness.wait_until(
                lambda: set(emails) <= set(recipients(SMTP.messages())), timeout=120,
                what="all 1500 emails")
            time.sleep(1.0)
            sent = [r for r in recipients(SMTP.messages()) if r.startswith("kill")]
            self.assertLessEqual(len(sent) - len(emails), 1)
            n.stop()
            self.assertEqual(n.serious_log_lines(), [])
        finally:
            n.cleanup()


class MailDirTest(harness.NginxTestCase):
    """Without callexa_smtp each email is an .eml file in callexa_mail_dir."""

    http_extra = """
  callexa_public_url https://nps.acme.example;
  callexa_mail_from nps@acme.example;
  callexa_mail_dir {prefix}/data/mail;
  callexa_scheduler_interval 300ms;
"""

    def test_email_is_written_as_an_eml_file(self):
        survey = self.nginx.create_survey(automation=True, min_delay_days=0,
                                          max_delay_days=0)
        self.nginx.segment(survey["api_key"], identify("eml@example.com"))
        mail_dir = os.path.join(self.nginx.prefix, "data", "mail")
        files = harness.wait_until(
            lambda: [f for f in os.listdir(mail_dir) if f.endswith(".eml")]
            if os.path.isdir(mail_dir) else [], what="an .eml file")
        self.assertEqual(len(files), 1)
        with open(os.path.join(mail_dir, files[0]), "rb") as f:
            data = f.read()
        self.assertIn(b"To: eml@example.com\r\n", data)
        self.assertIn(b"List-Unsubscribe: <https://nps.acme.example/s/u/", data)
        self.assertIn(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", data)


if __name__ == "__main__":
    unittest.main()
