"""Bad input on the ingestion endpoints: the right status, a JSON message that
names the problem, and nothing stored (README "HTTP answers")."""

import json
import os
import sys
import unittest
import zlib

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import basic_auth, gzip_bytes, identify  # noqa: E402

KB = 1024


class BadInputTest(harness.NginxTestCase):
    server_extra = "location = /metrics { callexa_metrics; }"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.nginx.create_survey(name="bad input", min_delay_days=3,
                                             max_delay_days=0)
        cls.key = cls.survey["api_key"]

    def post(self, body, path="/segment", **kwargs):
        return self.nginx.segment(self.key, body, path=path, **kwargs)

    def assertNotStored(self, *emails):
        for email in emails:
            self.assertEqual(self.nginx.customers(self.survey["id"], email), [], email)

    def assertStored(self, email):
        self.assertEqual(len(self.nginx.customers(self.survey["id"], email)), 1, email)

    # -- JSON and fields -----------------------------------------------------

    def test_malformed_json_is_400(self):
        r = self.post(b'{"type": "identify", "traits": {"email": "malformed@example.com"')
        self.assertJsonError(r, 400, "not valid JSON")
        self.assertNotStored("malformed@example.com")

    def test_empty_body_is_400(self):
        r = self.post(b"")
        self.assertJsonError(r, 400, "empty")

    def test_body_not_an_object_is_400(self):
        r = self.post([identify("array@example.com")])
        self.assertJsonError(r, 400, "body must be a JSON object")
        self.assertNotStored("array@example.com")

    def test_email_number_is_400(self):
        r = self.post({"type": "identify", "traits": {"email": 42}})
        self.assertJsonError(r, 400, "traits.email")

    def test_created_at_out_of_range_is_400_in_every_form(self):
        # The probe of issue 17: 1e26 was stored as the year 318857.
        for value in (1e26, -1e18, -1, "1e26", "1969-12-31", 253402300800000):
            with self.subTest(createdAt=value):
                email = "range%s@example.com" % abs(hash(str(value)))
                r = self.post(identify(email, traits={"createdAt": value}))
                self.assertJsonError(r, 400, "traits.createdAt is out of range",
                                     "1970-01-01 to 9999-12-31")
                self.assertNotStored(email)
        self.assertSuccess(self.post(identify("range-ok@example.com",
                                              traits={"createdAt": 253402300799})))

    def test_user_id_object_is_400(self):
        r = self.post(identify("userid@example.com", userId={"id": 1}))
        self.assertJsonError(r, 400, "userId")
        self.assertNotStored("userid@example.com")

    def test_traits_not_object_is_400(self):
        r = self.post({"type": "identify", "traits": "email=x@example.com"})
        self.assertJsonError(r, 400, "traits must be an object")

    def test_missing_email_is_400(self):
        r = self.post(identify(None, traits={"firstName": "Nomail"}))
        self.assertJsonError(r, 400, "traits.email is required")
        r = self.post({"type": "identify", "userId": "u-noemail"})
        self.assertJsonError(r, 400, "traits.email is required")

    def test_invalid_email_is_400(self):
        for bad in ("not-an-email", "two@@example.com", "a b@example.com", "x@localhost",
                    "@example.com", ""):
            with self.subTest(email=bad):
                r = self.post(identify(bad))
                self.assertJsonError(r, 400, "traits.email")
        self.assertEqual(self.nginx.db_query(
            "SELECT count(*) FROM customers WHERE email LIKE '%localhost%'"), [(0,)])

    def test_unparseable_created_at_is_400(self):
        for bad in ("yesterday", "2026-13-01", "2026-02-30T10:00:00Z", "12abc"):
            with self.subTest(createdAt=bad):
                r = self.post(identify("createdat@example.com", traits={"createdAt": bad}))
                self.assertJsonError(r, 400, "traits.createdAt")
        r = self.post(identify("createdat@example.com", traits={"created_at": "soon"}))
        self.assertJsonError(r, 400, "traits.created_at")
        r = self.post(identify("createdat@example.com", traits={"createdAt": [2026]}))
        self.assertJsonError(r, 400, "traits.createdAt")
        self.assertNotStored("createdat@example.com")

    def test_missing_type_on_destination_is_400(self):
        r = self.post({"traits": {"email": "notype@example.com"}})
        self.assertJsonError(r, 400, "type is required")
        self.assertNotStored("notype@example.com")

    # -- sizes ---------------------------------------------------------------

    def big_identify(self, email, size):
        return identify(email, traits={"padding": "x" * size})

    def test_body_over_32k_with_content_length_is_413(self):
        r = self.post(self.big_identify("big-cl@example.com", 40 * KB))
        self.assertJsonError(r, 413, "32 KB")
        self.assertNotStored("big-cl@example.com")

    def test_body_over_32k_chunked_is_413(self):
        r = self.post(self.big_identify("big-chunked@example.com", 40 * KB), chunked=True)
        self.assertJsonError(r, 413, "32 KB")
        self.assertNotStored("big-chunked@example.com")

    def test_body_over_client_max_body_size_is_413_json(self):
        # Past nginx's client_max_body_size (1 MB by default) nginx itself
        # refuses, before the module runs (with Content-Length at once, a
        # chunked body once 1 MB has come): the module turns nginx's HTML
        # page into the JSON message naming the module's own limit.
        body = json.dumps(self.big_identify("huge-body@example.com", 2048 * KB)).encode()
        self.assertJsonError(self.post(body), 413, "at most 32 KB")
        self.assertJsonError(self.post(body, chunked=True), 413, "at most 32 KB")
        self.assertJsonError(self.post(body, path="/v1/batch"), 413, "at most 500 KB")
        self.assertJsonError(self.post(body, path="/v1/batch", chunked=True), 413,
                             "at most 500 KB")
        self.assertNotStored("huge-body@example.com")
        # Counted in /metrics like the module's own answers.
        metrics = self.http("GET", "/metrics").body
        metrics = metrics.decode() if isinstance(metrics, bytes) else metrics
        self.assertRegex(metrics, r'callexa_http_requests_total\{handler="tracking API",'
                                  r'status="413"\} [1-9]')

    def test_body_just_under_32k_is_accepted(self):
        msg = self.big_identify("just-under@example.com", 0)
        room = 32 * KB - len(json.dumps(msg))
        msg["traits"]["padding"] = "x" * room
        body = json.dumps(msg).encode()
        self.assertEqual(len(body), 32 * KB)
        self.assertSuccess(self.post(body))
        self.assertStored("just-under@example.com")

    def test_batch_over_500k_is_413(self):
        batch = {"batch": [self.big_identify("huge%d@example.com" % i, 20 * KB)
                           for i in range(30)]}
        r = self.post(batch, path="/v1/batch")
        self.assertJsonError(r, 413, "500 KB")
        r = self.post(batch, path="/v1/batch", chunked=True)
        self.assertJsonError(r, 413, "500 KB")
        self.assertNotStored("huge0@example.com", "huge29@example.com")

    def test_batch_item_over_32k_is_413(self):
        batch = {"batch": [identify("item-ok@example.com"),
                           self.big_identify("item-big@example.com", 40 * KB),
                           identify("item-after@example.com")]}
        r = self.post(batch, path="/v1/batch")
        self.assertJsonError(r, 413, "batch[1]", "32 KB")
        self.assertNotStored("item-ok@example.com", "item-big@example.com",
                             "item-after@example.com")

    def test_batch_of_2501_messages_is_400(self):
        batch = {"batch": [identify("many%d@example.com" % i) for i in range(2501)]}
        self.assertLess(len(json.dumps(batch)), 500 * KB)
        r = self.post(batch, path="/v1/batch")
        self.assertJsonError(r, 400, "2501", "2500")
        self.assertNotStored("many0@example.com", "many2500@example.com")

    def test_batch_of_2500_messages_is_accepted(self):
        batch = {"batch": [identify("full%d@example.com" % i) for i in range(2500)]}
        self.assertSuccess(self.post(batch, path="/v1/batch"))
        count = self.nginx.db_query(
            "SELECT count(*) FROM customers WHERE survey_id = ? AND email LIKE 'full%'",
            (self.survey["id"],))
        self.assertEqual(count, [(2500,)])

    def test_batch_not_an_array_is_400(self):
        r = self.post({"batch": identify("notarray@example.com")}, path="/v1/batch")
        self.assertJsonError(r, 400, "batch must be an array")
        r = self.post({"messages": []}, path="/v1/batch")
        self.assertJsonError(r, 400, "batch is required")

    # -- method, media type, encoding ----------------------------------------

    def test_get_on_destination_is_405(self):
        r = self.http("GET", "/segment", headers={"Authorization": basic_auth(self.key)})
        self.assertJsonError(r, 405, "GET", "POST")

    def test_put_on_tracking_api_is_405(self):
        r = self.http("PUT", "/v1/identify", identify("put@example.com"),
                      headers={"Authorization": basic_auth(self.key)})
        self.assertJsonError(r, 405, "PUT")
        self.assertNotStored("put@example.com")

    def test_wrong_content_type_is_415(self):
        for ctype in ("text/plain", "application/x-www-form-urlencoded", None):
            with self.subTest(content_type=ctype):
                r = self.post(identify("ctype@example.com"), headers={"Content-Type": ctype})
                self.assertJsonError(r, 415, "Content-Type")
        self.assertNotStored("ctype@example.com")

    def test_json_content_type_with_charset_is_accepted(self):
        r = self.post(identify("charset@example.com"),
                      headers={"Content-Type": "Application/JSON; charset=utf-8"})
        self.assertSuccess(r)
        self.assertStored("charset@example.com")

    def test_content_encoding_br_is_415(self):
        r = self.post(identify("brotli@example.com"), headers={"Content-Encoding": "br"})
        self.assertJsonError(r, 415, "Content-Encoding", "br")
        self.assertNotStored("brotli@example.com")

    def test_invalid_gzip_is_400(self):
        r = self.post(b"this is not gzip at all", headers={"Content-Encoding": "gzip"})
        self.assertJsonError(r, 400, "gzip")

    def test_truncated_gzip_is_400(self):
        data = gzip_bytes(json.dumps(identify("truncated@example.com")))
        r = self.post(data[:len(data) // 2], headers={"Content-Encoding": "gzip"})
        self.assertJsonError(r, 400, "gzip")
        self.assertNotStored("truncated@example.com")

    def test_gzip_bomb_is_413(self):
        bomb = gzip_bytes(b"\0" * (10 * 1024 * KB))
        self.assertLess(len(bomb), 32 * KB)
        r = self.post(bomb, headers={"Content-Encoding": "gzip"})
        self.assertJsonError(r, 413, "decompressed", "32 KB")

    def test_gzip_bomb_in_a_batch_is_413(self):
        # Valid JSON that inflates past 500 KB.
        body = json.dumps({"batch": [], "padding": " " * (600 * KB)}).encode()
        bomb = zlib.compress(body, 9)
        r = self.post(bomb, path="/v1/batch", headers={"Content-Encoding": "gzip"})
        self.assertJsonError(r, 413, "decompressed", "500 KB")

    # -- call types and paths ------------------------------------------------

    def test_track_on_destination_is_501(self):
        r = self.post({"type": "track", "event": "Signed Up", "userId": "u1",
                       "context": {"traits": {"email": "track501@example.com"}}})
        self.assertJsonError(r, 501, "track")
        self.assertNotStored("track501@example.com")

    def test_unused_calls_are_counted_and_not_errors(self):
        # An operator forwarding every event sends mostly `track`: no
        # [error] line per event, a count per type in /metrics.
        before = self.nginx.read_error_log()
        for _ in range(3):
            self.assertEqual(self.post({"type": "track", "event": "x", "userId": "u"}).status,
                             501)
        self.assertEqual(self.post({"type": "page", "name": "Home", "userId": "u"}).status, 501)
        self.assertSuccess(self.post({"event": "x", "userId": "u"}, path="/v1/track"))
        log = self.nginx.read_error_log()[len(before):]
        self.assertNotRegex(log, r"\[(error|warn)\].*(track|page)")
        # At [info], once a minute per cause and worker: maybe by an earlier
        # test of this class.
        self.assertRegex(self.nginx.read_error_log(),
                         r'\[info\].*answered 501: .*call type "track"')
        metrics = self.http("GET", "/metrics").body
        metrics = metrics.decode() if isinstance(metrics, bytes) else metrics
        self.assertRegex(metrics, r'callexa_unused_calls_total\{handler="destination",'
                                  r'type="track"\} [3-9]')
        self.assertRegex(metrics, r'callexa_unused_calls_total\{handler="destination",'
                                  r'type="page"\} [1-9]')
        self.assertRegex(metrics, r'callexa_unused_calls_total\{handler="tracking API",'
                                  r'type="track"\} [1-9]')

    def test_track_on_tracking_api_is_ignored(self):
        r = self.post({"event": "Signed Up", "userId": "u2",
                       "properties": {"email": "track200@example.com"},
                       "context": {"traits": {"email": "track200@example.com"}}},
                      path="/v1/track")
        self.assertSuccess(r)
        self.assertNotStored("track200@example.com")

    def test_other_calls_on_tracking_api_are_ignored(self):
        for call in ("page", "screen", "group", "alias"):
            with self.subTest(call=call):
                r = self.post({"userId": "u3", "traits": {"email": "other@example.com"}},
                              path="/v1/" + call)
                self.assertSuccess(r)
        self.assertNotStored("other@example.com")

    def test_unknown_tracking_call_is_404(self):
        r = self.post(identify("unknown@example.com"), path="/v1/unknown")
        self.assertJsonError(r, 404, "unknown")
        self.assertNotStored("unknown@example.com")

    def test_batch_is_all_or_nothing(self):
        batch = {"batch": [identify("aon0@example.com"),
                           {"type": "track", "event": "x", "userId": "u"},
                           {"type": "identify", "traits": {"email": 7}},
                           identify("aon3@example.com")]}
        r = self.post(batch, path="/v1/batch")
        self.assertJsonError(r, 400, "batch[2]", "traits.email")
        self.assertNotStored("aon0@example.com", "aon2@example.com", "aon3@example.com")

    def test_batch_with_non_object_item_is_400(self):
        batch = {"batch": [identify("nonobj0@example.com"), "identify"]}
        r = self.post(batch, path="/v1/batch")
        self.assertJsonError(r, 400, "batch[1]")
        self.assertNotStored("nonobj0@example.com")

    def test_invalid_utf8_is_answered(self):
        # The worker must survive bytes that are not UTF-8.
        r = self.post(b'{"type": "identify", "traits": {"email": "utf\xff@example.com"}}')
        self.assertEqual(r.status, 400, r.body)
        self.assertIsInstance(r.body.get("message"), str)
        self.assertEqual(self.http("GET", "/noop").status, 204)

    def test_deeply_nested_traits_are_400_and_do_not_poison_the_customer(self):
        # SQLite's json_patch() refuses deep JSON: stored, such traits made
        # every later identify of the customer fail with 500.
        deep = (b'{"type": "identify", "traits": {"email": "deep@example.com", "x": ' +
                b"[" * 2000 + b"]" * 2000 + b"}}")
        self.assertJsonError(self.post(deep), 400, "levels deep")
        self.assertNotStored("deep@example.com")
        self.assertSuccess(self.post(identify("deep@example.com", traits={"firstName": "D"})))
        self.assertSuccess(self.post(identify("deep@example.com", traits={"lastName": "E"})))

    def test_moderately_nested_traits_are_stored_and_merged(self):
        nested = {}
        inner = nested
        for _ in range(30):
            inner["n"] = {}
            inner = inner["n"]
        self.assertSuccess(self.post(identify("nested@example.com", traits={"tree": nested})))
        self.assertSuccess(self.post(identify("nested@example.com",
                                              traits={"tree": nested, "plan": "pro"})))
        rows = self.nginx.db_query(
            "SELECT json_extract(traits, '$.plan') FROM customers WHERE email = ?",
            ("nested@example.com",))
        self.assertEqual(rows, [("pro",)])

    def test_extremely_deep_batch_does_not_crash_the_worker(self):
        # 240,000 levels in a 480 KB batch: a recursive serialiser overflows
        # the worker's stack (SIGSEGV, an [alert] at teardown).
        depth = 240000
        body = (b'{"batch": [{"type": "identify", "traits": {"email": "deeper@example.com", '
                b'"x": ' + b"[" * depth + b"]" * depth + b"}}]}")
        self.assertLess(len(body), 500 * KB)
        r = self.post(body, path="/v1/batch")
        self.assertJsonError(r, 400, "levels deep")
        self.assertEqual(self.http("GET", "/noop").status, 204)
        self.assertNotStored("deeper@example.com")


if __name__ == "__main__":
    unittest.main()
