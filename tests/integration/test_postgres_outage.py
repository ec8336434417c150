"""A PostgreSQL outage and restart under load, on a PRIVATE throwaway cluster
(tests/support/pg_cluster.sh start/stop-server/start-server/stop in a state
folder of this test's own): the shared cluster of CTest's fixture postgres,
which other tests use at the same time, is never stopped.

One nginx (two workers) per test, on a fresh schema of the private cluster
(harness.postgres_database(uri_file): a passfile copy the workers' user
reads, mode 0600), emails written as .eml files, a FakeSegment for the
sync-back.

test_1, PostgreSQL stopped (pg_ctl stop -m fast) and started again while
four clients send identifies, each with messageIds of its own:
  - before the stop every identify is answered 200; while the server is
    down 503 with a JSON {"message": ...}, and no other 5xx; no request
    hangs (each has the harness's 15 s client timeout); once it is back,
    200 again within 30 s without a reload, and from then on only 200;
  - every messageId answered 200 is stored (seen_messages, customers);
    the 503'd ones, sent again, are answered 200 and stored once: in the
    end one row per messageId and per address, none lost, none twice;
  - the scheduler and the sync-back resume by themselves: a customer
    identified after the restart gets the survey email, and the answer
    given on its page reaches Segment;
  - the error log names the 503s' cause at [error], at most once per
    worker and cause (the module logs a cause once a minute), has no
    [alert] or [emerg], and no log of nginx holds the cluster's password.

test_2, nginx started while PostgreSQL is down, on a schema it has never
migrated: identifies are answered 503; once the server is started they are
served without a reload, the first use migrating the schema, and the
scheduler started while the server was down sends the survey email.
"""

import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from fake_segment import FakeSegment  # noqa: E402
from harness import identify  # noqa: E402

PG_CLUSTER = os.path.join(harness.SUPPORT_DIR, "pg_cluster.sh")
WRITE_KEY = "wk_outage"
HTTP_CONF = """
  callexa_public_url http://127.0.0.1:{port}/;
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp off;
  callexa_mail_dir {prefix}/data/mail;
  callexa_scheduler_interval 300ms;
  callexa_segment_api %(segment)s;
  callexa_sync_interval 1s;
"""
SERVER_CONF = """
    location /s/ { callexa_survey; }
    location = /metrics { callexa_metrics; }
"""
CLIENTS = 4
# How long the server stays down under load, at least, and how many 503s
# the clients must have seen meanwhile.
OUTAGE_SECONDS = 3.0
OUTAGE_503S = 20
RECOVERY_TIMEOUT = 30.0


