"""A backup taken while nginx ingests (the README's `sqlite3 ... ".backup ..."`
command, SQLite's online backup) opens, passes PRAGMA integrity_check, and
holds every customer whose identify was answered 2xx before it started and
every answer given before it started."""

import os
import sqlite3
import subprocess
import tempfile
import threading
import time

import harness

MAIL_DIR = tempfile.mkdtemp(prefix="callexa-backup-mail-")
os.chmod(MAIL_DIR, 0o777)


class BackupTest(harness.NginxTestCase):
    http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Shop <survey@shop.example>";
  callexa_smtp off;
  callexa_mail_dir %s;
  callexa_scheduler_interval 1s;
""" % MAIL_DIR
    server_extra = "    location /s/ { callexa_survey; }"

    def test_backup_under_load_is_complete_and_consistent(self):
        survey = self.nginx.create_survey(automation=True, min_delay_days=0,
                                          max_delay_days=0)
        key = survey["api_key"]
        for i in range(5):
            address = "answered%d@example.com" % i
            self.assertEqual(self.nginx.segment(key, harness.identify(address)).status, 200)
            page = harness.score_link(MAIL_DIR, address, "http://127.0.0.1:%d" % self.nginx.port,
                                      9)
            harness.answer_on_page(self.nginx, page, 9, "Answer %d" % i)

        acknowledged = []  # identifies answered 200, in order
        stop = threading.Event()

        def ingest(worker):
            n = 0
            while not stop.is_set():
                address = "load%d-%d@example.com" % (worker, n)
                if self.nginx.segment(key, harness.identify(address)).status == 200:
                    acknowledged.append(address)
                n += 1

        threads = [threading.Thread(target=ingest, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            before = list(acknowledged)
            backup = os.path.join(self.nginx.prefix, "backup.db")
            started = time.monotonic()
            run = subprocess.run(["sqlite3", self.nginx.database, ".backup '%s'" % backup],
                                 capture_output=True, text=True, timeout=120)
            took = time.monotonic() - started
            time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertGreater(len(before), 50, "too little load to mean anything")
        self.assertGreater(len(acknowledged), len(before), "ingestion stopped during the backup")

        db = sqlite3.connect(backup)
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            stored = {row[0] for row in db.execute("SELECT email FROM customers")}
            missing = [a for a in before if a not in stored]
            self.assertEqual(missing, [])
            answers = db.execute("SELECT count(*) FROM answers WHERE comment LIKE 'Answer %'")
            self.assertEqual(answers.fetchone()[0], 5)
        finally:
            db.close()
        print("backup of %d customers under load took %.2f s" % (len(stored), took))


if __name__ == "__main__":
    import unittest

    unittest.main()
