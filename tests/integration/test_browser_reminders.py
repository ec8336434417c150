"""Reminders in the admin UI, in Debian's chromium (tests/browser/reminder_flow.mjs):
the Delays page's reminder setting and its sentence (reminders do not count
against the monthly budget), and the email editor's Reminder view, whose
subject and introduction are edited like the survey email's texts and
saved. Screenshots at 1280 and 390 px, axe-checked."""

import os
import subprocess
import unittest

import harness

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))


class ReminderUiTest(harness.NginxTestCase):
    def test_set_a_reminder_and_edit_its_texts(self):
        survey = self.nginx.create_survey(name="Reminder UI")
        env = dict(os.environ, BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, SURVEY_ID=str(survey["id"]))
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "reminder_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        saved = self.nginx.admin("GET", "surveys/%d" % survey["id"]).body
        self.assertEqual(saved["reminder_after_days"], 4)
        self.assertEqual(saved["content"]["reminder_subject"], "Still a minute for us?")
        self.assertIn("Only one click", str(saved["content"]["reminder_intro"]))
        # The survey email's own texts are untouched.
        self.assertEqual(saved["content"]["subject"], "")
        self.assertEqual(saved["content"]["intro"], "")


if __name__ == "__main__":
    unittest.main()