class PrivateCluster:
    """A PostgreSQL 15 cluster of this test's own, through pg_cluster.sh."""

    def __init__(self):
        self.state = tempfile.mkdtemp(prefix="callexa-pg-outage-")
        self.uri_file = os.path.join(self.state, "uri")

    def _run(self, command, timeout=90):
        started = time.monotonic()
        proc = subprocess.run(["bash", PG_CLUSTER, command, self.state],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError("pg_cluster.sh %s failed (%d):\n%s%s" % (
                command, proc.returncode, proc.stdout.decode(errors="replace"),
                proc.stderr.decode(errors="replace")))
        return time.monotonic() - started

    def start(self):
        return self._run("start")

    def stop_server(self):
        """pg_ctl stop -m fast; returns once the server has exited."""
        return self._run("stop-server")

    def start_server(self):
        """pg_ctl start on the same port; returns once it accepts connections."""
        return self._run("start-server")

    def destroy(self):
        try:
            self._run("stop")
        finally:
            shutil.rmtree(self.state, ignore_errors=True)


class Load:
    """CLIENTS threads sending identifies, one at a time each, every one with
    a messageId and an address of its own, until stop(). Each answer is
    recorded: (started, ended, messageId, status or None, body or the
    exception, Content-Type), times from time.monotonic()."""

    def __init__(self, nginx, api_key, tag):
        self.nginx = nginx
        self.api_key = api_key
        self.tag = tag
        self.records = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []

    def start(self):
        for c in range(CLIENTS):
            t = threading.Thread(target=self._client, args=(c,), daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def _client(self, c):
        n = 0
        while not self.stopping.is_set():
            mid = "%s-%d-%d" % (self.tag, c, n)
            n += 1
            started = time.monotonic()
            try:
                r = self.nginx.segment(self.api_key, identify(
                    address(mid), userId="u-" + mid, messageId=mid))
                rec = (started, time.monotonic(), mid, r.status, r.body,
                       r.headers.get("content-type", ""))
            except Exception as e:  # a timeout, a reset: recorded, never retried
                rec = (started, time.monotonic(), mid, None, repr(e), "")
            with self.lock:
                self.records.append(rec)
            if rec[3] != 200:
                # Segment backs off; a 503 answered at once must not turn
                # the clients into a busy loop on two cores.
                time.sleep(0.02)

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=harness.REQUEST_TIMEOUT + 5)
        return not any(t.is_alive() for t in self.threads)

    def snapshot(self):
        with self.lock:
            return list(self.records)

    def count(self, status, since=0.0):
        return sum(1 for r in self.snapshot() if r[3] == status and r[0] >= since)


def address(mid):
    return "%s@example.com" % mid


class PostgresOutageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        harness.module_path()  # skips outside CTest before a cluster starts
        cls.cluster = PrivateCluster()
        cls.addClassCleanup(cls.cluster.destroy)
        print("private cluster started in %.1f s" % cls.cluster.start(), file=sys.stderr)
        cls.fake = FakeSegment([WRITE_KEY]).start()
        cls.addClassCleanup(cls.fake.stop)

    def setUp(self):
        # Each test leaves the server running; a failed one may not have.
        if subprocess.run(["/usr/bin/psql", "-X", "-q", "-d", self.cluster_uri(), "-c",
                           "SELECT 1"], capture_output=True, timeout=30).returncode != 0:
            self.cluster.start_server()

    @classmethod
    def cluster_uri(cls):
        with open(cls.cluster.uri_file) as f:
            return f.read().strip()

    def new_nginx(self):
        """A fresh schema on the private cluster and an nginx (two workers)
        on it, not yet started; stopped and removed after the test."""
        db = harness.postgres_database(self.cluster.uri_file)
        # The cluster goes with the class: only the passfile copy to remove.
        self.addCleanup(shutil.rmtree, db.directory, True)
        n = harness.CallexaNginx(http_extra=HTTP_CONF % {"segment": self.fake.url},
                                 server_extra=SERVER_CONF, database=db.conninfo, workers=2)
        self.addCleanup(n.cleanup)
        return db, n

    # -- checks ----------------------------------------------------------------

    def assertJson503(self, status, body, content_type, what):
        self.assertEqual(status, 503, what)
        self.assertTrue(content_type.startswith("application/json"), (what, content_type))
        self.assertIsInstance(body, dict, what)
        self.assertIsInstance(body.get("message"), str, (what, body))

    def check_logs(self, n, password):
        """Part 4: the 503s' cause at [error], once per worker and cause;
        no [alert] or [emerg]; the password in no log. The 503 lines."""
        log = n.read_error_log()
        lines = log.splitlines()
        self.assertEqual([l for l in lines if "[alert]" in l or "[emerg]" in l], [],
                         "[alert]/[emerg] in the error log")
        answered = [l for l in lines if "callexa: answered 5" in l]
        self.assertTrue(answered, "no 'callexa: answered 503' line:\n" + log[-5000:])
        self.assertEqual([l for l in answered if "answered 503" not in l], [],
                         "a 5xx other than 503 was logged")
        self.assertEqual([l for l in answered if "[error]" not in l], [],
                         "a 503's cause logged at another level than [error]")
        self.assertEqual([l for l in answered if "postgresql" not in l], [],
                         "a 503 logged without its PostgreSQL cause")
        # The module holds back a cause it logged in the last minute; this
        # test lasts less than one.
        per_cause = collections.Counter()
        for l in answered:
            m = re.search(r"\[error\] (\d+)#\d+: (?:\*\d+ )?callexa: answered 503: (.*?)"
                          r"(?:, client: .*)?$", l)
            self.assertIsNotNone(m, l)
            per_cause[(m.group(1), m.group(2))] += 1
        self.assertEqual({k: c for k, c in per_cause.items() if c > 1}, {},
                         "a cause logged more than once a minute by one worker")
        for path in (n.error_log, n.stderr_path, n.access_log):
            if os.path.exists(path):
                with open(path, "rb") as f:
                    self.assertNotIn(password.encode(), f.read(),
                                     "the PostgreSQL password is in " + path)
        return answered

    # -- the tests -------------------------------------------------------------

    def test_1_outage_and_restart_under_load(self):
        db, n = self.new_nginx()
        n.start()
        load_survey = n.create_survey(name="load", automation=False)
        after_survey = n.create_survey(name="after", automation=True, min_delay_days=0,
                                       max_delay_days=0, segment_write_key=WRITE_KEY)
        key = load_survey["api_key"]
        test_started = time.monotonic()

        load = Load(n, key, "load").start()
        try:
            harness.wait_until(lambda: load.count(200) >= 40, timeout=30,
                               what=lambda: "40 identifies answered 200 before the outage "
                                            "(%s)" % collections.Counter(
                                                r[3] for r in load.snapshot()))
            stopping = time.monotonic()
            took = self.cluster.stop_server()
            stopped = time.monotonic()
            harness.wait_until(
                lambda: (time.monotonic() - stopped >= OUTAGE_SECONDS
                         and load.count(503, since=stopped) >= OUTAGE_503S),
                timeout=30, interval=0.05,
                what=lambda: "%d 503s while PostgreSQL is down (%d so far)"
                             % (OUTAGE_503S, load.count(503, since=stopped)))
            restarting = time.monotonic()
            self.cluster.start_server()
            restarted = time.monotonic()
            harness.wait_until(lambda: load.count(200, since=restarted) > 0,
                               timeout=RECOVERY_TIMEOUT, interval=0.05,
                               what="an identify answered 200 after PostgreSQL restarted")
            recovered = min(r[1] for r in load.snapshot() if r[3] == 200 and r[0] >= restarted)
            harness.wait_until(lambda: load.count(200, since=recovered + 1.0) >= 40,
                               timeout=30,
                               what="40 identifies answered 200 after the recovery")
        finally:
            self.assertTrue(load.stop(), "a client thread is still waiting for an answer")
        records = load.snapshot()
        print("outage: pg_ctl stop took %.2f s; %d requests (%s); first 200 %.2f s after "
              "pg_ctl start returned; longest answer %.2f s"
              % (took, len(records), dict(collections.Counter(r[3] for r in records)),
                 recovered - restarted, max(r[1] - r[0] for r in records)), file=sys.stderr)

        # -- 1. the answers ------------------------------------------------------
        self.assertEqual([(r[2], r[4]) for r in records if r[3] is None], [],
                         "requests without an answer within the client's timeout")
        self.assertEqual([(r[2], r[3], r[4]) for r in records if r[3] not in (200, 503)], [],
                         "answers other than 200 and 503")
        for r in records:
            if r[3] == 503:
                self.assertJson503(r[3], r[4], r[5], r[2])
            else:
                self.assertEqual(r[4], {"success": True}, r[2])
        self.assertEqual([(r[2], r[3]) for r in records if r[1] < stopping and r[3] != 200],
                         [], "identifies refused before PostgreSQL was stopped")
        self.assertEqual([r[2] for r in records
                          if r[0] > stopped and r[1] < restarting and r[3] == 200], [],
                         "identifies answered 200 while PostgreSQL was down")
        self.assertEqual([r[2] for r in records if r[0] > recovered + 1.0 and r[3] != 200],
                         [], "503s more than a second after the first 200 of the recovery")
        down = [r for r in records if r[0] > stopped and r[1] < restarting]
        self.assertGreaterEqual(len(down), OUTAGE_503S)
        # /metrics counts the connections the outage cost.
        metrics = n.http("GET", "/metrics").body.decode()
        errors = sum(int(m) for m in re.findall(
            r'^callexa_database_connection_errors_total\{kind="(?:connect|lost)"\} (\d+)$',
            metrics, re.M))
        self.assertGreater(errors, 0, metrics)

        # -- 2. nothing lost, nothing twice ---------------------------------------
        ok = {r[2] for r in records if r[3] == 200}
        refused = [r[2] for r in records if r[3] == 503]

        def seen():
            return {m for (m,) in db.query(
                "SELECT message_id FROM seen_messages WHERE survey_id = ?",
                (load_survey["id"],))}

        stored = seen()
        self.assertEqual(sorted(ok - stored), [], "messageIds answered 200 but not stored")
        emails = collections.Counter(e for (e,) in db.query(
            "SELECT email FROM customers WHERE survey_id = ?", (load_survey["id"],)))
        self.assertEqual(sorted(address(m) for m in ok if emails[address(m)] != 1), [],
                         "addresses answered 200 without exactly one customer row")
        already = sum(1 for m in refused if m in stored)

        failures = []

        def resend(c):
            for mid in refused[c::CLIENTS]:
                try:
                    r = n.segment(key, identify(address(mid), userId="u-" + mid,
                                                messageId=mid))
                    if r.status != 200:
                        failures.append((mid, r.status, r.body))
                except Exception as e:
                    failures.append((mid, None, repr(e)))

        started = time.monotonic()
        self.assertTrue(harness.run_in_threads(resend, CLIENTS, timeout=120))
        self.assertEqual(failures, [], "503'd identifies sent again and not answered 200")
        print("resent %d 503'd identifies in %.1f s (%d of them had been stored already)"
              % (len(refused), time.monotonic() - started, already), file=sys.stderr)
        everyone = ok | set(refused)
        stored_rows = db.query(
            "SELECT count(*) AS all_rows, count(DISTINCT message_id) AS distinct_ids "
            "FROM seen_messages "
            "WHERE survey_id = ?", (load_survey["id"],))[0]
        self.assertEqual(tuple(stored_rows), (len(everyone), len(everyone)))
        self.assertEqual(seen(), everyone)
        emails = collections.Counter(e for (e,) in db.query(
            "SELECT email FROM customers WHERE survey_id = ?", (load_survey["id"],)))
        self.assertEqual(set(emails), {address(m) for m in everyone})
        self.assertEqual({e: c for e, c in emails.items() if c != 1}, {},
                         "addresses stored more than once")

        # -- 3. the scheduler and the sync-back resume by themselves -------------
        person = "after-outage@example.com"
        r = n.segment(after_survey["api_key"], identify(person, userId="u-after-outage",
                                                        messageId="after-outage-1"))
        self.assertEqual(r.status, 200, r.body)
        mail_dir = os.path.join(n.data_dir, "mail")
        page = harness.score_link(mail_dir, person, "http://127.0.0.1:%d/" % n.port, 9)
        harness.answer_on_page(n, page, 9, "Still here after the outage.")
        synced = harness.wait_until(
            lambda: [m for m in self.fake.snapshot()[0] if m.get("userId") == "u-after-outage"],
            timeout=30, what="the answer synced to Segment")
        self.assertEqual(synced[0]["traits"]["NPS_rating"], 9, synced)
        print("after the restart: email, answer and sync-back within %.1f s"
              % (time.monotonic() - recovered), file=sys.stderr)

        # -- 4. the error log ----------------------------------------------------
        n.stop()
        answered = self.check_logs(n, db.password)
        # The jobs did meet the outage (and said so), and went on after it.
        log = n.read_error_log()
        for job in ("scheduler", "sync"):
            self.assertRegex(log, r"\[error\] .*callexa: %s: postgresql: " % job,
                             "the %s job never met the outage" % job)
        # ... once a minute per cause: the test is shorter than a minute.
        causes = [re.sub(r"^.*?\[error\] \d+#\d+: ", "", line)
                  for line in log.splitlines()
                  if re.search(r"\[error\] .*callexa: (scheduler|sync|reports|retention): ",
                               line)]
        repeated = [c for c in set(causes) if causes.count(c) > 1]
        self.assertEqual(repeated, [], "job errors repeated within a minute")
        print("error log: %d 'answered 503' lines for %d 503s; %d [error] lines in all, "
              "%d [crit]; test took %.1f s"
              % (len(answered), len(refused),
                 sum(1 for l in n.read_error_log().splitlines() if "[error]" in l),
                 sum(1 for l in n.read_error_log().splitlines() if "[crit]" in l),
                 time.monotonic() - test_started), file=sys.stderr)

    def test_2_nginx_started_while_postgresql_is_down(self):
        db, n = self.new_nginx()
        self.cluster.stop_server()
        n.start()
        for i in range(6):
            r = n.segment("no-survey-yet", identify("cold%d@example.com" % i))
            self.assertJson503(r.status, r.body, r.headers.get("content-type", ""),
                               "identify %d while PostgreSQL is down" % i)

        started = time.monotonic()
        self.cluster.start_server()
        # The first identify after the restart migrates the schema: the key
        # is then found unknown (401), no more 503.
        harness.wait_until(
            lambda: n.segment("no-survey-yet", identify("cold@example.com")).status != 503,
            timeout=RECOVERY_TIMEOUT, interval=0.1,
            what="an identify answered other than 503 after PostgreSQL started")
        print("cold start: served %.2f s after pg_ctl start" % (time.monotonic() - started),
              file=sys.stderr)
        r = n.segment("no-survey-yet", identify("cold@example.com"))
        self.assertEqual(r.status, 401, r.body)
        tables = {t for (t,) in db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
            (db.schema,))}
        self.assertTrue({"surveys", "customers", "seen_messages"} <= tables, tables)

        survey = n.create_survey(name="cold", automation=True, min_delay_days=0,
                                 max_delay_days=0)
        # Several, so that both workers serve some (each migrates on its own
        # first use, or finds the schema current).
        for i in range(10):
            r = n.segment(survey["api_key"], identify("cold%d@example.com" % i,
                                                      messageId="cold-%d" % i))
            self.assertEqual(r.status, 200, (i, r.body))
        self.assertEqual(db.query("SELECT count(*) FROM customers WHERE survey_id = ?",
                                  (survey["id"],))[0][0], 10)
        harness.survey_email(os.path.join(n.data_dir, "mail"), "cold9@example.com")
        pids = {int(p) for p in re.findall(r"^(\d+) 200 /segment ", n.read_access_log(), re.M)}
        print("cold start: 200s from workers %s" % sorted(pids), file=sys.stderr)
        n.stop()
        answered = self.check_logs(n, db.password)
        self.assertTrue(any("connect" in l for l in answered), answered)


if __name__ == "__main__":
    unittest.main()
