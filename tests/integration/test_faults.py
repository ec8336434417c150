"""Faults of the database's storage, survived (issue 11): the database on a
small tmpfs that fills up, a database locked by another process, and the
database made read-only. Each time Segment gets a 503 with a JSON
message, the error log says why, nothing half-written stays, and ingestion
recovers by itself once the fault is gone, without a restart.

Needs root (mount); skipped otherwise."""

import os
import sqlite3
import subprocess
import tempfile
import time
import unittest

import harness


def can_mount():
    return harness.running_as_root()


@unittest.skipUnless(can_mount(), "needs root to mount a tmpfs")
class StorageFaultsTest(harness.NginxTestCase):
    # Workers started while the database is read-only say so at [crit].
    allowed_log_patterns = (r"\[crit\].*callexa: cannot open .*callexa\.db\.lock.*Permission denied",)
    @classmethod
    def setUpClass(cls):
        cls.mount_point = tempfile.mkdtemp(prefix="callexa-tmpfs-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0777", "tmpfs",
                        cls.mount_point], check=True, timeout=30)
        cls.database = os.path.join(cls.mount_point, "callexa.db")
        try:
            super().setUpClass()
        except BaseException:
            cls._unmount()
            raise
        cls.addClassCleanup(cls._unmount)
        cls.survey = cls.nginx.create_survey(automation=False, min_delay_days=3)

    @classmethod
    def _unmount(cls):
        subprocess.run(["umount", "-l", cls.mount_point], timeout=30)
        os.rmdir(cls.mount_point)

    def identify(self, email):
        return self.nginx.segment(self.survey["api_key"], harness.identify(email))

    def stored(self, email):
        return self.nginx.db_query("SELECT count(*) FROM customers WHERE email = ?",
                                   (email,))[0][0]

    def error_lines_since(self, start, *needles):
        log = self.nginx.read_error_log()[start:]
        return [line for line in log.splitlines()
                if "[error]" in line and all(n in line for n in needles)]

    def test_disk_full_then_freed(self):
        self.assertEqual(self.identify("before-full@example.com").status, 200)
        filler = os.path.join(self.mount_point, "filler")
        print(subprocess.run(["df", "-h", self.mount_point], capture_output=True,
                             text=True).stdout)
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        try:
            log_start = len(self.nginx.read_error_log())
            refused = []
            # Pages the database already has may take a few rows; then it is full.
            for i in range(200):
                r = self.identify("full%d@example.com" % i)
                if r.status != 200:
                    refused.append((i, r))
                    if len(refused) >= 3:
                        break
            self.assertTrue(refused, "the full disk was never noticed")
            for i, r in refused:
                self.assertJsonError(r, 503)
                self.assertNotIn("/", r.body["message"])  # no internal path
            lines = self.error_lines_since(log_start, "answered 503", "full")
            self.assertTrue(lines, self.nginx.read_error_log()[log_start:])
        finally:
            os.remove(filler)
        # A refused identify left nothing behind; after freeing space the
        # same identify goes through, without a restart.
        first_refused = "full%d@example.com" % refused[0][0]
        self.assertEqual(self.stored(first_refused), 0)
        self.assertEqual(self.identify(first_refused).status, 200)
        self.assertEqual(self.stored(first_refused), 1)
        self.assertEqual(self.stored("before-full@example.com"), 1)

    def test_database_locked_by_another_process(self):
        blocker = sqlite3.connect(self.database, timeout=1, isolation_level=None)
        try:
            blocker.execute("BEGIN EXCLUSIVE")
            log_start = len(self.nginx.read_error_log())
            started = time.monotonic()
            r = self.identify("locked@example.com")
            waited = time.monotonic() - started
            self.assertJsonError(r, 503)
            self.assertLess(waited, 30)
            lines = self.error_lines_since(log_start, "answered 503", "locked")
            self.assertTrue(lines, self.nginx.read_error_log()[log_start:])
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        self.assertEqual(self.stored("locked@example.com"), 0)
        self.assertEqual(self.identify("locked@example.com").status, 200)
        self.assertEqual(self.stored("locked@example.com"), 1)
        print("a locked database answered 503 after %.1f s" % waited)

    def test_database_made_read_only_then_writable(self):
        """The folder and the files made read-only, then a reload: the new
        workers cannot open the database (the old ones' open files still
        could write) and answer 503 with the cause in the log; once the
        permissions are back they open it by themselves, within seconds."""
        self.assertEqual(self.identify("before-ro@example.com").status, 200)
        paths = [self.mount_point] + [os.path.join(self.mount_point, n)
                                      for n in os.listdir(self.mount_point)]
        modes = {p: os.stat(p).st_mode & 0o7777 for p in paths}
        try:
            for p in paths:
                os.chmod(p, 0o555 if os.path.isdir(p) else 0o444)
            log_start = len(self.nginx.read_error_log())
            self.nginx.reload()
            # The old workers finish what they hold; then only new ones answer.
            harness.wait_until(lambda: "[crit]" in self.nginx.read_error_log()[log_start:],
                               what="the new workers' open failure")
            time.sleep(1.0)
            r = self.identify("readonly@example.com")
            self.assertJsonError(r, 503)
            self.assertNotIn("/", r.body["message"])
            lines = self.error_lines_since(log_start, "answered 503", "Permission denied")
            self.assertTrue(lines, self.nginx.read_error_log()[log_start:])
        finally:
            for p, mode in modes.items():
                os.chmod(p, mode)
        # No reload, no restart: the workers try again every 5 s (and no
        # request is lost: Segment retries the 503s).
        deadline = time.monotonic() + 20
        while True:
            r = self.identify("readonly@example.com")
            if r.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(r.status, 200, r.body)
        self.assertRegex(self.nginx.read_error_log()[log_start:],
                         r"\[notice\] .*callexa: the database opened after \d+ attempts")
        self.assertEqual(self.stored("readonly@example.com"), 1)
        self.assertEqual(self.stored("before-ro@example.com"), 1)


if __name__ == "__main__":
    unittest.main()
