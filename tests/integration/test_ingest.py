"""Identify calls end to end: traits stored, invitations decided (README
"Point Segment at it" and "Who is due a survey"), duplicates ignored."""

import http.client
import json
import os
import re
import socket
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import basic_auth, gzip_bytes, identify, iso, parse_iso  # noqa: E402

DAY = 86400


class IngestTest(harness.NginxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # "Survey new customers": due 3 days after createdAt, none older than 14 days.
        cls.survey = cls.nginx.create_survey(name="new customers", automation=True,
                                             min_delay_days=3, max_delay_days=14)
        cls.key = cls.survey["api_key"]

    def send(self, message, key=None, **kwargs):
        r = self.nginx.segment(key or self.key, message, **kwargs)
        self.assertSuccess(r)
        return r

    def customer(self, email, survey=None):
        found = self.nginx.customers((survey or self.survey)["id"], email)
        self.assertEqual(len(found), 1, found)
        return found[0]

    def assertTimeNear(self, iso_text, expected, slack=2):
        self.assertIsNotNone(iso_text)
        got = parse_iso(iso_text)
        self.assertLessEqual(abs(got - expected), slack, "%s vs %s" % (iso_text, iso(expected)))

    # -- survey delays ---------------------------------------------------------

    def test_new_customer_is_scheduled_min_days_after_created_at(self):
        created = int(time.time()) - DAY
        self.send(identify("new@example.com", traits={"createdAt": iso(created)}))
        c = self.customer("new@example.com")
        self.assertEqual(c["state"], "scheduled")
        self.assertIsNone(c["reason"])
        self.assertEqual(c["created_at"], iso(created))
        self.assertEqual(c["due_at"], iso(created + 3 * DAY))
        self.assertEqual(len(c["invitations"]), 1)
        self.assertEqual(c["invitations"][0]["status"], "scheduled")
        self.assertEqual(c["invitations"][0]["due_at"], iso(created + 3 * DAY))

    def test_customer_past_min_delay_is_due_now(self):
        created = int(time.time()) - 5 * DAY
        before = int(time.time())
        self.send(identify("pastmin@example.com", traits={"createdAt": iso(created)}))
        c = self.customer("pastmin@example.com")
        self.assertEqual(c["state"], "scheduled")
        self.assertTimeNear(c["due_at"], before)

    def test_customer_older_than_max_is_ignored(self):
        created = int(time.time()) - 20 * DAY
        self.send(identify("old@example.com", traits={"createdAt": iso(created)}))
        c = self.customer("old@example.com")
        self.assertEqual(c["state"], "ignored")
        self.assertEqual(c["reason"], "too_old")
        self.assertIsNone(c["due_at"])
        self.assertEqual(c["invitations"], [])

    def test_missing_created_at_surveys_repeatedly_after_min_days(self):
        before = int(time.time())
        self.send(identify("nocreated@example.com"))
        c = self.customer("nocreated@example.com")
        self.assertEqual(c["state"], "scheduled")
        self.assertIsNone(c["created_at"])
        self.assertTimeNear(c["due_at"], before + 3 * DAY)

    def test_automation_off_stores_but_ignores(self):
        survey = self.nginx.create_survey(name="manual", automation=False, min_delay_days=3,
                                          max_delay_days=14)
        created = int(time.time()) - DAY
        self.send(identify("manual@example.com", traits={"createdAt": iso(created),
                                                         "firstName": "Manu"}),
                  key=survey["api_key"])
        c = self.customer("manual@example.com", survey)
        self.assertEqual(c["state"], "ignored")
        self.assertEqual(c["reason"], "automation_off")
        self.assertEqual(c["first_name"], "Manu")
        self.assertEqual(c["invitations"], [])
        # The survey with automation on has not seen this customer.
        self.assertEqual(self.nginx.customers(self.survey["id"], "manual@example.com"), [])

    def test_repeat_mode_schedules_min_days_from_now(self):
        survey = self.nginx.create_survey(name="repeat", automation=True, min_delay_days=2,
                                          max_delay_days=0)
        created = int(time.time()) - 400 * DAY  # ignored for the schedule in repeat mode
        before = int(time.time())
        self.send(identify("repeat@example.com", traits={"createdAt": iso(created)}),
                  key=survey["api_key"])
        c = self.customer("repeat@example.com", survey)
        self.assertEqual(c["state"], "scheduled")
        self.assertTimeNear(c["due_at"], before + 2 * DAY)
        # Another identify while the invitation is pending adds none.
        self.send(identify("repeat@example.com"), key=survey["api_key"])
        c = self.customer("repeat@example.com", survey)
        self.assertEqual(c["state"], "scheduled")
        self.assertEqual(len(c["invitations"]), 1)

    # -- traits ----------------------------------------------------------------

    def test_snake_case_traits_are_stored(self):
        created = int(time.time()) - 2 * DAY
        self.send({"type": "identify", "user_id": "u-snake", "anonymous_id": "a-snake",
                   "message_id": "snake-1",
                   "traits": {"email": "snake@example.com", "first_name": "Grace",
                              "last_name": "Hopper", "created_at": iso(created)}})
        c = self.customer("snake@example.com")
        self.assertEqual(c["first_name"], "Grace")
        self.assertEqual(c["last_name"], "Hopper")
        self.assertEqual(c["user_id"], "u-snake")
        self.assertEqual(c["anonymous_id"], "a-snake")
        self.assertEqual(c["created_at"], iso(created))
        self.assertEqual(c["due_at"], iso(created + 3 * DAY))

    def test_camel_case_traits_are_stored(self):
        self.send(identify("camel@example.com", userId=1234, anonymousId="anon-camel",
                           traits={"firstName": "Alan", "lastName": "Turing",
                                   "name": "Alan Turing", "gender": "male"}))
        c = self.customer("camel@example.com")
        self.assertEqual((c["first_name"], c["last_name"], c["name"], c["gender"]),
                         ("Alan", "Turing", "Alan Turing", "male"))
        self.assertEqual(c["user_id"], "1234")  # numeric ids are kept as text
        self.assertEqual(c["anonymous_id"], "anon-camel")

    def test_created_at_formats(self):
        created = int(time.time()) - 2 * DAY
        date_only = time.strftime("%Y-%m-%d", time.gmtime(created))
        cases = [
            ("ca-seconds@example.com", created, iso(created)),
            ("ca-millis@example.com", created * 1000 + 999, iso(created)),
            ("ca-string-seconds@example.com", str(created), iso(created)),
            ("ca-offset@example.com", time.strftime("%Y-%m-%dT%H:%M:%S.123+02:00",
                                                    time.gmtime(created + 7200)),
             iso(created)),
            ("ca-date@example.com", date_only, date_only + "T00:00:00Z"),
        ]
        for email, value, expected in cases:
            with self.subTest(createdAt=value):
                self.send(identify(email, traits={"createdAt": value}))
                self.assertEqual(self.customer(email)["created_at"], expected)

    def test_email_is_trimmed_and_case_insensitive(self):
        created = int(time.time()) - DAY
        self.send(identify(" Ada@Example.COM ", traits={"createdAt": iso(created),
                                                        "firstName": "Ada"}))
        c = self.customer("ada@example.com")
        self.assertEqual(c["email"], "ada@example.com")
        self.send(identify("ADA@example.com", traits={"lastName": "Lovelace"}))
        found = self.nginx.customers(self.survey["id"], "Ada@Example.com")
        self.assertEqual(len(found), 1, found)
        c = found[0]
        self.assertEqual(c["id"], self.customer("ada@example.com")["id"])
        self.assertEqual((c["first_name"], c["last_name"]), ("Ada", "Lovelace"))
        self.assertEqual(c["created_at"], iso(created))  # kept when not resent
        self.assertEqual(c["state"], "scheduled")
        self.assertEqual(len(c["invitations"]), 1)  # pending: not duplicated
        rows = self.nginx.db_query(
            "SELECT count(*) FROM customers WHERE survey_id = ? AND lower(email) LIKE 'ada@%'",
            (self.survey["id"],))
        self.assertEqual(rows, [(1,)])

    def test_later_identify_merges_traits(self):
        self.send(identify("merge@example.com", traits={"plan": "free", "seats": 1}))
        self.send(identify("merge@example.com", traits={"plan": "pro"}))
        rows = self.nginx.db_query(
            "SELECT traits FROM customers WHERE survey_id = ? AND email = ?",
            (self.survey["id"], "merge@example.com"))
        traits = json.loads(rows[0][0])
        self.assertEqual(traits["plan"], "pro")
        self.assertEqual(traits["seats"], 1)

    # -- transports --------------------------------------------------------------

    def test_batch_of_mixed_calls_stores_the_identifies(self):
        survey = self.nginx.create_survey(name="batch", min_delay_days=3, max_delay_days=14)
        body = {"batch": [
            identify("mixed1@example.com", messageId="mixed-1"),
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "mixed-2",
             "properties": {"email": "trackonly@example.com"}},
            {"type": "page", "name": "Home", "userId": "u1", "messageId": "mixed-3"},
            identify("mixed2@example.com", messageId="mixed-4"),
        ]}
        self.assertSuccess(self.nginx.tracking(survey["api_key"], "batch", body))
        customers = self.nginx.customers(survey["id"])
        self.assertEqual(sorted(c["email"] for c in customers),
                         ["mixed1@example.com", "mixed2@example.com"])

    def test_tracking_identify_without_type(self):
        body = {"userId": "u-v1", "traits": {"email": "v1@example.com", "firstName": "Vee"}}
        self.assertSuccess(self.nginx.tracking(self.key, "identify", body))
        self.assertEqual(self.customer("v1@example.com")["first_name"], "Vee")

    def test_gzip_identify_is_stored(self):
        body = gzip_bytes(json.dumps(identify("gzip@example.com", traits={"firstName": "Zip"})))
        self.send(body, headers={"Content-Encoding": "gzip"})
        self.assertEqual(self.customer("gzip@example.com")["first_name"], "Zip")

    def test_gzip_batch_is_stored(self):
        survey = self.nginx.create_survey(name="gzip batch")
        body = gzip_bytes(json.dumps({"batch": [identify("gz%d@example.com" % i)
                                                for i in range(50)]}))
        self.assertSuccess(self.nginx.tracking(survey["api_key"], "batch", body,
                                               headers={"Content-Encoding": "gzip"}))
        self.assertEqual(len(self.nginx.customers(survey["id"])), 50)

    def test_keep_alive_connection_carries_many_identifies(self):
        # Segment's delivery reuses connections.
        survey = self.nginx.create_survey(name="keep-alive")
        conn = http.client.HTTPConnection("127.0.0.1", self.nginx.port, timeout=10)
        try:
            for i in range(30):
                conn.request("POST", "/segment",
                             body=json.dumps(identify("ka%d@example.com" % i)),
                             headers={"Authorization": basic_auth(survey["api_key"]),
                                      "Content-Type": "application/json"})
                r = conn.getresponse()
                self.assertEqual((r.status, json.loads(r.read())), (200, {"success": True}))
        finally:
            conn.close()
        self.assertEqual(len(self.nginx.customers(survey["id"])), 30)

    def test_pipelined_identifies_are_all_answered_in_order(self):
        survey = self.nginx.create_survey(name="pipeline")
        wire = b""
        for i in range(5):
            body = json.dumps(identify("pipe%d@example.com" % i)).encode()
            if i == 3:
                body = b"{broken"
            wire += (b"POST /segment HTTP/1.1\r\nHost: test\r\nAuthorization: %s\r\n"
                     b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                     % (basic_auth(survey["api_key"]).encode(), len(body))) + body
        wire += b"GET /noop HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
        with socket.create_connection(("127.0.0.1", self.nginx.port), timeout=10) as sock:
            sock.sendall(wire)
            received = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        statuses = [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", received)]
        self.assertEqual(statuses, [200, 200, 200, 400, 200, 204])
        emails = sorted(c["email"] for c in self.nginx.customers(survey["id"]))
        self.assertEqual(emails, ["pipe0@example.com", "pipe1@example.com",
                                  "pipe2@example.com", "pipe4@example.com"])

    # -- duplicates ---------------------------------------------------------------

    def test_duplicate_message_id_is_ignored(self):
        first = identify("dup@example.com", messageId="dup-message-1",
                         traits={"firstName": "First"})
        retry = identify("dup@example.com", messageId="dup-message-1",
                         traits={"firstName": "Changed", "lastName": "Retry"})
        self.send(first)
        self.send(retry)
        c = self.customer("dup@example.com")
        self.assertEqual(c["first_name"], "First")
        self.assertEqual(c["last_name"], "")
        self.assertEqual(len(c["invitations"]), 1)
        # A new messageId is applied.
        self.send(identify("dup@example.com", messageId="dup-message-2",
                           traits={"firstName": "Second"}))
        self.assertEqual(self.customer("dup@example.com")["first_name"], "Second")

    def test_duplicate_message_id_is_per_survey(self):
        other = self.nginx.create_survey(name="other")
        msg = identify("persurvey@example.com", messageId="shared-id")
        self.send(msg)
        self.send(msg, key=other["api_key"])
        self.assertEqual(len(self.nginx.customers(other["id"], "persurvey@example.com")), 1)

    def test_duplicate_within_one_batch(self):
        survey = self.nginx.create_survey(name="dup batch")
        body = {"batch": [
            identify("dupbatch@example.com", messageId="b-1", traits={"firstName": "One"}),
            identify("dupbatch@example.com", messageId="b-1", traits={"firstName": "Two"}),
        ]}
        self.assertSuccess(self.nginx.tracking(survey["api_key"], "batch", body))
        self.assertEqual(self.customer("dupbatch@example.com", survey)["first_name"], "One")
        # The whole batch retried: nothing changes.
        self.assertSuccess(self.nginx.tracking(survey["api_key"], "batch", body))
        self.assertEqual(self.customer("dupbatch@example.com", survey)["first_name"], "One")
        rows = self.nginx.db_query("SELECT count(*) FROM seen_messages WHERE survey_id = ?",
                                   (survey["id"],))
        self.assertEqual(rows, [(1,)])


if __name__ == "__main__":
    unittest.main()
