"""Two hosts on one PostgreSQL database: two nginx (two workers each, their
own prefixes and ports) whose callexa_database is the same schema on the
test cluster (CTest's fixture postgres; harness.postgres_database()), one
real SMTP server (Debian's aiosmtpd, harness.SmtpSink) and the fake Segment
(fake_segment.py) per test class.

Each host's callexa_public_url is its own address, so the links and the
List-Unsubscribe header of an email name the host whose scheduler sent it.

- identifies sent alternately to both hosts: every customer gets exactly
  one email, both schedulers sending, and none more after both ran again;
- an answer given on the other host's survey page is in the first host's
  admin API and reaches Segment once;
- a messageId seen by one host is a duplicate for the other, also when
  both receive it at the same moment;
- kill -9 of a whole host while it holds leased invitations: the other
  sends everything else at once, and the leased ones once their lease
  runs out (made to run out here: it is 10 minutes), each once but for
  the one message that may have been on the wire;
- nginx -s reload of one host mid-run: nothing lost, nothing twice;
- both hosts' worker 0 run the reports job: each survey's report of the
  last completed week goes to each of its two recipients once, from one
  host, and its run is recorded once (sent), also when both hosts poll
  while the other is sending.

Every class also checks that the cluster's password is in no log of nginx.
"""

import collections
import json
import os
import re
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from fake_segment import FakeSegment  # noqa: E402
from harness import identify  # noqa: E402

HTTP_CONF = """
  callexa_public_url http://127.0.0.1:{port}/;
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_smtp smtp://127.0.0.1:%(smtp)d;
  callexa_smtp_starttls off;
  callexa_scheduler_interval 300ms;
  callexa_segment_api %(segment)s;
  callexa_sync_interval 24h;
  client_body_buffer_size 512k;
"""
SERVER_CONF = """
    location /s/ { callexa_survey; }
    location = /metrics { callexa_metrics; }
"""
WRITE_KEY = "wk_fleet"
DAY = 86400


def last_monday(now):
    """Monday 00:00 UTC of the week holding `now` (1970-01-01 was a Thursday)."""
    day = now // DAY
    return (day - (day + 3) % 7) * DAY


class Mailbox:
    """What the class's SMTP sink received, read incrementally: per message
    (recipient, port of the host that sent it, Message-ID)."""

    def __init__(self, sink):
        self.sink = sink
        self.seen = []

    def read(self):
        names = os.listdir(self.sink.directory)
        count = sum(1 for n in names if n.endswith(".eml"))
        # Numbered from 1 and renamed into place in order (one server thread).
        while len(self.seen) < count:
            number = len(self.seen) + 1
            with open(os.path.join(self.sink.directory, "%d.eml" % number), "rb") as f:
                head = f.read().split(b"\r\n\r\n", 1)[0].decode(errors="replace")
            head = re.sub(r"\r\n[ \t]+", " ", head)  # unfold
            to = re.search(r"^To: .*?<?([^<>\s]+@[^<>\s]+)>?\s*$", head, re.M | re.I)
            port = re.search(r"^List-Unsubscribe: <http://127\.0\.0\.1:(\d+)/s/u/", head,
                             re.M | re.I)
            mid = re.search(r"^Message-ID: (<[^>]+>)", head, re.M | re.I)
            if not (to and port and mid):
                raise AssertionError("message %d lacks To, List-Unsubscribe or "
                                     "Message-ID:\n%s" % (number, head))
            self.seen.append((to.group(1).lower(), int(port.group(1)), mid.group(1)))
        return self.seen

    def count_by_recipient(self, prefix=""):
        return collections.Counter(r for r, _, _ in self.read() if r.startswith(prefix))

    def recipients(self, prefix=""):
        return set(self.count_by_recipient(prefix))

    def senders(self, addresses):
        """port -> how many of the emails to `addresses` that host sent."""
        addresses = set(addresses)
        return collections.Counter(p for r, p, _ in self.read() if r in addresses)

    def sent_by(self, port):
        return sum(1 for _, p, _ in self.read() if p == port)


