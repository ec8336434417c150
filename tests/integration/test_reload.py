"""`nginx -s reload` and `nginx -s quit` under load: a worker leaves only
once it has answered every request it accepted, and every 200 is stored."""

import os
import signal
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import identify  # noqa: E402

THREADS = 20
LOAD_SECONDS = 4.0


class ReloadTest(harness.NginxTestCase):
    def test_reload_twice_under_load(self):
        survey = self.nginx.create_survey(name="reload", automation=True, min_delay_days=1,
                                          max_delay_days=0)
        first_workers = set(self.nginx.worker_pids())
        stop = threading.Event()
        lock = threading.Lock()
        ok_emails = set()
        failures = []
        counter = iter(range(10 ** 9))

        def client():
            while not stop.is_set():
                with lock:
                    i = next(counter)
                email = "reload%d@example.com" % i
                try:
                    r = self.nginx.segment(survey["api_key"],
                                           identify(email, messageId="reload-%d" % i),
                                           timeout=10)
                except Exception as e:  # noqa: BLE001 - any failure is a finding
                    with lock:
                        failures.append((email, "exception", repr(e)))
                    continue
                with lock:
                    if r.status == 200:
                        ok_emails.add(email)
                    else:
                        failures.append((email, r.status, r.body))

        threads = [threading.Thread(target=client, daemon=True) for _ in range(THREADS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        try:
            time.sleep(LOAD_SECONDS / 4)
            self.nginx.reload()
            time.sleep(LOAD_SECONDS / 4)
            self.nginx.reload()
            time.sleep(max(0.0, started + LOAD_SECONDS - time.monotonic()))
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=20)
        self.assertFalse(any(t.is_alive() for t in threads), "clients still running")

        self.assertEqual(failures[:10], [])
        self.assertGreater(len(ok_emails), 100, "too little load to mean anything")
        rows = self.nginx.db_query("SELECT email FROM customers WHERE survey_id = ?",
                                   (survey["id"],))
        stored = {r[0] for r in rows}
        self.assertEqual(len(rows), len(stored))
        self.assertEqual(stored, ok_emails)
        customers = self.nginx.all_customers(survey["id"])
        self.assertEqual({c["email"] for c in customers}, ok_emails)
        self.assertEqual({c["state"] for c in customers}, {"scheduled"})
        self.assertEqual({len(c["invitations"]) for c in customers}, {1})

        # Two generations of new workers started, and the first ones left.
        workers = self.nginx.worker_pids()
        self.assertEqual(len(workers), 3 * self.nginx.workers, workers)
        log = self.nginx.read_error_log()
        deadline = time.monotonic() + 10
        while not all("worker process %d exited" % p in log for p in first_workers):
            self.assertLess(time.monotonic(), deadline, "old workers did not exit:\n" + log)
            time.sleep(0.1)
            log = self.nginx.read_error_log()
        for p in first_workers:
            self.assertIn("worker process %d exited with code 0" % p, log)
        # The new workers answer.
        self.assertSuccess(self.nginx.segment(survey["api_key"],
                                              identify("after-reload@example.com")))


class QuitUnderLoadTest(harness.NginxTestCase):
    def test_graceful_stop_answers_accepted_requests(self):
        survey = self.nginx.create_survey(name="quit", automation=True)
        stop = threading.Event()
        lock = threading.Lock()
        ok_emails = set()
        counter = iter(range(10 ** 9))

        def client():
            while not stop.is_set():
                with lock:
                    i = next(counter)
                email = "quit%d@example.com" % i
                try:
                    r = self.nginx.segment(survey["api_key"], identify(email), timeout=10)
                except OSError:
                    # Refused or reset once the listener closes: nginx's part.
                    continue
                if r.status == 200:
                    with lock:
                        ok_emails.add(email)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(THREADS)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            os.kill(self.nginx.proc.pid, signal.SIGQUIT)
            self.nginx.proc.wait(timeout=20)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=20)
        self.assertFalse(any(t.is_alive() for t in threads), "clients still running")
        self.assertGreater(len(ok_emails), 50, "too little load to mean anything")
        log = self.nginx.read_error_log()
        # A worker that leaves with requests still waiting on the thread pool
        # logs "open socket #N left in connection" and "aborting".
        self.assertNotIn("left in connection", log)
        self.assertNotIn("aborting", log)
        rows = self.nginx.db_query("SELECT email FROM customers WHERE survey_id = ?",
                                   (survey["id"],))
        self.assertTrue(ok_emails <= {r[0] for r in rows})


if __name__ == "__main__":
    unittest.main()
