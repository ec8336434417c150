"""Sync-back to Segment through nginx: worker 0's sync job against
tests/integration/fake_segment.py (which checks what Segment's API checks
and misbehaves on demand), the admin routes of a survey's sync, and
/metrics.

Most answers are written straight into the module's database as the survey
pages leave them (a customer, an answered invitation, an answer numbered
from settings 'answer_seq'), which is fast for 20,000; one test answers on
the survey page itself. POST api/surveys/{id}/sync then starts the run
without waiting for the survey's daily schedule.
"""

import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from fake_segment import FakeSegment  # noqa: E402

ANSWERED_AT = 1795860000  # 2026-11-28T08:00:00Z
DAY = 86400


def insert_answers(database, survey_id, answers):
    """Writes answers in one transaction; returns their messageIds.

    Each answer is a dict: score, and optionally comment (str, or bytes for
    invalid UTF-8), answered_at, user_id, anonymous_id, and customer (the id
    of an existing customer, who answers again). A new customer's id is in
    answer["customer"] afterwards.
    """
    def write(conn):
        row = conn.execute("SELECT value FROM settings WHERE name = 'answer_seq'").fetchone()
        seq = int(row[0]) if row else 0
        ids = []
        for a in answers:
            at = a.get("answered_at", ANSWERED_AT)
            if "customer" not in a:
                cur = conn.execute(
                    "INSERT INTO customers (survey_id, email, user_id, anonymous_id, "
                    "first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (survey_id, "c%d.%d@example.com" % (survey_id, seq + 1),
                     a.get("user_id", ""), a.get("anonymous_id", ""), at, at))
                a["customer"] = cur.lastrowid
            cur = conn.execute(
                "INSERT INTO invitations (survey_id, customer_id, status, due_at, "
                "created_at, updated_at, answered_at) VALUES (?, ?, 'answered', ?, ?, ?, ?)",
                (survey_id, a["customer"], at, at, at, at))
            invitation = cur.lastrowid
            seq += 1
            comment = a.get("comment", "")
            conn.execute(
                "INSERT INTO answers (invitation_id, survey_id, customer_id, score, comment, "
                "created_at, answered_at, change_seq) VALUES (?, ?, ?, ?, CAST(? AS TEXT), "
                "?, ?, ?)",
                (invitation, survey_id, a["customer"], a["score"], comment, at, at, seq))
            ids.append("callexa-%d-%d-%d" % (survey_id, invitation, seq))
        conn.execute("INSERT INTO settings (name, value) VALUES ('answer_seq', ?) "
                     "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (str(seq),))
        return ids

    return harness.SqliteState(database).transaction(write)


def many_answers(count, prefix):
    return [{"user_id": "%s-%d" % (prefix, i), "score": i % 11,
             "comment": "" if i % 3 == 0 else "answer %d, th\u00e9nks" % i,
             "answered_at": ANSWERED_AT + i} for i in range(count)]


class SyncTestCase(harness.NginxTestCase):
    """nginx whose sync-back goes to a FakeSegment knowing `write_keys`."""

    write_keys = ()
    extra_server = ""

    @classmethod
    def extra_http(cls):
        return ""

    @classmethod
    def setUpClass(cls):
        cls.fake = FakeSegment(cls.write_keys).start()
        cls.addClassCleanup(cls.fake.stop)  # after nginx has stopped
        cls.http_extra = ("callexa_segment_api %s;\ncallexa_sync_interval 24h;\n"
                          % cls.fake.url) + cls.extra_http()
        cls.server_extra = "location = /metrics { callexa_metrics; }\n" + cls.extra_server
        super().setUpClass()

    def new_survey(self, key):
        return self.nginx.create_survey(name="sync " + key, segment_write_key=key)["id"]

    def insert(self, survey_id, answers):
        return insert_answers(self.nginx.database, survey_id, answers)

    def run_now(self, survey_id):
        r = self.nginx.admin("POST", "surveys/%d/sync" % survey_id)
        self.assertEqual(r.status, 202, r.body)

    def status(self, survey_id):
        r = self.nginx.admin("GET", "surveys/%d/sync" % survey_id)
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def received(self, survey_id):
        """messageId -> copies the fake accepted, for one survey."""
        prefix = "callexa-%d-" % survey_id
        return {k: v for k, v in self.fake.by_message_id().items() if k.startswith(prefix)}

    def requests(self, key):
        """(status, message count) of each batch request with write key `key`."""
        return [(r[0], r[2]) for r in self.fake.snapshot()[1] if r[1] == key]

    def wait_synced(self, survey_id, ids, timeout=30.0, nudge=False):
        """Waits until every one of `ids` arrived and nothing is pending;
        with nudge, asks for a run now and then, skipping retry backoffs."""
        last_nudge = [time.monotonic()]

        def done():
            if nudge and time.monotonic() - last_nudge[0] > 2:
                self.run_now(survey_id)
                last_nudge[0] = time.monotonic()
            got = self.received(survey_id)
            if not set(ids) <= set(got):
                return None
            st = self.status(survey_id)
            return st if st["pending"] == 0 and not st["running"] else None

        return harness.wait_until(done, timeout=timeout, interval=0.2,
                                  what="survey %d synced" % survey_id)

    def assertExactlyOnce(self, survey_id, ids):
        got = self.received(survey_id)
        self.assertEqual(set(got), set(ids))
        again = {k: len(v) for k, v in got.items() if len(v) != 1}
        self.assertEqual(again, {}, "messageIds that arrived more than once")

    def log_lines(self, pattern):
        return [line for line in self.nginx.read_error_log().splitlines()
                if re.search(pattern, line)]


class SyncTest(SyncTestCase):
    write_keys = ("wk_once", "wk_429", "wk_500", "wk_400", "wk_ok", "wk_fixed", "wk_m")

    def test_answers_sync_once_with_traits_and_identity(self):
        survey = self.new_survey("wk_once")
        long_comment = "\u00e9" * 20000  # 40,000 bytes: over 32 KB per message
        answers = [
            {"user_id": "u-1", "score": 9, "comment": "Fast support \U0001F44D \"quoted\"\n"},
            {"anonymous_id": "anon-2", "score": 0, "answered_at": ANSWERED_AT + 60},
            {"user_id": "u-3", "anonymous_id": "anon-3", "score": 7,
             "comment": b"bad \xff\xfe bytes"},
            {"user_id": "u-4", "score": 10, "comment": long_comment},
            {"score": 5},  # no userId or anonymousId: Segment would refuse it
            {"user_id": "u-6", "score": 3, "comment": "first answer"},
        ]
        ids = self.insert(survey, answers)
        # u-6 answers again: only the latest answer goes.
        ids += self.insert(survey, [{"customer": answers[5]["customer"], "score": 8,
                                     "comment": "second answer",
                                     "answered_at": ANSWERED_AT + 120}])
        expected = [ids[0], ids[1], ids[2], ids[3], ids[6]]
        self.run_now(survey)
        st = self.wait_synced(survey, expected)
        self.assertExactlyOnce(survey, expected)

        by_id = {k: v[0] for k, v in self.received(survey).items()}
        m = by_id[ids[0]]
        self.assertEqual(m["type"], "identify")
        self.assertEqual(m["userId"], "u-1")
        self.assertNotIn("anonymousId", m)
        self.assertEqual(m["traits"], {"NPS_rating": 9,
                                       "NPS_comment": "Fast support \U0001F44D \"quoted\"\n",
                                       "NPS_date": harness.iso(ANSWERED_AT)})
        self.assertEqual(m["timestamp"], harness.iso(ANSWERED_AT))
        self.assertEqual(m["context"]["library"]["name"], "ngx_http_callexa_module")
        m = by_id[ids[1]]
        self.assertEqual(m["anonymousId"], "anon-2")
        self.assertNotIn("userId", m)
        self.assertEqual(m["traits"]["NPS_comment"], "")
        self.assertIs(type(m["traits"]["NPS_rating"]), int)
        self.assertEqual(m["traits"]["NPS_date"], harness.iso(ANSWERED_AT + 60))
        self.assertEqual(by_id[ids[2]]["userId"], "u-3")
        self.assertEqual(by_id[ids[2]]["traits"]["NPS_comment"], "bad \ufffd\ufffd bytes")
        cut = by_id[ids[3]]["traits"]["NPS_comment"]
        self.assertTrue(cut.endswith("\u2026") and cut.startswith("\u00e9" * 1000), cut[-5:])
        self.assertLess(len(cut), len(long_comment))
        self.assertEqual(by_id[ids[6]]["traits"]["NPS_comment"], "second answer")

        # Basic auth with this survey's key (the fake refuses other keys),
        # JSON, and a User-Agent naming the module.
        self.assertEqual(self.requests("wk_once"), [(200, 5)])
        self.assertIn("application/json", self.fake.content_types)
        self.assertTrue(any(ua.startswith("ngx_http_callexa_module/")
                            for ua in self.fake.user_agents), self.fake.user_agents)

        self.assertEqual((st["messages_sent"], st["messages_skipped"], st["requests_made"]),
                         (5, 1, 1))
        self.assertEqual(st["last_error"], "")
        self.assertIsNotNone(st["last_success_at"])
        next_run = harness.parse_iso(st["next_run_at"])
        self.assertAlmostEqual(next_run, time.time() + DAY, delta=120)
        self.assertTrue(self.log_lines(
            r"\[info\].*callexa: sync survey %d: 5 messages sent, 0 left, 1 skipped" % survey))

        # Nothing is sent twice; a later answer goes on its own.
        self.run_now(survey)
        harness.wait_until(lambda: not self.status(survey)["run_requested"],
                           what="second run")
        more = self.insert(survey, [{"user_id": "u-7", "score": 6}])
        self.run_now(survey)
        st = self.wait_synced(survey, expected + more)
        self.assertExactlyOnce(survey, expected + more)
        self.assertEqual(self.requests("wk_once"), [(200, 5), (200, 1)])

    def test_429_waits_for_retry_after(self):
        survey = self.new_survey("wk_429")
        ids = self.insert(survey, many_answers(3, "r"))
        self.fake.fail_next(1, status=429, retry_after=1, key="wk_429")
        self.run_now(survey)
        self.wait_synced(survey, ids, timeout=20)  # no nudge: Retry-After suffices
        self.assertExactlyOnce(survey, ids)
        self.assertEqual(self.requests("wk_429"), [(429, 0), (200, 3)])
        self.assertTrue(self.log_lines(
            r"\[warn\].*sync survey %d: HTTP 429 from Segment.*retrying in 1 s" % survey))
        self.assertEqual(self.status(survey)["last_error"], "")

    def test_500_and_hang_then_recovery(self):
        survey = self.new_survey("wk_500")
        ids = self.insert(survey, many_answers(3000, "h"))  # two batches
        self.fake.fail_next(1, status=500, key="wk_500")
        self.fake.fail_next(1, hang=45, key="wk_500")  # longer than the 30 s timeout
        self.run_now(survey)
        st = harness.wait_until(lambda: (lambda s: s if s["failures"] == 1 else None)(
            self.status(survey)), what="the 500 recorded")
        self.assertIn("HTTP 500 from Segment", st["last_error"])
        self.assertIn("injected 500", st["last_error"])
        self.assertGreater(harness.parse_iso(st["next_run_at"]), time.time() + 5)  # backoff
        line = self.log_lines(r"\[warn\].*sync survey %d: HTTP 500" % survey)[0]
        self.assertTrue(15 <= int(re.search(r"retrying in (\d+) s", line).group(1)) <= 30,
                        line)
        # Skip the backoff; the next request hangs until curl's timeout.
        self.wait_synced(survey, ids, timeout=90, nudge=True)
        self.assertExactlyOnce(survey, ids)
        self.assertTrue(self.log_lines(r"\[warn\].*sync survey %d: .*[Tt]imeout" % survey))
        # The hanging request is logged once the fake stops hanging; the
        # batches are cut by size (500 KB), not only by count.
        reqs = [r for r in self.requests("wk_500") if r[0] != "hang"]
        self.assertEqual(reqs[0], (500, 0))
        self.assertEqual({r[0] for r in reqs[1:]}, {200})
        self.assertEqual(sum(r[1] for r in reqs[1:]), 3000)
        st = self.status(survey)
        self.assertEqual((st["messages_sent"], st["failures"], st["last_error"]), (3000, 0, ""))

    def test_rejections_are_shown_and_other_surveys_still_sync(self):
        unknown = self.new_survey("wk_unknown")  # the fake answers 401
        bad = self.new_survey("wk_400")
        ok = self.new_survey("wk_ok")
        unknown_ids = self.insert(unknown, many_answers(2, "x"))
        bad_ids = self.insert(bad, many_answers(2, "b"))
        ok_ids = self.insert(ok, many_answers(4, "o"))
        self.fake.fail_next(1, status=400, key="wk_400")
        for s in (unknown, bad, ok):
            self.run_now(s)
        self.wait_synced(ok, ok_ids)
        self.assertExactlyOnce(ok, ok_ids)

        def rejected(survey):
            st = self.status(survey)
            return st if st["last_error"] and not st["running"] else None

        st = harness.wait_until(lambda: rejected(unknown), what="401 recorded")
        self.assertIn("HTTP 401 from Segment", st["last_error"])
        self.assertIn("invalid write key", st["last_error"])  # Segment's message
        self.assertEqual((st["messages_sent"], st["pending"]), (0, 2))
        # The run ends; the next is the scheduled one, a day later.
        self.assertGreater(harness.parse_iso(st["next_run_at"]), time.time() + DAY - 120)
        st = harness.wait_until(lambda: rejected(bad), what="400 recorded")
        self.assertIn("HTTP 400 from Segment", st["last_error"])
        self.assertIn("injected 400", st["last_error"])
        self.assertTrue(self.log_lines(
            r"\[error\].*sync survey %d: rejected.*HTTP 401" % unknown))
        self.assertEqual(self.received(unknown), {})
        self.assertEqual(self.received(bad), {})

        # Once fixed (the right key; Segment accepting again) they go on.
        r = self.nginx.admin("PATCH", "surveys/%d" % unknown,
                             {"segment_write_key": "wk_fixed"})
        self.assertEqual(r.status, 200, r.body)
        self.run_now(unknown)
        self.run_now(bad)
        self.assertEqual(self.wait_synced(unknown, unknown_ids)["last_error"], "")
        self.wait_synced(bad, bad_ids)
        self.assertExactlyOnce(unknown, unknown_ids)
        self.assertExactlyOnce(bad, bad_ids)

    def test_metrics(self):
        survey = self.new_survey("wk_m")
        ids = self.insert(survey, many_answers(3, "m") + [{"score": 4}])
        self.run_now(survey)
        self.wait_synced(survey, ids[:3])
        r = self.http("GET", "/metrics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["content-type"], "text/plain; version=0.0.4")
        text = r.body.decode()
        for family, kind in (("callexa_invitations", "gauge"), ("callexa_answers", "gauge"),
                             ("callexa_suppressions", "gauge"),
                             ("callexa_sync_messages_sent_total", "counter"),
                             ("callexa_sync_requests_total", "counter"),
                             ("callexa_sync_pending", "gauge"),
                             ("callexa_sync_last_success_timestamp_seconds", "gauge")):
            self.assertIn("# TYPE %s %s\n" % (family, kind), text)
            self.assertIn("# HELP %s " % family, text)
        samples = dict(re.findall(r"^(\w+\{[^}]*\}) (\S+)$", text, re.M))
        label = '{survey="%d"}' % survey
        self.assertEqual(samples["callexa_answers" + label], "4")
        self.assertEqual(samples["callexa_sync_messages_sent_total" + label], "3")
        self.assertEqual(samples["callexa_sync_requests_total" + label], "1")
        self.assertEqual(samples["callexa_sync_pending" + label], "0")
        self.assertAlmostEqual(
            float(samples["callexa_sync_last_success_timestamp_seconds" + label]),
            time.time(), delta=60)
        self.assertEqual(
            samples['callexa_invitations{survey="%d",status="answered"}' % survey], "4")

        head = self.http("HEAD", "/metrics")
        self.assertEqual((head.status, head.body), (200, b""))
        post = self.http("POST", "/metrics")
        self.assertEqual(post.status, 405)
        self.assertEqual(post.headers.get("allow"), "GET, HEAD")


class SyncRealAnswerTest(SyncTestCase):
    """End to end: an identify with a userId, the survey email (an .eml in
    callexa_mail_dir), the customer's answer on the survey page, and the
    sync-back of that answer; a changed answer goes again."""

    write_keys = ("wk_real",)
    PUBLIC_URL = "https://nps.test/"

    @classmethod
    def setUpClass(cls):
        cls.mail_dir = tempfile.mkdtemp(prefix="callexa-mail-")
        os.chmod(cls.mail_dir, 0o777)  # written by the workers' user
        cls.addClassCleanup(shutil.rmtree, cls.mail_dir, True)
        super().setUpClass()

    @classmethod
    def extra_http(cls):
        return ('callexa_public_url %s;\ncallexa_mail_from "Shop <survey@shop.example>";\n'
                "callexa_smtp off;\ncallexa_mail_dir %s;\ncallexa_scheduler_interval 1s;\n"
                % (cls.PUBLIC_URL, cls.mail_dir))

    extra_server = "location /s/ { callexa_survey; }"

    def score_link(self, address, score):
        return harness.score_link(self.mail_dir, address, self.PUBLIC_URL, score)

    def answer(self, page, score, comment):
        harness.answer_on_page(self.nginx, page, score, comment)

    def test_answer_on_the_page_is_synced(self):
        created = self.nginx.create_survey(name="real", automation=True, min_delay_days=0,
                                           segment_write_key="wk_real")
        survey = created["id"]
        r = self.nginx.segment(created["api_key"],
                               harness.identify("ada@example.com", userId="ada-1"))
        self.assertEqual(r.status, 200, r.body)
        page = self.score_link("ada@example.com", 9)
        self.answer(page, 9, "Quick and kind")
        self.run_now(survey)
        self.wait_synced(survey, [])
        [(first_id, [m])] = self.received(survey).items()
        self.assertEqual(m["userId"], "ada-1")
        self.assertEqual(m["traits"]["NPS_rating"], 9)
        self.assertEqual(m["traits"]["NPS_comment"], "Quick and kind")

        self.answer(page, 4, "Changed my mind")  # the last answer wins
        self.run_now(survey)
        harness.wait_until(lambda: len(self.received(survey)) == 2, what="the new answer")
        [m] = [v[0] for k, v in self.received(survey).items() if k != first_id]
        self.assertEqual((m["traits"]["NPS_rating"], m["traits"]["NPS_comment"]),
                         (4, "Changed my mind"))
        self.assertExactlyOnce(survey, list(self.received(survey)))


class SyncReloadTest(SyncTestCase):
    """A reload in the middle of a long sync: the old worker gives its batch
    up at once, the new one goes on; nothing is lost and at most the batch in
    flight arrives twice, with the same messageIds."""

    write_keys = ("wk_long",)
    ANSWERS = 20000

    def test_reload_during_long_sync(self):
        survey = self.new_survey("wk_long")
        ids = self.insert(survey, many_answers(self.ANSWERS, "l"))
        self.fake.delay = 0.7  # each batch: 0.7 s at Segment
        self.run_now(survey)
        harness.wait_until(lambda: self.fake.snapshot()[0], what="the first batch")
        old_workers = self.nginx.worker_pids()
        self.nginx.reload()

        def gone(pid):
            try:
                os.kill(pid, 0)
                return False
            except ProcessLookupError:
                return True

        # The old worker 0 aborts its transfer instead of finishing it.
        harness.wait_until(lambda: all(gone(p) for p in old_workers), timeout=10,
                           what="old workers exiting")
        st = self.wait_synced(survey, ids, timeout=120)
        self.fake.delay = 0.0

        got = self.received(survey)
        self.assertEqual(len(got), self.ANSWERS)
        repeated = {k: v for k, v in got.items() if len(v) > 1}
        self.assertLessEqual(sum(len(v) - 1 for v in repeated.values()), 2500,
                             "more than the batch in flight arrived twice")
        for copies in repeated.values():
            self.assertTrue(all(c == copies[0] for c in copies[1:]))
        self.assertEqual(st["messages_sent"], self.ANSWERS)
        # Progress at info level, batch by batch, from both workers.
        progress = self.log_lines(r"\[info\].*sync survey %d: \d+ messages sent, \d+ left"
                                  % survey)
        self.assertGreaterEqual(len({line.split()[3].split("#")[0] for line in progress}), 2)


class SyncQuitTest(SyncTestCase):
    """nginx -s quit while Segment hangs: the worker leaves within seconds,
    and the next start sends the batch."""

    write_keys = ("wk_quit",)

    def test_quit_does_not_wait_for_a_hanging_segment(self):
        survey = self.new_survey("wk_quit")
        ids = self.insert(survey, many_answers(10, "q"))
        self.fake.fail_next(1, hang=60, key="wk_quit")
        self.run_now(survey)
        harness.wait_until(lambda: not self.fake.faults, what="the hanging request")
        started = time.monotonic()
        self.nginx.stop(timeout=10)
        self.assertLess(time.monotonic() - started, 5)
        self.assertTrue(self.log_lines(r"sync survey %d: interrupted" % survey))

        self.nginx.start()
        st = self.wait_synced(survey, ids)
        self.assertExactlyOnce(survey, ids)
        self.assertEqual((st["messages_sent"], st["requests_made"]), (10, 1))


class SyncAdminTest(harness.NginxTestCase):
    # No survey here has answers, so nothing goes to this (absent) API.
    http_extra = "callexa_segment_api http://127.0.0.1:9/v1;"

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
        # Worker 0 picks the request up within its 5 s poll.
        harness.wait_until(lambda: not self.nginx.admin(
            "GET", "surveys/%d/sync" % survey["id"]).body["run_requested"],
            timeout=10, what="the requested run")
        st = self.nginx.admin("GET", "surveys/%d/sync" % survey["id"]).body
        self.assertIsNotNone(st["last_run_finished_at"])
        self.assertEqual((st["requests_made"], st["last_error"]), (0, ""))

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