def metric(host, name, labels=""):
    """A sample of host's /metrics (0 when absent)."""
    r = host.http("GET", "/metrics")
    if r.status != 200:
        raise AssertionError("/metrics on port %d: %d %r" % (host.port, r.status, r.body))
    m = re.search(r"^%s%s (\d+)$" % (re.escape(name), re.escape(labels)),
                  r.body.decode(), re.M)
    return int(m.group(1)) if m else 0


def emails_sent(host):
    return metric(host, "callexa_emails_total", '{outcome="sent"}')


class FleetTestCase(unittest.TestCase):
    """Hosts `a` and `b` on one fresh PostgreSQL schema, with an SMTP sink
    and a FakeSegment of the class's own."""

    allowed_log_patterns = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = harness.postgres_database()
        cls.addClassCleanup(cls.db.cleanup)
        cls.smtp = harness.SmtpSink()
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.cleanup)
        cls.mailbox = Mailbox(cls.smtp)
        cls.fake = FakeSegment([WRITE_KEY]).start()
        cls.addClassCleanup(cls.fake.stop)
        conf = HTTP_CONF % {"smtp": cls.smtp.port, "segment": cls.fake.url}
        cls.hosts = []
        for _ in range(2):
            n = harness.CallexaNginx(http_extra=conf, server_extra=SERVER_CONF,
                                     database=cls.db.conninfo, workers=2,
                                     allowed_log_patterns=cls.allowed_log_patterns)
            cls.addClassCleanup(cls._stop_and_check, n, cls.db.password)
            cls.hosts.append(n)
        cls.a, cls.b = cls.hosts
        # Together: both create the schema at once, under the writers' lock.
        for n in cls.hosts:
            n.start()

    @staticmethod
    def _stop_and_check(n, password):
        try:
            n.stop()
            problems = []
            serious = n.serious_log_lines() + [
                line for line in n.read_error_log().splitlines()
                if "[error]" in line and "callexa" in line]
            if serious:
                problems.append("error.log of port %d has unexpected [error]/[alert]/"
                                "[crit]/[emerg] lines:\n%s" % (n.port, "\n".join(serious)))
            for path in (n.error_log, n.stderr_path, n.access_log):
                try:
                    with open(path, "rb") as f:
                        if password.encode() in f.read():
                            problems.append("the PostgreSQL password is in " + path)
                except FileNotFoundError:
                    pass
            if problems:
                raise AssertionError("\n".join(problems))
        finally:
            n.cleanup()

    # -- helpers -------------------------------------------------------------

    def new_survey(self, host, **settings):
        fields = dict(automation=True, min_delay_days=0, max_delay_days=0)
        fields.update(settings)
        return host.create_survey(**fields)

    def send_identifies(self, survey, emails, tag, clients=4):
        """One identify per address, alternately to a and b, from `clients`
        threads; every one answered 200."""
        failures = []

        def client(c):
            for i in range(c, len(emails), clients):
                host = self.hosts[i % 2]
                r = host.segment(survey["api_key"], identify(
                    emails[i], userId="u-" + emails[i], messageId="%s-%d" % (tag, i)))
                if r.status != 200:
                    failures.append((host.port, emails[i], r.status, r.body))

        self.assertTrue(harness.run_in_threads(client, clients, timeout=120))
        self.assertEqual(failures, [])

    def post_batches(self, survey, emails, tag, size=100):
        """/v1/batch of `size` identifies, alternately to a and b."""
        for n, i in enumerate(range(0, len(emails), size)):
            batch = [identify(e, userId="u-" + e, messageId="%s-%d" % (tag, i + j))
                     for j, e in enumerate(emails[i:i + size])]
            r = self.hosts[n % 2].tracking(survey["api_key"], "batch", {"batch": batch})
            self.assertEqual(r.status, 200, r.body)

    def wait_arrived(self, emails, timeout=90.0, interval=0.1):
        want = set(emails)
        harness.wait_until(lambda: want <= self.mailbox.recipients(), timeout=timeout,
                           interval=interval,
                           what=lambda: "%d emails (%d arrived)" % (
                               len(want), len(want & self.mailbox.recipients())))

    def invitation_states(self, survey):
        return dict(self.db.query(
            "SELECT status, count(*) FROM invitations WHERE survey_id = ? GROUP BY status",
            (survey["id"],)))

    def wait_quiet(self, survey, hosts):
        """Until nothing of `survey` is left to claim (no scheduled customer,
        no queued, retry or sending invitation) and every step of `hosts`
        that sent an email has finished: each host's sent counter equals the
        emails the sink has from it. No email can follow then."""
        def quiet():
            states = self.invitation_states(survey)
            scheduled = self.db.query(
                "SELECT count(*) FROM customers WHERE survey_id = ? "
                "AND pending_due_at IS NOT NULL", (survey["id"],))[0][0]
            if scheduled or any(states.get(s) for s in ("queued", "retry", "sending")):
                return None
            return all(emails_sent(h) == self.mailbox.sent_by(h.port) for h in hosts)

        harness.wait_until(quiet, timeout=60, interval=0.2, what=lambda: (
            "survey %d to settle: invitations %s; sent counters %s, emails per port %s"
            % (survey["id"], self.invitation_states(survey),
               {h.port: emails_sent(h) for h in hosts},
               dict(collections.Counter(p for _, p, _ in self.mailbox.read())))))

    def assertOncePerRecipient(self, emails, allowed_twice=()):
        counts = self.mailbox.count_by_recipient()
        missing = [e for e in emails if counts[e] == 0]
        twice = {e: counts[e] for e in emails if counts[e] > 1}
        self.assertEqual(missing, [], "emails that never arrived")
        extra = {e: c for e, c in twice.items() if e not in allowed_twice or c > 2}
        self.assertEqual(extra, {}, "recipients with more than one email")
        return twice


