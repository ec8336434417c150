"""Testimonials end to end through nginx: an identify, the survey email, a
promoter's answer with consent on the survey page, the owner's approval in
the admin API, and the public embed (JSON, script, page) that shows it;
an unsubscribe takes it off at once."""

import os
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PUBLIC_URL = "http://nps.test"


class EmbedTest(harness.NginxTestCase):
    server_extra = """
    location /s/ { callexa_survey; }
    location /embed/ { callexa_embed; }
"""

    @classmethod
    def setUpClass(cls):
        cls.mail_dir = tempfile.mkdtemp(prefix="callexa-mail-")
        os.chmod(cls.mail_dir, 0o777)  # written by the workers' user
        cls.addClassCleanup(shutil.rmtree, cls.mail_dir, True)
        cls.http_extra = ('callexa_public_url %s;\ncallexa_mail_from "Shop <nps@shop.example>";\n'
                          "callexa_smtp off;\ncallexa_mail_dir %s;\n"
                          "callexa_scheduler_interval 1s;\n" % (PUBLIC_URL, cls.mail_dir))
        super().setUpClass()

    def promoter(self, survey, address, comment):
        r = self.nginx.segment(survey["api_key"],
                               harness.identify(address, traits={"firstName": "Ada",
                                                                 "lastName": "Lovelace"}))
        self.assertSuccess(r)
        page = harness.score_link(self.mail_dir, address, PUBLIC_URL, 10)
        harness.answer_on_page(self.nginx, page, 10, comment, consent="on")
        return page

    def embed(self, survey, file="testimonials.json", **kwargs):
        return self.http("GET", "/embed/%s/%s" % (survey["public_id"], file), **kwargs)

    def test_approved_quote_is_embedded_and_leaves_on_unsubscribe(self):
        survey = self.nginx.create_survey(name="embed", automation=True, min_delay_days=0)
        self.promoter(survey, "ada@example.com", "Quick <b>and</b> kind.")
        self.assertEqual(self.embed(survey).body["testimonials"], [])  # not yet approved

        queue = self.nginx.admin("GET", "surveys/%d/testimonials" % survey["id"]).body
        [pending] = queue["testimonials"]
        self.assertEqual(pending["comment"], "Quick <b>and</b> kind.")
        self.assertNotEqual(pending["consent_text"], "")
        r = self.nginx.admin("POST", "surveys/%d/testimonials/%d/approve"
                             % (survey["id"], pending["answer_id"]), {})
        self.assertEqual(r.status, 200, r.body)

        r = self.embed(survey)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["access-control-allow-origin"], "*")
        self.assertEqual(r.header_values("Cache-Control"), ["public, max-age=300"])
        self.assertEqual(r.body["testimonials"], [{"name": "Ada", "score": 10,
                                                   "text": "Quick <b>and</b> kind.",
                                                   "date": r.body["testimonials"][0]["date"]}])
        again = self.embed(survey, headers={"If-None-Match": r.headers["etag"]})
        self.assertEqual(again.status, 304)
        page = self.embed(survey, "testimonials.html")
        self.assertIn(b"Quick &lt;b&gt;and&lt;/b&gt; kind.", page.body)
        self.assertEqual(self.embed(survey, "testimonials.js").status, 200)

        # The one-click unsubscribe from the email's List-Unsubscribe URL.
        msg = harness.survey_email(self.mail_dir, "ada@example.com")
        unsubscribe = msg["List-Unsubscribe"].strip("<>")[len(PUBLIC_URL):]
        r = self.http("POST", unsubscribe, body="List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200)
        self.assertEqual(self.embed(survey).body["testimonials"], [])

    def test_unknown_survey_and_bad_paths(self):
        self.assertJsonError(self.http("GET", "/embed/ffffffffffffffff/testimonials.json"),
                             404, "no such survey")
        self.assertJsonError(self.http("GET", "/embed/x/../testimonials.json"), 404)
        r = self.http("POST", "/embed/ffffffffffffffff/testimonials.json", body="{}")
        self.assertEqual(r.status, 413)  # no body taken at all


if __name__ == "__main__":
    unittest.main()
