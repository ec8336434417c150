"""Many concurrent identifies through both workers: every 2xx is stored, once."""

import collections
import json
import os
import queue
import socket
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import basic_auth, identify  # noqa: E402

REQUESTS = 3000
THREADS = 60
DEADLINE_S = 50


class ConcurrencyTest(harness.NginxTestCase):
    def test_concurrent_identifies_are_all_stored_once(self):
        survey = self.nginx.create_survey(name="load", automation=True, min_delay_days=3,
                                          max_delay_days=14)
        log_start = len(self.nginx.read_access_log())
        work = queue.Queue()
        for i in range(REQUESTS):
            work.put(i)
        statuses = collections.Counter()
        failures = []
        lock = threading.Lock()
        deadline = time.monotonic() + DEADLINE_S

        def client():
            while time.monotonic() < deadline:
                try:
                    i = work.get_nowait()
                except queue.Empty:
                    return
                msg = identify("load%d@example.com" % i, messageId="load-%d" % i,
                               userId="user-%d" % i,
                               traits={"createdAt": int(time.time()) - 3600})
                try:
                    # The query marks this test's lines in the access log:
                    # another test's keep-alive connections may still be
                    # logged after log_start.
                    r = self.nginx.segment(survey["api_key"], msg, path="/segment?run=load")
                    with lock:
                        statuses[r.status] += 1
                        if r.status != 200:
                            failures.append((i, r.status, r.body))
                except Exception as e:  # noqa: BLE001 - any failure is a finding
                    with lock:
                        failures.append((i, "exception", repr(e)))

        finished = harness.run_in_threads(lambda _: client(), THREADS,
                                          max(1, deadline - time.monotonic()) + 10)
        self.assertTrue(finished, "clients still running")
        self.assertTrue(work.empty(), "not every request was sent before the deadline")
        self.assertEqual(failures[:10], [])
        self.assertEqual(statuses, {200: REQUESTS})

        sid = survey["id"]
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM customers WHERE survey_id = ?", (sid,)), [(REQUESTS,)])
        self.assertEqual(self.nginx.db_query(
            "SELECT count(DISTINCT email) FROM customers WHERE survey_id = ?", (sid,)),
            [(REQUESTS,)])
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM seen_messages WHERE survey_id = ?", (sid,)), [(REQUESTS,)])
        # Each has one scheduled invitation, as the admin API shows it.
        customers = self.nginx.all_customers(sid)
        self.assertEqual(len(customers), REQUESTS)
        self.assertEqual({c["state"] for c in customers}, {"scheduled"})
        self.assertEqual({len(c["invitations"]) for c in customers}, {1})

        # Both workers served identifies. nginx logs a request when it closes
        # the connection, which may come a moment after the client has read
        # the answer: wait for the last lines.
        log_deadline = time.monotonic() + 10
        while True:
            pids = collections.Counter()
            for line in self.nginx.read_access_log()[log_start:].splitlines():
                fields = line.split()
                if len(fields) >= 3 and fields[2] == "/segment?run=load" and fields[1] == "200":
                    pids[fields[0]] += 1
            if sum(pids.values()) >= REQUESTS or time.monotonic() > log_deadline:
                break
            time.sleep(0.1)
        self.assertEqual(sum(pids.values()), REQUESTS)
        self.assertEqual(len(pids), 2, "requests per worker pid: %s" % dict(pids))

    def test_concurrent_duplicates_are_stored_once(self):
        # The same 50 messages sent by 10 threads at once (Segment retries).
        survey = self.nginx.create_survey(name="dups", automation=True, min_delay_days=3,
                                          max_delay_days=0)
        failures = []
        lock = threading.Lock()

        def client(n):
            for i in range(50):
                msg = identify("dup%d@example.com" % i, messageId="dup-%d" % i,
                               traits={"firstName": "thread%d" % n})
                try:
                    # The query marks this test's lines in the access log:
                    # another test's keep-alive connections may still be
                    # logged after log_start.
                    r = self.nginx.segment(survey["api_key"], msg, path="/segment?run=load")
                    if r.status != 200:
                        with lock:
                            failures.append((i, r.status, r.body))
                except Exception as e:  # noqa: BLE001
                    with lock:
                        failures.append((i, "exception", repr(e)))

        self.assertTrue(harness.run_in_threads(client, 10, 40))
        self.assertEqual(failures, [])
        sid = survey["id"]
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM customers WHERE survey_id = ?", (sid,)), [(50,)])
        customers = self.nginx.all_customers(sid)
        self.assertEqual(len(customers), 50)
        self.assertEqual({c["state"] for c in customers}, {"scheduled"})
        self.assertEqual({len(c["invitations"]) for c in customers}, {1})
        # Each customer kept the traits of exactly one delivery, never a later one.
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM customers WHERE survey_id = ? AND first_name LIKE 'thread%'",
            (sid,)), [(50,)])

    def test_clients_that_hang_up_do_not_hurt_the_workers(self):
        # 400 clients send an identify and close without reading the answer,
        # which the worker then writes to a closed connection.
        survey = self.nginx.create_survey(name="hang up", automation=True)
        auth = basic_auth(survey["api_key"]).encode()
        errors = []

        def client(n):
            for i in range(20):
                body = json.dumps(identify("gone%d-%d@example.com" % (n, i))).encode()
                try:
                    with socket.create_connection(("127.0.0.1", self.nginx.port),
                                                  timeout=10) as sock:
                        sock.sendall(b"POST /segment HTTP/1.1\r\nHost: test\r\n"
                                     b"Authorization: %s\r\nContent-Type: application/json\r\n"
                                     b"Content-Length: %d\r\n\r\n%s" % (auth, len(body), body))
                except OSError as e:
                    errors.append(repr(e))

        self.assertTrue(harness.run_in_threads(client, 20, 30))
        self.assertEqual(errors, [])
        # Both workers still answer, and a later identify is stored.
        for i in range(20):
            self.assertSuccess(self.nginx.segment(survey["api_key"],
                                                  identify("after%d@example.com" % i)))
        self.assertEqual(len(self.nginx.customers(survey["id"], "after19@example.com")), 1)
        self.assertNotIn("exited on signal", self.nginx.read_error_log())


if __name__ == "__main__":
    unittest.main()