class FleetTest(FleetTestCase):
    def test_1_identifies_on_both_hosts_each_emailed_once(self):
        survey = self.new_survey(self.a, name="fleet")
        # Made on a, known to b at once: one database.
        r = self.b.admin("GET", "surveys/%d" % survey["id"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["name"], "fleet")
        self.assertEqual(r.body["api_key"], survey["api_key"])

        first = ["wave1-%d@example.com" % i for i in range(150)]
        self.send_identifies(survey, first, "wave1")
        self.wait_arrived(first)
        senders = self.mailbox.senders(first)
        self.assertEqual(set(senders), {self.a.port, self.b.port},
                         "both schedulers send (emails per host port: %s)" % dict(senders))

        # Both schedulers run again after every first-wave email went out:
        # each sends some of a later wave (which, 100 at a time with 50 per
        # claim, one host cannot take alone). A claim that took a sent
        # invitation again would have shown by now.
        for wave in range(2, 6):
            later = ["wave%d-%d@example.com" % (wave, i) for i in range(100)]
            self.send_identifies(survey, later, "wave%d" % wave)
            self.wait_arrived(later)
            if set(self.mailbox.senders(later)) == {self.a.port, self.b.port}:
                break
        else:
            self.fail("one host sent every email of four waves: %s"
                      % dict(self.mailbox.senders(later)))
        everyone = first + [e for w in range(2, wave + 1)
                            for e in ("wave%d-%d@example.com" % (w, i) for i in range(100))]
        self.wait_quiet(survey, self.hosts)
        self.assertOncePerRecipient(everyone)
        self.assertEqual(len({m for _, _, m in self.mailbox.read()}),
                         len(self.mailbox.read()), "a Message-ID used twice")
        self.assertEqual(self.invitation_states(survey), {"sent": len(everyone)})
        print("fleet: %d emails, per host port %s"
              % (len(everyone), dict(self.mailbox.senders(everyone))), file=sys.stderr)

    def test_2_answer_on_one_host_read_and_synced_by_the_other(self):
        survey = self.new_survey(self.a, name="answers", segment_write_key=WRITE_KEY)
        address = "answer@example.com"
        r = self.a.segment(survey["api_key"], identify(address, userId="u-answer",
                                                        messageId="answer-1"))
        self.assertEqual(r.status, 200, r.body)
        msg = harness.wait_until(lambda: self.email_to(address), timeout=30,
                                 what="the survey email to " + address)
        html = msg.get_body(preferencelist=("html",)).get_content()
        link = re.search(r'href="http://127\.0\.0\.1:(\d+)/(s/[^"?]+)\?score=9"', html)
        self.assertIsNotNone(link, html)
        # The link names the host that sent it; b answers it whichever did.
        page = "/" + link.group(2)
        harness.answer_on_page(self.b, page, 9, "Quick and friendly.")

        [answer] = self.responses(self.a, survey)
        self.assertEqual((answer["email"], answer["score"], answer["comment"]),
                         (address, 9, "Quick and friendly."))
        self.assertEqual(self.a.customers(survey["id"], address)[0]["state"], "answered")

        # Sync-back, asked for on a; whichever worker 0 leases the survey.
        r = self.a.admin("POST", "surveys/%d/sync" % survey["id"])
        self.assertEqual(r.status, 202, r.body)
        prefix = "callexa-%d-" % survey["id"]
        self.wait_synced(survey, prefix)
        # Another run, asked for on b: nothing goes twice.
        r = self.b.admin("POST", "surveys/%d/sync" % survey["id"])
        self.assertEqual(r.status, 202, r.body)
        harness.wait_until(
            lambda: (lambda st: not st["run_requested"] and not st["running"])(
                self.sync_status(self.b, survey)),
            timeout=30, interval=0.2, what="the second sync run")
        got = {k: v for k, v in self.fake.by_message_id().items() if k.startswith(prefix)}
        self.assertEqual(len(got), 1, got)
        [(message_id, copies)] = got.items()
        self.assertEqual(len(copies), 1, "the answer reached Segment %d times" % len(copies))
        m = copies[0]
        self.assertEqual(m["userId"], "u-answer")
        self.assertEqual(m["traits"]["NPS_rating"], 9)
        self.assertEqual(m["traits"]["NPS_comment"], "Quick and friendly.")
        st = self.sync_status(self.a, survey)
        self.assertEqual((st["messages_sent"], st["pending"], st["last_error"]), (1, 0, ""))

    def test_3_message_id_is_deduplicated_across_hosts(self):
        survey = self.new_survey(self.a, name="dedup", automation=False)
        key = survey["api_key"]

        def first_name(host, address):
            [c] = host.customers(survey["id"], address)
            return c["first_name"]

        # One after the other: a stores it, b sees the repeat.
        msg = identify("dup@example.com", userId="u-dup", messageId="m-dup",
                       traits={"firstName": "Ada"})
        self.assertEqual(self.a.segment(key, msg).status, 200)
        msg["traits"]["firstName"] = "Eve"
        self.assertEqual(self.b.segment(key, msg).status, 200)
        self.assertEqual(first_name(self.a, "dup@example.com"), "Ada")
        self.assertEqual(first_name(self.b, "dup@example.com"), "Ada")
        # A new messageId on b is applied (the repeat was not ignored for
        # some other reason).
        msg.update(messageId="m-dup-2")
        msg["traits"]["firstName"] = "Grace"
        self.assertEqual(self.b.segment(key, msg).status, 200)
        self.assertEqual(first_name(self.a, "dup@example.com"), "Grace")

        # At the same moment on both hosts, 40 times over.
        count = 40
        statuses = []

        def client(i):
            host, name = (self.a, "FromA") if i % 2 == 0 else (self.b, "FromB")
            r = host.segment(key, identify("race%d@example.com" % (i // 2),
                                           userId="u-race%d" % (i // 2),
                                           messageId="race-%d" % (i // 2),
                                           traits={"firstName": name}))
            statuses.append(r.status)

        self.assertTrue(harness.run_in_threads(client, 2 * count, timeout=60))
        self.assertEqual(collections.Counter(statuses), {200: 2 * count})
        names = {c["email"]: c["first_name"] for c in self.b.all_customers(survey["id"])}
        for i in range(count):
            self.assertIn(names.get("race%d@example.com" % i), ("FromA", "FromB"))
        # The same messages again, on both hosts: no change anywhere.
        for i in range(count):
            for host in self.hosts:
                self.assertEqual(host.segment(key, identify(
                    "race%d@example.com" % i, userId="u-race%d" % i,
                    messageId="race-%d" % i, traits={"firstName": "Again"})).status, 200)
        again = {c["email"]: c["first_name"] for c in self.a.all_customers(survey["id"])}
        self.assertEqual(again, names)
        self.assertEqual(self.db.query(
            "SELECT count(*) FROM seen_messages WHERE survey_id = ?", (survey["id"],)),
            [(count + 2,)])

    # -- helpers -------------------------------------------------------------

    def email_to(self, address):
        for m in self.smtp.messages():
            if address in m.envelope["rcpt_tos"]:
                return m
        return None

    def responses(self, host, survey):
        r = host.admin("GET", "surveys/%d/responses" % survey["id"])
        self.assertEqual(r.status, 200, r.body)
        return r.body["responses"]

    def sync_status(self, host, survey):
        r = host.admin("GET", "surveys/%d/sync" % survey["id"])
        self.assertEqual(r.status, 200, r.body)
        return r.body

    def wait_synced(self, survey, prefix):
        def done():
            if not any(k.startswith(prefix) for k in self.fake.by_message_id()):
                return None
            st = self.sync_status(self.b, survey)
            return st if st["pending"] == 0 and not st["running"] else None

        return harness.wait_until(done, timeout=30, interval=0.2,
                                  what="survey %d synced" % survey["id"])


class KillTest(FleetTestCase):
    """kill -9 of host a (master and workers) while it sends."""

    def test_4_kill_9_of_a_host_while_it_holds_leases(self):
        a, b = self.a, self.b
        survey = self.new_survey(a, name="kill")
        emails = ["kill%d@example.com" % i for i in range(600)]
        self.post_batches(survey, emails, "kill")
        # Both send; wait until a's scheduler holds a lease in the middle of
        # its sending, then kill the whole host.
        a_pids = set(a.worker_pids())
        harness.wait_until(lambda: self.mailbox.sent_by(a.port) >= 20, timeout=60,
                           interval=0.02, what="host a to send")

        def a_owners(at_least=1):
            """Lease owners of a's workers holding at least `at_least`."""
            rows = self.db.query("SELECT lease_owner, count(*) FROM invitations "
                                 "WHERE survey_id = ? AND status = 'sending' "
                                 "GROUP BY lease_owner", (survey["id"],))
            return [o for o, n in rows if int(o.split(":")[1]) in a_pids and n >= at_least]

        # Early in a step of 50: most of it still to send when the kill lands.
        harness.wait_until(lambda: a_owners(at_least=25), timeout=30, interval=0.01,
                           what="host a to hold 25 leases")
        a.kill()
        arrived = self.mailbox.recipients("kill")
        owners = a_owners()
        leased = {r for (r,) in self.db.query(
            "SELECT c.email FROM invitations i JOIN customers c ON c.id = i.customer_id "
            "WHERE i.survey_id = ? AND i.status = 'sending' AND i.lease_owner = ANY "
            "(string_to_array(?, ','))", (survey["id"], ",".join(owners)))}
        self.assertTrue(leased, "the kill landed between two steps of host a")
        rest = set(emails) - leased
        self.assertTrue(rest - arrived, "b had nothing left to send after the kill")

        # b sends every other email; a's leases hold meanwhile.
        self.wait_arrived(rest)
        still = self.db.query(
            "SELECT count(*) FROM invitations WHERE survey_id = ? AND status = 'sending' "
            "AND lease_owner = ANY (string_to_array(?, ','))",
            (survey["id"], ",".join(owners)))[0][0]
        self.assertEqual(still, len(leased), "b took invitations a still held: %s"
                         % self.invitation_states(survey))
        # Time passes: a's leases (10 minutes) run out.
        self.db.execute("UPDATE invitations SET next_attempt_at = ? WHERE survey_id = ? "
                        "AND status = 'sending' AND lease_owner = ANY "
                        "(string_to_array(?, ','))",
                        (int(time.time()) - 1, survey["id"], ",".join(owners)))
        self.wait_arrived(emails)
        self.wait_quiet(survey, [b])
        # The email a had on the wire at the kill may go again.
        twice = self.assertOncePerRecipient(emails, allowed_twice=leased)
        self.assertLessEqual(len(twice), 1, "more than the one email on the wire went twice")
        for address in twice:
            copies = [(p, m) for r, p, m in self.mailbox.read() if r == address]
            self.assertEqual(len({m for _, m in copies}), 1, copies)  # same Message-ID
            self.assertEqual([p for p, _ in copies], [a.port, b.port], copies)
        self.assertEqual(self.invitation_states(survey), {"sent": len(emails)})
        print("kill: %d leased by the killed host, %d sent twice"
              % (len(leased), len(twice)), file=sys.stderr)


class ReloadTest(FleetTestCase):
    """nginx -s reload of host a while both send."""

    def test_5_reload_of_one_host_mid_run(self):
        a, b = self.a, self.b
        survey = self.new_survey(a, name="reload")
        emails = ["reload%d@example.com" % i for i in range(600)]
        self.post_batches(survey, emails, "reload")
        harness.wait_until(lambda: self.mailbox.sent_by(a.port) >= 20, timeout=60,
                           interval=0.02, what="host a to send")
        a.reload(timeout=30, command=True)
        self.assertLess(len(self.mailbox.recipients("reload")), len(emails),
                        "everything went before the reload")
        self.wait_arrived(emails)
        self.wait_quiet(survey, self.hosts)
        self.assertOncePerRecipient(emails)
        self.assertEqual(self.invitation_states(survey), {"sent": len(emails)})
        print("reload: per host port %s" % dict(self.mailbox.senders(emails)),
              file=sys.stderr)


class ReportTest(FleetTestCase):
    """The report email with both hosts' worker 0 polling the reports job
    (every 300 ms) on the one database. No clock is moved: a survey whose
    report is switched on sends the last completed week's report at once
    (as in test_report_email.py), and its answers are written into that
    week here.

    The two hosts' polls tend to run in step, one a little behind the
    other: the first to poll after a switch claims the runs, and the other,
    polling while it sends, finds them leased or finished. Each sending
    step moves the sender's next polls later by its length, so the other
    host leads after a few rounds and sends too; the test goes on until
    both have sent a report of a round after the first."""

    SCORES = [(10, "Great support"), (9, ""), (8, ""), (3, "Too slow"), (10, "")]
    BATCH = 5        # surveys switched on together in a round
    MAX_ROUNDS = 30

    def test_6_report_email_once_per_recipient_across_hosts(self):
        a, b = self.a, self.b
        week_to = last_monday(int(time.time()))
        week_from = week_to - 7 * DAY
        surveys = []     # (survey, [recipients], round), switched on
        sender = {}      # survey id -> port of the host that sent its report
        rounds = []      # per round, "a" or "b" per survey: who sent it
        batch = self.new_batch(0, week_from)
        for rnd in range(self.MAX_ROUNDS):
            # Switched on one after the other, alternately on a and b: both
            # reports jobs see them within a poll, and whichever claims a
            # run first sends it while the other may be iterating too.
            for i, (survey, recipients) in enumerate(batch):
                r = self.hosts[i % 2].admin(
                    "PATCH", "surveys/%d" % survey["id"],
                    {"report_frequency": "weekly", "report_recipients": recipients})
                self.assertEqual(r.status, 200, r.body)
                self.assertEqual(sorted(r.body["report_recipients"]), sorted(recipients))
                recipients[:] = r.body["report_recipients"]  # the order they go in
            surveys += [(survey, recipients, rnd) for survey, recipients in batch]
            # The next round's surveys are made while this one sends, so
            # that its switch comes as soon as this one is done, at no
            # particular point of either host's poll.
            done, batch = batch, self.new_batch(len(surveys), week_from)
            self.wait_reports_done(done)
            for survey, _ in done:
                sender[survey["id"]] = self.sent_from(survey)
            rounds.append("".join("ab"[[h.port for h in self.hosts].index(sender[s["id"]])]
                                  for s, _ in done))
            # A host that sent a report of a later round polled every survey
            # of the first round after its run was recorded; once both have,
            # both reports jobs went over finished runs and sent nothing again.
            if rnd >= 1 and {sender[s["id"]] for s, _, in_round in surveys
                             if in_round >= 1} == {a.port, b.port}:
                break
        else:
            self.fail("one host sent every report of %d rounds: %s"
                      % (self.MAX_ROUNDS, " ".join(rounds)))

        # Each recipient got the period's report once, from the host that
        # recorded the run, and nothing else was sent.
        reports = self.reports()
        counts = collections.Counter(to for to, _, _ in reports)
        everyone = [r for _, recipients, _ in surveys for r in recipients]
        self.assertEqual({r: counts[r] for r in everyone if counts[r] != 1}, {},
                         "recipients without exactly one report")
        self.assertEqual(len(reports), len(everyone), "emails to no recipient of a report")
        self.assertEqual(len(self.smtp.messages()), len(everyone), "emails not reports")
        self.assertEqual(len({mid for _, _, mid in reports}), len(reports),
                         "a Message-ID used twice")
        for survey, recipients, _ in surveys:
            ports = {port for to, port, _ in reports if to in recipients}
            self.assertEqual(ports, {sender[survey["id"]]},
                             "survey %d: its two reports came from %s" % (survey["id"], ports))
        # The week's report, from the answers either host reads.
        week = time.strftime("%d %b %Y", time.gmtime(week_from)).lstrip("0")
        for m in self.smtp.messages():
            self.assertRegex(m["Subject"], r"^Report \d+: NPS \+40 in the week of %s$" % week)
            text = m.get_body(("plain",)).get_content()
            self.assertIn("5 answers: 3 promoters (60%), 1 passive (20%), 1 detractor (20%)",
                          text)
            self.assertIn("Great support", text)
            self.assertIn("Ada L.", text)
            self.assertNotIn("@example.com", text)  # the commenter, not the address

        # One run per survey, for that week, sent, both recipients handled,
        # its lease released; the API on either host says the same.
        ids = ",".join(str(s["id"]) for s, _, _ in surveys)
        rows = self.db.query(
            "SELECT survey_id, period_from, period_to, status, attempts, handled, "
            "lease_owner, last_error FROM report_runs WHERE survey_id = ANY "
            "(string_to_array(?, ',')::bigint[]) ORDER BY survey_id", (ids,))
        want = [(s["id"], week_from, week_to, "sent", 0, json.dumps(recipients), None, "")
                for s, recipients, _ in surveys]
        self.assertEqual([r[:5] + (json.dumps(json.loads(r[5])),) + r[6:] for r in rows],
                         want)
        for i, (survey, _, _) in enumerate(surveys):
            r = self.hosts[i % 2].admin("GET", "surveys/%d/report-runs" % survey["id"])
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual([(x["status"], x["recipients_handled"], x["attempts"])
                              for x in r.body["runs"]], [("sent", 2, 0)])

        # Each host's error log says what it sent, once per survey between
        # them, and holds no [error] or worse.
        for h in self.hosts:
            bad = [line for line in h.read_error_log().splitlines()
                   if re.search(r"\[(error|alert|crit|emerg)\]", line)]
            self.assertEqual(bad, [], "error.log of port %d" % h.port)
        for survey, _, _ in surveys:
            notices = {h.port: len(re.findall(
                r"\[notice\] .*callexa: reports: survey %d \(Report \d+\), the week of "
                r".*: report sent to 2 recipients" % survey["id"], h.read_error_log()))
                for h in self.hosts}
            self.assertEqual({p: c for p, c in notices.items() if c},
                             {sender[survey["id"]]: 1}, "survey %d" % survey["id"])
        print("reports: %d surveys in %d rounds, sent by host %s"
              % (len(surveys), len(rounds), " ".join(rounds)), file=sys.stderr)

    # -- helpers -------------------------------------------------------------

    def new_batch(self, first, week_from):
        """BATCH new surveys (made alternately on a and b, reports off),
        numbered from `first`, each with SCORES answered in the week from
        `week_from`; [(survey, its two recipients)]."""
        batch = []
        for n in range(first, first + self.BATCH):
            survey = self.new_survey(self.hosts[n % 2], name="Report %d" % n,
                                     automation=False)
            batch.append((survey, ["owner%d@acme.example" % n, "cto%d@acme.example" % n]))
        self.insert_answers([s for s, _ in batch], week_from + DAY)
        return batch

    def insert_answers(self, surveys, at):
        """SCORES as answers of new customers of each survey, given an hour
        apart from `at`, in one transaction (as test_sync.insert_answers
        does on SQLite)."""
        sql, params = ["BEGIN;"], []
        seq = "coalesce((SELECT value::bigint FROM settings WHERE name = 'answer_seq'), 0)"
        n = 0
        for survey in surveys:
            for i, (score, comment) in enumerate(self.SCORES):
                n += 1
                t = at + i * 3600
                sql.append(
                    "WITH c AS (INSERT INTO customers (survey_id, email, first_name, "
                    "last_name, first_seen_at, last_seen_at) VALUES (%(s)d, ?, 'Ada', "
                    "'Lovelace', %(t)d, %(t)d) RETURNING id), "
                    "i AS (INSERT INTO invitations (survey_id, customer_id, status, due_at, "
                    "created_at, updated_at, answered_at) SELECT %(s)d, id, 'answered', "
                    "%(t)d, %(t)d, %(t)d, %(t)d FROM c RETURNING id, customer_id) "
                    "INSERT INTO answers (invitation_id, survey_id, customer_id, score, "
                    "comment, created_at, answered_at, change_seq) SELECT id, %(s)d, "
                    "customer_id, %(score)d, ?, %(t)d, %(t)d, %(seq)s + %(n)d FROM i;"
                    % dict(s=survey["id"], t=t, score=score, seq=seq, n=n))
                params += ["c%d.%d@example.com" % (survey["id"], i), comment]
        sql.append("INSERT INTO settings (name, value) VALUES ('answer_seq', "
                   "(%s + %d)::text) ON CONFLICT (name) DO UPDATE SET value = "
                   "excluded.value;" % (seq, n))
        sql.append("COMMIT")
        self.db.execute("\n".join(sql), params)

    def reports(self):
        """(recipient, port of the host whose dashboard link it has,
        Message-ID) of every report email in the sink."""
        out = []
        for m in self.smtp.messages():
            if m["Auto-Submitted"] != "auto-generated":
                continue
            [to] = m.envelope["rcpt_tos"]
            text = m.get_body(("plain",)).get_content()
            link = re.search(r"^Dashboard: http://127\.0\.0\.1:(\d+)/admin/#/surveys/\d+/"
                             r"dashboard$", text, re.M)
            if link is None:
                raise AssertionError("report to %s without its dashboard link:\n%s"
                                     % (to, text))
            out.append((to.lower(), int(link.group(1)), m["Message-ID"]))
        return out

    def sent_from(self, survey):
        """The port of the host that sent `survey`'s report (checked: one)."""
        ports = {h.port for h in self.hosts if re.search(
            r"callexa: reports: survey %d \(" % survey["id"], h.read_error_log())}
        self.assertEqual(len(ports), 1, "survey %d: report notices on %s"
                         % (survey["id"], ports))
        return ports.pop()

    def wait_reports_done(self, batch):
        """Until each survey of `batch` has its report in the sink for both
        recipients, its run recorded as sent and the sender's notice
        written."""
        ids = ",".join(str(s["id"]) for s, _ in batch)
        recipients = {r for _, rs in batch for r in rs}

        def state():
            arrived = {to for to, _, _ in self.reports()} & recipients
            runs = dict(self.db.query(
                "SELECT survey_id, status FROM report_runs WHERE survey_id = ANY "
                "(string_to_array(?, ',')::bigint[])", (ids,)))
            logs = "".join(h.read_error_log() for h in self.hosts)
            noticed = [s["id"] for s, _ in batch if re.search(
                r"callexa: reports: survey %d \(.*report sent to 2 recipients"
                % s["id"], logs)]
            return arrived, runs, noticed

        def done():
            arrived, runs, noticed = state()
            return (arrived == recipients and len(noticed) == len(batch) and
                    list(runs.values()) == ["sent"] * len(batch))

        harness.wait_until(done, timeout=30, interval=0.1, what=lambda: (
            "the reports of surveys %s: %d of %d recipients reached, runs %s, "
            "notices of %s" % ((ids, len(state()[0]), len(recipients)) + state()[1:])))


if __name__ == "__main__":
    unittest.main()
