"""Bad input on the survey pages through nginx: forged and malformed links
get a page, not an error dump; an oversized form gets 413; a wrong method
gets 405; nothing is recorded."""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# A well-formed token (66 base64url characters) signed with another secret.
FORGED = "AQAAAAAAAAABAAAAAGuBt4UOVkVaVUJyu-eK_tgMF51mnObKELafpizLcw6yT5uzGQ"


class SurveyBadInputTest(harness.NginxTestCase):
    server_extra = "    location /s/ { callexa_survey; }"

    def assertPage(self, result, status):
        self.assertEqual(result.status, status, result.body)
        self.assertTrue(result.headers.get("content-type", "").startswith("text/html"),
                        result.headers)

    def answers(self):
        return self.nginx.db_query("SELECT count(*) FROM answers")[0][0]

    def test_forged_and_malformed_links_get_a_page(self):
        self.assertPage(self.http("GET", "/s/%s?score=9" % FORGED), 404)
        self.assertPage(self.http("GET", "/s/not-a-token?score=9"), 404)
        self.assertPage(self.http("GET", "/s/u/%s" % FORGED), 404)
        r = self.http("POST", "/s/%s" % FORGED, body="score=9",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertPage(r, 404)
        self.assertEqual(self.answers(), 0)

    def test_oversized_form_is_refused_before_reading(self):
        r = self.http("POST", "/s/%s" % FORGED, body="comment=" + "x" * 70000,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertJsonError(r, 413, "64 KB")
        self.assertEqual(self.answers(), 0)

    def test_oversized_chunked_form_is_refused_with_json(self):
        # No Content-Length to check first: refused once read, by the
        # module under nginx's client_max_body_size, by nginx over it.
        for size in (70000, 2 * 1024 * 1024):
            r = self.http("POST", "/s/%s" % FORGED, body="comment=" + "x" * size,
                          chunked=True,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            self.assertJsonError(r, 413, "at most 64 KB")
        self.assertEqual(self.answers(), 0)

    def test_pages_are_never_cached_and_say_so_once(self):
        r = self.http("GET", "/s/%s?score=9" % FORGED)
        self.assertEqual(r.header_values("Cache-Control"), ["no-store"])
        self.assertEqual(len(r.header_values("Content-Security-Policy")), 1)

    def test_wrong_method(self):
        r = self.http("DELETE", "/s/%s" % FORGED)
        self.assertPage(r, 405)
        self.assertIn("POST", r.headers.get("allow", ""))


if __name__ == "__main__":
    unittest.main()
