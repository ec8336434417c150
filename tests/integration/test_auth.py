"""Keys on the ingestion endpoints, nginx's auth on the admin API, and CSRF."""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ADMIN_PASSWORD, ADMIN_USER, identify  # noqa: E402


class IngestKeyTest(harness.NginxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.nginx.create_survey(name="auth", min_delay_days=3, max_delay_days=0)

    def test_destination_without_authorization_is_401(self):
        r = self.http("POST", "/segment", identify("nokey@example.com"))
        self.assertJsonError(r, 401, "API key")
        self.assertEqual(self.nginx.customers(self.survey["id"], "nokey@example.com"), [])

    def test_destination_with_wrong_key_is_401(self):
        r = self.nginx.segment("ck_" + "0" * 40, identify("wrongkey@example.com"))
        self.assertJsonError(r, 401, "invalid API key")
        self.assertEqual(self.nginx.customers(self.survey["id"], "wrongkey@example.com"), [])

    def test_destination_with_key_prefix_only_is_401(self):
        # Keys are looked up by prefix, then compared in full.
        key = self.survey["api_key"][:12] + "x" * 28
        r = self.nginx.segment(key, identify("prefix@example.com"))
        self.assertJsonError(r, 401, "invalid API key")

    def test_destination_with_non_basic_scheme_is_401(self):
        r = self.http("POST", "/segment", identify("bearer@example.com"),
                      headers={"Authorization": "Bearer " + self.survey["api_key"]})
        self.assertJsonError(r, 401, "Basic")

    def test_destination_with_empty_or_garbled_key_is_401(self):
        cases = [("Basic " + "Og==", "empty API key"),       # base64(":")
                 ("Basic !!!not-base64!!!", "base64"),
                 ("Basic", "Basic")]
        for header, fragment in cases:
            with self.subTest(authorization=header):
                r = self.http("POST", "/segment", identify("garbled@example.com"),
                              headers={"Authorization": header})
                self.assertJsonError(r, 401, fragment)
        self.assertEqual(self.nginx.customers(self.survey["id"], "garbled@example.com"), [])

    def test_destination_ignores_write_key_in_body(self):
        # The partner destination takes its key from the header only.
        body = identify("destbody@example.com", writeKey=self.survey["api_key"])
        r = self.http("POST", "/segment", body)
        self.assertJsonError(r, 401, "missing API key")
        self.assertEqual(self.nginx.customers(self.survey["id"], "destbody@example.com"), [])

    def test_destination_with_right_key_is_200(self):
        r = self.nginx.segment(self.survey["api_key"], identify("rightkey@example.com"))
        self.assertSuccess(r)
        self.assertEqual(len(self.nginx.customers(self.survey["id"], "rightkey@example.com")), 1)

    def test_rotated_key_replaces_the_old_one(self):
        survey = self.nginx.create_survey(name="rotate")
        old = survey["api_key"]
        self.assertSuccess(self.nginx.segment(old, identify("before@example.com")))
        r = self.nginx.admin("POST", "surveys/%d/api-key" % survey["id"])
        self.assertEqual(r.status, 200, r.body)
        new = r.body["api_key"]
        self.assertNotEqual(new, old)
        self.assertEqual(r.body["id"], survey["id"])
        self.assertJsonError(self.nginx.segment(old, identify("old@example.com")), 401,
                             "invalid API key")
        self.assertSuccess(self.nginx.segment(new, identify("new@example.com")))
        self.assertEqual(self.nginx.customers(survey["id"], "old@example.com"), [])
        self.assertEqual(len(self.nginx.customers(survey["id"], "new@example.com")), 1)
        got = self.nginx.admin("GET", "surveys/%d" % survey["id"])
        self.assertEqual(got.body["api_key"], new)

    def test_tracking_identify_with_write_key_in_body(self):
        body = identify("bodykey@example.com", writeKey=self.survey["api_key"])
        del body["type"]  # Segment documents /v1/identify without "type"
        r = self.http("POST", "/v1/identify", body)
        self.assertSuccess(r)
        self.assertEqual(len(self.nginx.customers(self.survey["id"], "bodykey@example.com")), 1)

    def test_tracking_identify_with_wrong_write_key_in_body_is_401(self):
        body = identify("bodywrong@example.com", writeKey="ck_nosuchkey")
        r = self.http("POST", "/v1/identify", body)
        self.assertJsonError(r, 401, "invalid API key")

    def test_tracking_without_any_key_is_401(self):
        r = self.http("POST", "/v1/identify", identify("nowritekey@example.com"))
        self.assertJsonError(r, 401, "write key")

    def test_tracking_batch_with_basic_write_key(self):
        body = {"batch": [identify("batch1@example.com"), identify("batch2@example.com")]}
        r = self.nginx.tracking(self.survey["api_key"], "batch", body)
        self.assertSuccess(r)
        for email in ("batch1@example.com", "batch2@example.com"):
            self.assertEqual(len(self.nginx.customers(self.survey["id"], email)), 1)

    def test_tracking_batch_with_wrong_write_key_is_401(self):
        body = {"batch": [identify("batchwrong@example.com")]}
        r = self.nginx.tracking("ck_wrong", "batch", body)
        self.assertJsonError(r, 401, "invalid API key")
        self.assertEqual(self.nginx.customers(self.survey["id"], "batchwrong@example.com"), [])


class AdminAuthTest(harness.NginxTestCase):
    # auth_basic logs a wrong password at [error]; the open location logs
    # its refusal at [error]. Neither is [alert]/[crit]/[emerg].

    def test_admin_without_credentials_is_nginx_401(self):
        r = self.http("GET", "/admin/api/surveys")
        self.assertEqual(r.status, 401)
        self.assertIn("www-authenticate", r.headers)
        self.assertIn("Basic", r.headers["www-authenticate"])

    def test_admin_with_wrong_password_is_401(self):
        r = self.http("GET", "/admin/api/surveys", auth=(ADMIN_USER, "wrong"))
        self.assertEqual(r.status, 401)
        r = self.http("POST", "/admin/api/surveys", {"name": "x"}, auth=("nobody", "x"))
        self.assertEqual(r.status, 401)

    def test_admin_with_credentials_is_200(self):
        r = self.http("GET", "/admin/api/surveys", auth=(ADMIN_USER, ADMIN_PASSWORD))
        self.assertEqual(r.status, 200, r.body)
        self.assertIsInstance(r.body["surveys"], list)

    def test_admin_answers_are_not_cached(self):
        # They carry API keys.
        r = self.nginx.admin("GET", "surveys")
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        self.assertTrue(r.headers["content-type"].startswith("application/json"))

    def test_admin_unknown_route_is_404_json(self):
        r = self.nginx.admin("GET", "nosuch")
        self.assertJsonError(r, 404, "no such admin route")

    def test_csrf_text_plain_is_415(self):
        r = self.nginx.admin("POST", "surveys", b'{"name": "csrf"}',
                             headers={"Content-Type": "text/plain"})
        self.assertJsonError(r, 415, "application/json")

    def test_csrf_form_is_415(self):
        r = self.nginx.admin("POST", "surveys", b"name=csrf",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertJsonError(r, 415, "application/json")

    def test_csrf_foreign_origin_is_403(self):
        r = self.nginx.admin("POST", "surveys", {"name": "csrf"},
                             headers={"Origin": "http://evil.example"})
        self.assertJsonError(r, 403, "cross-origin")

    def test_csrf_cross_site_fetch_is_403(self):
        r = self.nginx.admin("POST", "surveys", {"name": "csrf"},
                             headers={"Sec-Fetch-Site": "cross-site"})
        self.assertJsonError(r, 403, "cross-site")

    def test_csrf_foreign_origin_cannot_rotate_key(self):
        survey = self.nginx.create_survey(name="keep key")
        r = self.nginx.admin("POST", "surveys/%d/api-key" % survey["id"], {},
                             headers={"Origin": "http://evil.example"})
        self.assertJsonError(r, 403, "cross-origin")
        got = self.nginx.admin("GET", "surveys/%d" % survey["id"]).body
        self.assertEqual(got["api_key"], survey["api_key"])

    def test_same_origin_post_is_201(self):
        origin = "http://127.0.0.1:%d" % self.nginx.port
        r = self.nginx.admin("POST", "surveys", {"name": "same origin"},
                             headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.body["name"], "same origin")
        for field in ("id", "api_key", "public_id"):
            self.assertIn(field, r.body)

    def test_safe_method_with_foreign_origin_is_allowed(self):
        r = self.nginx.admin("GET", "surveys", headers={"Origin": "http://evil.example"})
        self.assertEqual(r.status, 200, r.body)


if __name__ == "__main__":
    unittest.main()
