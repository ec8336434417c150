"""Reminders (README "Reminders") end to end, with nginx under libfaketime so
that days pass in seconds: two customers get the survey email, one answers;
three days later exactly one reminder goes to the other, threaded under the
survey email and carrying its very links, and an answer through it counts
once. A reload and a kill -9 of the worker in the middle of the reminder
step (held there by a reminder the SMTP sink stalls) send no second
reminder: each one sent was recorded at once."""

import glob
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

# The sink answers DATA for stall@ only after this long: the reminder step
# is then held in the middle, long enough to reload and kill.
os.environ["STALL_SECONDS"] = "6"
SMTP = harness.SmtpSink()
DAY = 86400
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))
REMINDER_SUBJECT = "A quick reminder: how likely are you to recommend us?"


def faketime_library():
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))
    if not found:
        raise unittest.SkipTest("libfaketime is not installed (Debian's faketime)")
    return found[0]


def setUpModule():
    SMTP.start()


def tearDownModule():
    SMTP.cleanup()


class RemindersTest(harness.NginxTestCase):
    http_extra = """
  callexa_public_url http://127.0.0.1:{port}/;
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
""" % SMTP.port
    server_extra = """
    location /s/ { callexa_survey; }
    location = /metrics { callexa_metrics; }
"""
    # nginx clears the workers' environment but for these.
    main_extra = """
env FAKETIME_TIMESTAMP_FILE;
env FAKETIME_NO_CACHE;
env FAKETIME_DONT_FAKE_MONOTONIC;
"""
    allowed_log_patterns = [r"exited on signal 9"]

    @classmethod
    def setUpClass(cls):
        # The offset from the real time, re-read by libfaketime at every
        # call: the test moves every nginx process's clock by rewriting it.
        cls.clock_file = os.path.join(SMTP.directory, "..", "callexa-faketime-%d" % SMTP.port)
        cls.clock_file = os.path.abspath(cls.clock_file)
        cls.days = 0
        cls.set_days(0)
        cls.extra_env = {
            "LD_PRELOAD": faketime_library(),
            "FAKETIME_TIMESTAMP_FILE": cls.clock_file,
            "FAKETIME_NO_CACHE": "1",
            # nginx's timers run on the monotonic clock: left alone.
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        }
        cls.addClassCleanup(lambda: os.path.exists(cls.clock_file) and os.unlink(cls.clock_file))
        super().setUpClass()

    @classmethod
    def set_days(cls, days):
        cls.days = days
        with open(cls.clock_file + ".new", "w") as f:
            f.write("+%dd\n" % days)
        os.chmod(cls.clock_file + ".new", 0o644)
        os.replace(cls.clock_file + ".new", cls.clock_file)

    # -- helpers --------------------------------------------------------------

    def new_survey(self, name):
        survey = self.nginx.create_survey(name=name, automation=True, min_delay_days=0,
                                          max_delay_days=0, reminder_after_days=3)
        self.assertEqual(survey["reminder_after_days"], 3)
        return survey

    def identify_all(self, survey, emails):
        for address in emails:
            first_name = address.split("@")[0].capitalize()
            r = self.nginx.segment(survey["api_key"],
                                   identify(address, traits={"firstName": first_name}))
            self.assertEqual(r.status, 200, r.body)

    def mail_to(self, address, reminders):
        return [m for m in SMTP.messages() if address in m.envelope["rcpt_tos"]
                and bool(m["In-Reply-To"]) == reminders]

    def wait_survey_emails(self, emails, timeout=30):
        harness.wait_until(lambda: all(self.mail_to(a, False) for a in emails),
                           timeout=timeout, what="the survey emails to %s" % emails)

    def reminder_rows(self, survey):
        return dict(self.nginx.db_query(
            "SELECT c.email, r.status FROM reminders r "
            "JOIN invitations i ON i.id = r.invitation_id "
            "JOIN customers c ON c.id = i.customer_id WHERE r.survey_id = ?",
            (survey["id"],)))

    def score_links(self, message):
        html = message.get_body(preferencelist=("html",)).get_content()
        return dict((int(score), "/" + path) for path, score in re.findall(
            r'href="http://127\.0\.0\.1:%d/(s/[^"?]+)\?score=(\d+)"' % self.nginx.port, html))

    def render_in_browser(self, html):
        """Chromium, scripts off as in a mail client, shows the reminder's
        HTML part without a request and within a phone's width; the
        screenshots are reminder-email-700.png and -390.png."""
        os.makedirs(SHOT_DIR, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
            f.write(html)
        self.addCleanup(os.unlink, f.name)
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "email_render.mjs"), f.name,
                              os.path.join(SHOT_DIR, "reminder-email"), "survey"],
                             cwd=BROWSER_DIR, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    # -- tests ----------------------------------------------------------------

    def test_1_one_reminder_to_the_non_responder_with_the_same_links(self):
        survey = self.new_survey("remind")
        self.identify_all(survey, ["ann@example.com", "bob@example.com"])
        self.wait_survey_emails(["ann@example.com", "bob@example.com"])
        ann_links = self.score_links(self.mail_to("ann@example.com", False)[0])
        harness.answer_on_page(self.nginx, ann_links[9], 9, "fine")

        self.set_days(self.days + 4)
        harness.wait_until(lambda: self.reminder_rows(survey).get("bob@example.com") == "sent",
                           what=lambda: "bob's reminder (%r)" % self.reminder_rows(survey))
        # Ann, answered, was never a candidate: the claim that took Bob's
        # reminder saw both invitations.
        self.assertNotIn("ann@example.com", self.reminder_rows(survey))
        self.assertEqual(self.mail_to("ann@example.com", True), [])
        self.assertEqual(len(self.mail_to("ann@example.com", False)), 1)

        survey_email = self.mail_to("bob@example.com", False)
        reminders = self.mail_to("bob@example.com", True)
        self.assertEqual(len(survey_email), 1)
        self.assertEqual(len(reminders), 1)
        first, reminder = survey_email[0], reminders[0]
        self.assertEqual(reminder["Subject"], REMINDER_SUBJECT)
        self.assertRegex(reminder["Message-ID"], r"^<[0-9a-f]{32}@127\.0\.0\.1>$")
        self.assertNotEqual(reminder["Message-ID"], first["Message-ID"])
        self.assertEqual(reminder["In-Reply-To"], first["Message-ID"])
        self.assertEqual(reminder["References"], first["Message-ID"])
        self.assertEqual(reminder["List-Unsubscribe"], first["List-Unsubscribe"])
        links = self.score_links(reminder)
        self.assertEqual(links, self.score_links(first))  # the very same links
        self.assertEqual(sorted(links), list(range(11)))
        self.render_in_browser(reminder.get_body(preferencelist=("html",)).get_content())

        customer = self.nginx.customers(survey["id"], "bob@example.com")[0]
        invitation = customer["invitations"][0]
        self.assertEqual(invitation["reminder"]["status"], "sent")
        self.assertTrue(invitation["reminder"]["sent_at"])
        ann = self.nginx.customers(survey["id"], "ann@example.com")[0]
        self.assertIsNone(ann["invitations"][0]["reminder"])

        # An answer through the reminder, then through the survey email:
        # one answer, the last.
        harness.answer_on_page(self.nginx, links[4], 4, "slow support")
        harness.answer_on_page(self.nginx, self.score_links(first)[7], 7, "better now")
        answers = self.nginx.db_query(
            "SELECT a.score FROM answers a JOIN customers c ON c.id = a.customer_id "
            "WHERE c.email = 'bob@example.com'")
        self.assertEqual(answers, [(7,)])
        stats = self.nginx.admin("GET", "surveys/%d/stats" % survey["id"]).body
        self.assertEqual(stats["counts"]["reminders_sent"], 1)
        self.assertEqual(stats["counts"]["answered_after_reminder"], 1)

        metrics = harness.wait_until(
            lambda: (lambda m: m if 'callexa_reminders_total{outcome="sent"} 1' in m else None)(
                self.nginx.http("GET", "/metrics").body.decode()),
            what="the reminder in /metrics")
        self.assertIn('callexa_reminders_total{outcome="skipped"} 0', metrics)

    def test_2_reload_and_kill_during_the_step_send_no_second_reminder(self):
        survey = self.new_survey("kill")
        early = ["early%d@example.com" % i for i in range(3)]
        late = ["late%d@example.com" % i for i in range(3)]
        # Reminders go out in the order of the survey emails: the early
        # ones, then stall@ (whose DATA the sink holds for STALL_SECONDS and
        # then refuses with a 451), then the late ones.
        self.identify_all(survey, early)
        self.wait_survey_emails(early)
        self.identify_all(survey, ["stall@example.com"] + late)
        self.wait_survey_emails(late)
        # stall@'s survey email never gets through: the test says it did,
        # at the early ones' time.
        harness.wait_until(lambda: self.invitation_status("stall@example.com") == "retry",
                           what="stall@'s survey email refused")
        harness.db_execute(
            self.nginx.database,
            "UPDATE invitations SET status = 'sent', next_attempt_at = NULL, last_error = '', "
            "sent_at = (SELECT min(sent_at) FROM invitations WHERE survey_id = ?1) "
            "WHERE survey_id = ?1 AND status = 'retry'", (survey["id"],))

        self.set_days(self.days + 4)
        harness.wait_until(lambda: all(self.mail_to(a, True) for a in early),
                           what="the early reminders")
        # The step now waits for the sink's answer to stall@'s reminder:
        # reload, then kill the old worker that holds the leases.
        owner = harness.wait_until(
            lambda: self.nginx.db_query(
                "SELECT r.lease_owner FROM reminders r "
                "JOIN invitations i ON i.id = r.invitation_id "
                "JOIN customers c ON c.id = i.customer_id "
                "WHERE c.email = 'stall@example.com' AND r.status = 'sending'"),
            what="stall@'s reminder leased")[0][0]
        self.nginx.reload(command=True)
        os.kill(int(owner.split(":")[1]), 9)
        harness.wait_until(lambda: "exited on signal 9" in self.nginx.read_error_log(),
                           what="the master to see the kill")
        # Killed in the middle: the late ones' leases died with it.
        self.assertEqual([a for a in late if self.mail_to(a, True)], [])
        # Time passes: the dead worker's leases run out.
        harness.db_execute(self.nginx.database,
                           "UPDATE reminders SET next_attempt_at = 0 "
                           "WHERE status = 'sending' AND lease_owner = ?", (owner,))
        expected = dict([(a, "sent") for a in early + late] + [("stall@example.com", "retry")])
        harness.wait_until(lambda: self.reminder_rows(survey) == expected, timeout=40,
                           what=lambda: "the reminders recorded (%r)" % self.reminder_rows(survey))
        for address in early + late:
            self.assertEqual(len(self.mail_to(address, True)), 1, address)
            self.assertEqual(len(self.mail_to(address, False)), 1, address)
        self.assertEqual(self.mail_to("stall@example.com", True), [])

    def invitation_status(self, address):
        rows = self.nginx.db_query(
            "SELECT i.status FROM invitations i JOIN customers c ON c.id = i.customer_id "
            "WHERE c.email = ?", (address,))
        return rows[0][0] if rows else None

if __name__ == "__main__":
    unittest.main()
