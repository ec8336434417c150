"""Moving a host from SQLite to PostgreSQL as the README says: nginx on its
SQLite file takes identifies, emails the invitations (.eml files) and an
answer; nginx stops; `./build.sh move-to-postgresql FILE CONNINFO` moves the
file into an empty schema on the test cluster (CTest's fixture postgres,
harness.postgres_database()); nginx starts again with callexa_database set
to the connection string.

- the admin API lists the same surveys, customers and responses;
- a score link emailed before the move opens its page and takes an answer;
- a new identify gets the next customer and invitation ids, and its email
  goes out from the moved database;
- a second move into the now filled database is refused, changing nothing;
- as root, the files beside the SQLite file stay the workers' user's, so
  that nginx could go back to the file.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import identify  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

HTTP_CONF = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Shop <survey@shop.example>";
  callexa_smtp off;
  callexa_mail_dir %s;
  callexa_scheduler_interval 300ms;
"""
SERVER_CONF = "    location /s/ { callexa_survey; }"
PEOPLE = ("ada@example.com", "bob@example.com", "cy@example.com")


class MoveToPostgresqlTest(unittest.TestCase):
    def setUp(self):
        self.pg = harness.postgres_database()
        self.addCleanup(self.pg.cleanup)
        self.mail_dir = tempfile.mkdtemp(prefix="callexa-move-mail-")
        os.chmod(self.mail_dir, 0o777)  # written by the workers' user
        self.addCleanup(shutil.rmtree, self.mail_dir, True)
        self.nginx = harness.CallexaNginx(http_extra=HTTP_CONF % self.mail_dir,
                                          server_extra=SERVER_CONF)
        self.addCleanup(self.stop_and_check)
        self.public_url = "http://127.0.0.1:%d" % self.nginx.port

    def stop_and_check(self):
        try:
            self.nginx.stop()
            self.assertEqual(self.nginx.serious_log_lines(), [])
            self.assertNotIn(self.pg.password, self.nginx.read_error_log())
        finally:
            self.nginx.cleanup()

    def move(self, sqlite_file):
        """`./build.sh move-to-postgresql` (it builds build/callexa-move when
        needed); the finished process."""
        return subprocess.run(
            ["bash", os.path.join(ROOT, "build.sh"), "move-to-postgresql", sqlite_file,
             self.pg.conninfo],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)

    def admin_json(self, path):
        r = self.nginx.admin("GET", path)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def snapshot(self, survey_id):
        """What the admin sees of the installation."""
        return {
            "surveys": self.admin_json("surveys"),
            "customers": self.nginx.all_customers(survey_id),
            "responses": self.admin_json("surveys/%d/responses" % survey_id),
        }

    def test_emailed_links_and_data_survive_the_move(self):
        self.nginx.start()
        survey = self.nginx.create_survey(name="Before the move", automation=True,
                                          min_delay_days=0, max_delay_days=0)
        for address in PEOPLE:
            r = self.nginx.segment(survey["api_key"], identify(
                address, traits={"firstName": address.split("@")[0].title()}))
            self.assertEqual(r.status, 200, r.body)
        links = {a: harness.score_link(self.mail_dir, a, self.public_url, 9) for a in PEOPLE}
        harness.answer_on_page(self.nginx, links["bob@example.com"], 6, "before the move")
        before = self.snapshot(survey["id"])
        self.assertEqual(len(before["customers"]), 3)
        self.nginx.stop()
        sqlite_file = self.nginx.database
        owner = os.stat(sqlite_file).st_uid

        run = self.move(sqlite_file)
        output = run.stdout + run.stderr
        self.assertEqual(run.returncode, 0, output)
        self.assertRegex(run.stdout, r"\n  surveys +1\n")
        self.assertRegex(run.stdout, r"\n  customers +3\n")
        self.assertRegex(run.stdout, r"\n  invitations +3\n")
        self.assertRegex(run.stdout, r"\n  answers +1\n")
        self.assertNotIn(self.pg.password, output)
        # Going back stays possible: whatever the move made beside the file
        # is the owner's (the workers' user), not root's.
        for suffix in (".lock", "-wal", "-shm"):
            side = sqlite_file + suffix
            if os.path.exists(side):
                self.assertEqual(os.stat(side).st_uid, owner, side)

        self.nginx.database = self.pg.conninfo
        self.nginx.write_conf()
        self.nginx.start()
        self.assertEqual(self.snapshot(survey["id"]), before)
        self.assertEqual(self.pg.query("SELECT count(*) FROM customers"), [(3,)])

        # The link emailed to Ada before the move: same token secret, same
        # invitation id, so the moved database knows it.
        page = links["ada@example.com"]
        r = self.nginx.http("GET", page + "?score=9")
        self.assertEqual(r.status, 200, r.body)
        harness.answer_on_page(self.nginx, page, 10, "after the move")
        responses = self.admin_json("surveys/%d/responses" % survey["id"])
        self.assertIn("after the move", str(responses))
        self.assertEqual(
            self.pg.query("SELECT score, comment FROM answers ORDER BY score"),
            [(6, "before the move"), (10, "after the move")])

        # New rows follow the copied ids; the scheduler on PostgreSQL mails.
        max_customer = max(c["id"] for c in before["customers"])
        r = self.nginx.segment(survey["api_key"], identify("dee@example.com"))
        self.assertEqual(r.status, 200, r.body)
        page = harness.score_link(self.mail_dir, "dee@example.com", self.public_url, 7)
        self.assertEqual(self.nginx.http("GET", page + "?score=7").status, 200)
        dee = self.nginx.customers(survey["id"], "dee@example.com")
        self.assertEqual(dee[0]["id"], max_customer + 1)
        self.assertEqual(self.pg.query("SELECT max(id) FROM invitations"), [(4,)])

        # A second move finds the database in use and leaves it alone.
        again = self.move(sqlite_file)
        self.assertEqual(again.returncode, 1, again.stdout + again.stderr)
        self.assertIn("not empty", again.stderr)
        self.assertEqual(self.pg.query("SELECT count(*) FROM customers"), [(4,)])


if __name__ == "__main__":
    unittest.main()
