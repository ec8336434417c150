"""Retention end to end (issue 11): a survey's retention_months has worker
0's retention job delete the answers older than that many months, with
their testimonials, and keep the newer ones and every other survey's; it
runs at worker start and hourly, and says what it deleted in the log."""

import os
import re
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_sync import insert_answers  # noqa: E402

DAY = 86400


class RetentionTest(harness.NginxTestCase):
    def answers(self, survey):
        return self.nginx.db_query(
            "SELECT score FROM answers WHERE survey_id = ? ORDER BY score", (survey["id"],))

    def test_old_answers_go_new_ones_stay(self):
        now = int(time.time())
        limited = self.nginx.create_survey(name="six months")
        kept = self.nginx.create_survey(name="kept")
        for survey in (limited, kept):
            insert_answers(self.nginx.database, survey["id"], [
                {"score": 1, "answered_at": now - 200 * DAY},  # over six months
                {"score": 9, "answered_at": now - 150 * DAY},
                {"score": 10, "answered_at": now - DAY}])
        old = self.nginx.db_query("SELECT invitation_id FROM answers WHERE survey_id = ? "
                                  "AND score = 1", (limited["id"],))[0][0]
        harness.SqliteState(self.nginx.database).execute(
            "INSERT INTO testimonials (invitation_id, survey_id, status, created_at, "
            "updated_at) VALUES (?, ?, 'pending', ?, ?)", (old, limited["id"], now, now))
        r = self.nginx.admin("PATCH", "surveys/%d" % limited["id"], {"retention_months": 6})
        self.assertEqual(r.status, 200, r.body)

        # The job runs a second after a worker 0 starts: a reload starts one.
        log_start = len(self.nginx.read_error_log())
        self.nginx.reload()
        harness.wait_until(lambda: len(self.answers(limited)) == 2, timeout=20,
                           what="the answer past retention deleted")
        self.assertEqual(self.answers(limited), [(9,), (10,)])
        self.assertEqual(self.answers(kept), [(1,), (9,), (10,)])
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM testimonials WHERE invitation_id = ?", (old,)), [(0,)])
        # The invitation stays, answered: the customer is not surveyed again early.
        self.assertEqual(self.nginx.db_query(
            "SELECT status FROM invitations WHERE id = ?", (old,)), [("answered",)])
        harness.wait_until(lambda: re.search(
            r"\[notice\] .*callexa: retention: deleted 1 answers past their survey's "
            r"retention", self.nginx.read_error_log()[log_start:]),
            what="the retention notice")


if __name__ == "__main__":
    unittest.main()
