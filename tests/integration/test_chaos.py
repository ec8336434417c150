"""Everything at once (issue 11): identifies pour in, worker 0 sends survey
emails to aiosmtpd and syncs answers to the fake Segment, while nginx is
reloaded three times and worker 0 is killed with SIGKILL in the middle of a
sync batch. Afterwards: every identify answered 200 is stored once, every
due email arrived once (but the one the killed worker was writing), every
answer reached Segment, and only the batches in flight at a reload or the
kill went twice, identical (Segment drops such copies by messageId, which
is stable per answer)."""

import os
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_sync import SyncTestCase, many_answers  # noqa: E402

SMTP = harness.SmtpSink()


def setUpModule():
    SMTP.start()


def tearDownModule():
    SMTP.cleanup()


class ChaosTest(SyncTestCase):
    write_keys = ("wk_chaos",)
    ANSWERS = 4000
    allowed_log_patterns = (r"worker process \d+ exited on signal 9",)

    @classmethod
    def extra_http(cls):
        return """
  callexa_public_url http://127.0.0.1:{port}/;
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
""" % SMTP.port

    def test_reloads_and_a_killed_worker_lose_and_repeat_nothing(self):
        mailing = self.nginx.create_survey(name="chaos mail", automation=True,
                                           min_delay_days=0, max_delay_days=0)
        syncing = self.new_survey("wk_chaos")
        ids = self.insert(syncing, many_answers(self.ANSWERS, "x"))

        acknowledged = []
        stop = threading.Event()

        def ingest(worker):
            n = 0
            while not stop.is_set():
                address = "chaos%d-%d@example.com" % (worker, n)
                try:
                    r = self.nginx.segment(mailing["api_key"], harness.identify(address))
                    if r.status == 200:
                        acknowledged.append(address)
                except OSError:
                    pass  # a connection cut by a reload: Segment would retry it
                n += 1
                time.sleep(0.02)

        threads = [threading.Thread(target=ingest, args=(w,)) for w in range(3)]
        for t in threads:
            t.start()
        try:
            self.fake.delay = 0.5  # batches take a while: the kill lands in one
            self.run_now(syncing)
            harness.wait_until(lambda: self.fake.snapshot()[0], what="the first batch")
            self.nginx.reload()
            time.sleep(1.0)
            self.run_now(syncing)
            harness.wait_until(lambda: len(self.fake.snapshot()[0]) >= 2, timeout=30,
                               what="a batch from the new worker 0")
            victim = self.nginx.jobs_worker()
            os.kill(victim, signal.SIGKILL)
            time.sleep(1.0)
            self.nginx.reload()
            time.sleep(1.0)
            self.nginx.reload()
            time.sleep(1.0)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.fake.delay = 0.0
        # The killed worker's sync lease would hand its batch on after 120 s;
        # here it runs out at once, as the invitations' leases do below.
        harness.db_execute(self.nginx.database,
                           "UPDATE job_leases SET expires_at = 0 WHERE owner LIKE ?",
                           ("%%:%d:%%" % victim,))
        self.wait_synced(syncing, ids, timeout=180, nudge=True)

        # Every acknowledged identify is stored, once.
        rows = self.nginx.db_query("SELECT email, count(*) FROM customers WHERE survey_id = ? "
                                   "GROUP BY email", (mailing["id"],))
        stored = dict(rows)
        self.assertEqual([a for a in acknowledged if a not in stored], [])
        self.assertEqual({e: n for e, n in stored.items() if n != 1}, {})

        # Every due email arrives, once; but the batch the killed worker had
        # claimed waits for its lease (10 minutes) to run out, and one email
        # it was writing to the server may arrive twice (the documented
        # case). Here the lease is made to run out at once.
        in_flight = {row[0] for row in self.nginx.db_query(
            "SELECT c.email FROM invitations i JOIN customers c ON c.id = i.customer_id "
            "WHERE i.survey_id = ? AND i.status = 'sending'", (mailing["id"],))}
        harness.db_execute(self.nginx.database,
                           "UPDATE invitations SET next_attempt_at = 0 WHERE status = 'sending'")

        def all_sent():
            got = [r for m in SMTP.messages() for r in m.envelope["rcpt_tos"]]
            return got if set(stored) <= set(got) else None

        try:
            got = harness.wait_until(all_sent, timeout=60, interval=0.5,
                                     what="every survey email")
        except AssertionError:
            raise AssertionError("emails missing; invitations by status: %s, leases: %s" % (
                self.nginx.db_query("SELECT status, count(*), min(next_attempt_at), "
                                    "group_concat(DISTINCT lease_owner) FROM invitations "
                                    "WHERE survey_id = ? GROUP BY status", (mailing["id"],)),
                int(time.time())))
        twice = {a: got.count(a) for a in set(got) if got.count(a) > 1}
        self.assertEqual({a: n for a, n in twice.items() if a not in in_flight or n > 2}, {})

        # Every answer reached Segment; repeats only from the killed batch.
        received = self.received(syncing)
        self.assertEqual(set(received), set(ids))
        # A reload aborts the batch in flight and a kill loses its answer:
        # that batch (at most 2,500 messages) goes again, with the same
        # messageIds and content.
        interruptions = 4  # three reloads and the kill
        repeats = sum(len(v) - 1 for v in received.values())
        self.assertLessEqual(repeats, interruptions * 2500)
        for copies in received.values():
            self.assertTrue(all(c == copies[0] for c in copies[1:]))
        print("chaos: %d identifies, %d emails (%d claimed by the killed worker, %d of them "
              "twice), %d answers synced (%d repeated from interrupted batches), worker %d "
              "killed" % (len(acknowledged), len(got), len(in_flight), len(twice), len(ids),
                          repeats, victim))


if __name__ == "__main__":
    import unittest

    unittest.main()
