"""Sync-back to Segment through nginx: the admin routes of a survey's sync.

The sync job itself (a timer on worker 0) is tested here once the glue runs
it; tests/integration/fake_segment.py stands in for Segment's API.
"""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class SyncAdminTest(harness.NginxTestCase):
    def test_status_and_run_now(self):
        survey = self.nginx.create_survey(name="sync", segment_write_key="wk_1")
        r = self.nginx.admin("GET", "surveys/%d/sync" % survey["id"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["survey_id"], survey["id"])
        self.assertTrue(r.body["enabled"])
        for field in ("last_run_started_at", "last_run_finished_at", "last_success_at",
                      "next_run_at", "messages_sent", "requests_made", "pending",
                      "last_error"):
            self.assertIn(field, r.body)

        r = self.nginx.admin("POST", "surveys/%d/sync" % survey["id"])
        self.assertEqual(r.status, 202, r.body)
        self.assertTrue(r.body["run_requested"])
        self.assertEqual(self.nginx.db_query(
            "SELECT run_requested FROM sync_state WHERE survey_id = ?",
            (survey["id"],)), [(1,)])

    def test_errors(self):
        no_key = self.nginx.create_survey(name="no key")
        self.assertJsonError(self.nginx.admin("POST", "surveys/%d/sync" % no_key["id"]),
                             409, "segment_write_key")
        self.assertJsonError(self.nginx.admin("GET", "surveys/999/sync"), 404, "not found")
        # State-changing: same CSRF rules as every admin POST.
        self.assertJsonError(
            self.nginx.admin("POST", "surveys/%d/sync" % no_key["id"],
                             headers={"Content-Type": "text/plain"}), 415)


if __name__ == "__main__":
    unittest.main()
