"""Send windows (issue 21, README "Send windows"), against the real clock:
a survey whose window is closed for the next day or more holds a due survey
email back, and the customers API says when it will go (in the customer's
`timezone` trait when the window asks for it); a window open now sends at
once. Bad windows are 400s naming the field. The Delays page's window card
in chromium, screenshots at 1280 and 390 px (axe-checked)."""

import calendar
import datetime
import os
import re
import subprocess
import time
import unittest

import harness

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))
DAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def utc_midnight(days_ahead):
    d = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days_ahead)
    return calendar.timegm(d.timetuple()), DAY_KEYS[d.weekday()]


class SendWindowTest(harness.NginxTestCase):
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
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.smtp.cleanup()

    def survey(self, window, **settings):
        s = self.nginx.create_survey(automation=True, min_delay_days=0, max_delay_days=0,
                                     **settings)
        r = self.nginx.admin("PATCH", "surveys/%d" % s["id"], {"send_window": window})
        self.assertEqual(r.status, 200, r.body)
        return s

    def identify(self, survey, email, **traits):
        r = self.nginx.segment(survey["api_key"], harness.identify(email, traits=traits))
        self.assertEqual(r.status, 200, r.body)

    def invitation(self, survey, email):
        customers = self.nginx.customers(survey["id"], email)
        if not customers or not customers[0]["invitations"]:
            return None
        return customers[0]["invitations"][0]

    def held_in_log(self):
        return sum(int(n) for n in re.findall(
            r"\[info\].*scheduler: (\d+) due outside their survey's send window",
            self.nginx.read_error_log()))

    def sent_to(self, email):
        return [m for m in self.smtp.messages() if email in m.envelope["rcpt_tos"]]

    def test_closed_window_holds_mail_until_its_opening(self):
        # Closed from now until the day after tomorrow (UTC), whatever the hour.
        opening, day = utc_midnight(2)
        survey = self.survey({"days": [day], "start": "00:00", "end": "24:00",
                              "time_zone": "UTC", "use_customer_time_zone": True})
        self.identify(survey, "later@example.com")
        # Kiritimati is UTC+14: its day opens 14 hours before UTC's.
        self.identify(survey, "kiribati@example.com", timezone="Pacific/Kiritimati")
        self.identify(survey, "nowhere@example.com", timezone="Mars/Olympus_Mons")
        expected = {"later@example.com": opening,
                    "kiribati@example.com": opening - 14 * 3600,
                    "nowhere@example.com": opening}

        def held(email):
            inv = self.invitation(survey, email)
            return inv and inv["status"] == "queued" and inv["next_attempt_at"]

        for email, at in expected.items():
            harness.wait_until(lambda: held(email), timeout=20,
                               what="the invitation of %s held for the window" % email)
            inv = self.invitation(survey, email)
            when = harness.parse_iso(inv["next_attempt_at"])
            self.assertGreaterEqual(when, at, inv)
            self.assertLess(when, at + 3600, inv)  # spread over the first hour
        # Logged once each, at [info]: a held invitation is not due again
        # before its window (two more scheduler steps to be sure).
        harness.wait_until(lambda: self.held_in_log() == 3, timeout=10, what="the log lines")
        time.sleep(2.5)
        self.assertEqual(self.held_in_log(), 3)
        # Nothing sent, no attempt counted.
        for email in expected:
            self.assertEqual(self.sent_to(email), [])
        rows = self.nginx.db_query(
            "SELECT i.attempts, i.status FROM invitations i JOIN customers c "
            "ON c.id = i.customer_id WHERE c.survey_id = ?", (survey["id"],))
        self.assertEqual(sorted(rows), [(0, "queued")] * 3)

        # The Delays page's sentence comes from the server.
        r = self.nginx.admin("GET", "surveys/%d/send-window?time_zone=Pacific/Kiritimati"
                             % survey["id"])
        self.assertEqual(r.status, 200, r.body)
        self.assertIn("Pacific/Kiritimati", r.body["example"]["sentence"])
        self.assertIn("; sent ", r.body["example"]["sentence"])

    def test_open_window_sends_at_once(self):
        survey = self.survey({"days": DAY_KEYS, "start": "00:00", "end": "24:00",
                              "time_zone": "UTC"})
        self.identify(survey, "now@example.com")
        harness.wait_until(lambda: self.sent_to("now@example.com"), timeout=20,
                           what="the survey email inside the window")
        harness.wait_until(lambda: (self.invitation(survey, "now@example.com") or {})
                           .get("status") == "sent", timeout=10, what="recorded as sent")

    def test_bad_windows_are_400s_naming_the_field(self):
        survey = self.nginx.create_survey()
        good = {"days": ["mon"], "start": "09:00", "end": "17:00", "time_zone": "UTC"}
        cases = [
            ("send_window must", "weekdays"),
            ("send_window.days", dict(good, days=[])),
            ("send_window.days", dict(good, days=["mon", "mon"])),
            ("send_window.start", dict(good, start="9")),
            ("send_window.end", dict(good, end="08:00")),
            ("send_window.end", dict(good, end="24:30")),
            ("send_window.time_zone", dict(good, time_zone="Europe/Berlln")),
            ("send_window.time_zone", {k: v for k, v in good.items() if k != "time_zone"}),
            ("send_window.use_customer_time_zone", dict(good, use_customer_time_zone="yes")),
        ]
        for field, window in cases:
            r = self.nginx.admin("PATCH", "surveys/%d" % survey["id"], {"send_window": window})
            self.assertEqual(r.status, 400, (window, r.body))
            self.assertIn(field, r.body["message"])
        r = self.nginx.admin("GET", "surveys/%d" % survey["id"])
        self.assertIsNone(r.body["send_window"])
        r = self.nginx.admin("GET", "surveys/%d/send-window?due=soon" % survey["id"])
        self.assertEqual(r.status, 400, r.body)

    def test_the_delays_page_card(self):
        survey = self.nginx.create_survey(name="Window card")
        _, day = utc_midnight(2)
        held = self.survey({"days": [day], "start": "09:00", "end": "17:00",
                            "time_zone": "UTC"}, name="Held")
        self.identify(held, "held@example.com")
        harness.wait_until(lambda: (self.invitation(held, "held@example.com") or {})
                           .get("next_attempt_at"), timeout=20, what="the held invitation")
        env = dict(os.environ, BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, SURVEY_ID=str(survey["id"]),
                   HELD_SURVEY_ID=str(held["id"]))
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "send_window_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        r = self.nginx.admin("GET", "surveys/%d" % survey["id"])
        self.assertEqual(r.body["send_window"],
                         {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00",
                          "end": "17:00", "time_zone": "Europe/Berlin",
                          "use_customer_time_zone": True})


if __name__ == "__main__":
    unittest.main()
