"""Reports end to end through nginx: customers identified through Segment
answer on the survey pages from their emails; the admin API's statistics
(GET api/surveys/{id}/stats) count them, with filters, on the reports
thread pool; the CSV export (responses.csv) streams them, quoted and
formula-safe."""

import csv
import io
import os
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PUBLIC_URL = "http://nps.test"
CONTENT = {"tags": ["Support", "Price"],
           "questions": [{"id": "feature", "text": "What is missing?"}]}


class ReportsTest(harness.NginxTestCase):
    main_extra = "thread_pool callexa_reports threads=2;"
    server_extra = """
    location /s/ { callexa_survey; }
"""

    @classmethod
    def setUpClass(cls):
        cls.mail_dir = tempfile.mkdtemp(prefix="callexa-mail-")
        os.chmod(cls.mail_dir, 0o777)  # written by the workers' user
        cls.addClassCleanup(shutil.rmtree, cls.mail_dir, True)
        cls.http_extra = ('callexa_public_url %s;\ncallexa_mail_from "Shop <nps@shop.example>";\n'
                          "callexa_smtp off;\ncallexa_mail_dir %s;\n"
                          "callexa_scheduler_interval 1s;\n"
                          "callexa_reports_thread_pool callexa_reports;\n"
                          % (PUBLIC_URL, cls.mail_dir))
        super().setUpClass()
        cls.survey = cls.nginx.create_survey(name="reports", automation=True,
                                             min_delay_days=0, content=CONTENT)
        answers = [
            # address, first name, plan, score, comment, form fields
            ("ada@example.com", "Ada", "pro", 10, 'Fast, "friendly"\nthanks',
             {"tag_0": "5", "q_feature": "dark mode"}),
            ("bob@example.com", "Bob", "free", 9, "", {"tag_0": "4", "tag_1": "2"}),
            ("cy@example.com", "Cy", "pro", 3, "=HYPERLINK(\"http://evil\")",
             {"tag_1": "1"}),
        ]
        for address, name, plan, score, comment, fields in answers:
            cls.identify(address, name, plan)
            page = harness.score_link(cls.mail_dir, address, PUBLIC_URL, score)
            harness.answer_on_page(cls.nginx, page, score, comment, **fields)
        cls.identify("dee@example.com", "Dee", "free")  # invited, never answers
        # The email is written before its invitation is recorded as sent.
        harness.wait_until(
            lambda: cls.nginx.customers(cls.survey["id"], "dee@example.com")[0]["state"]
            == "sent", what="dee's invitation recorded as sent")

    @classmethod
    def identify(cls, address, first_name, plan):
        r = cls.nginx.segment(cls.survey["api_key"], harness.identify(
            address, traits={"firstName": first_name, "plan": plan}))
        assert r.status == 200, r

    def stats(self, query=""):
        return self.nginx.admin("GET", "surveys/%d/stats%s" % (self.survey["id"], query))

    def test_stats_of_the_last_90_days(self):
        r = self.stats()
        self.assertEqual(r.status, 200, r.body)
        s = r.body
        self.assertEqual(s["interval"], "week")
        self.assertEqual(s["counts"]["answers"], 3)
        self.assertEqual(s["counts"]["promoters"], 2)
        self.assertEqual(s["counts"]["detractors"], 1)
        self.assertAlmostEqual(s["nps"], 33.33)
        # p = 2/3, d = 1/3: var = 1 - 1/9; SE = sqrt(var / 3); 1.96 SE as points.
        self.assertAlmostEqual(s["margin_of_error"], 106.7, places=1)
        self.assertEqual(s["distribution"], [0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1])
        self.assertEqual(s["counts"]["invitations_sent"], 4)
        self.assertEqual(s["response_rate"], 0.75)
        self.assertAlmostEqual(s["comment_rate"], 0.6667)
        self.assertEqual([t["name"] for t in s["tags"]], ["Support", "Price"])
        self.assertEqual(s["tags"][0]["average"], 4.5)
        self.assertEqual(s["tags"][1]["nps_by_rating"], {"1": -100.0, "2": 100.0})
        self.assertEqual(sum(p["answers"] for p in s["trend"]), 3)
        self.assertEqual(s["trend"][-1]["end"], s["to"])
        self.assertEqual(s["previous"]["counts"]["answers"], 0)
        self.assertIsNone(s["change"])
        self.assertFalse(s["change_is_significant"])

    def test_filters(self):
        promoters = self.stats("?band=promoter").body
        self.assertEqual(promoters["counts"]["answers"], 2)
        self.assertEqual(promoters["nps"], 100.0)
        pro = self.stats("?trait.plan=pro").body
        self.assertEqual(pro["counts"]["answers"], 2)
        self.assertEqual(pro["counts"]["invitations_sent"], 2)
        self.assertEqual(self.stats("?trait.first_name=Bob").body["counts"]["answers"], 1)
        self.assertEqual(self.stats("?tag=Price").body["counts"]["answers"], 2)
        self.assertEqual(self.stats("?has_comment=true").body["counts"]["answers"], 2)
        month = self.stats("?interval=month&from=2020-01-01").body
        self.assertEqual(month["from"], "2020-01-01T00:00:00Z")
        self.assertEqual(month["trend"][0]["start"], "2020-01-01T00:00:00Z")
        self.assertEqual(month["trend"][1]["start"], "2020-02-01T00:00:00Z")

    def test_bad_parameters_are_named(self):
        self.assertJsonError(self.stats("?band=fans"), 400, "band")
        self.assertJsonError(self.stats("?from=2026-13-01"), 400, "from")
        self.assertJsonError(self.stats("?colour=red"), 400, "unknown parameter colour")
        self.assertJsonError(self.stats("?trait.a-b=1"), 400, "trait.a-b")
        self.assertJsonError(self.nginx.admin("GET", "surveys/999/stats"), 404)
        self.assertJsonError(self.nginx.admin(
            "GET", "surveys/%d/responses.csv?interval=year" % self.survey["id"]), 400,
            "interval")

    def test_csv_export(self):
        r = self.nginx.admin("GET", "surveys/%d/responses.csv" % self.survey["id"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["content-type"], "text/csv; charset=utf-8")
        self.assertRegex(r.headers["content-disposition"],
                         r'^attachment; filename="responses-survey-%d-\d{4}-\d\d-\d\d-to-'
                         r'\d{4}-\d\d-\d\d\.csv"$' % self.survey["id"])
        self.assertEqual(r.headers.get("transfer-encoding"), "chunked")  # streamed
        self.assertNotIn("content-length", r.headers)
        body = r.body
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        self.assertTrue(body.endswith(b"\r\n"))
        rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline="")))
        self.assertEqual(rows[0], ["answered_at", "email", "first_name", "last_name", "score",
                                   "band", "comment", "tag:Support", "tag:Price",
                                   "question:feature", "consent"])
        by_email = {row[1]: row for row in rows[1:]}
        self.assertEqual(sorted(by_email), ["ada@example.com", "bob@example.com",
                                            "cy@example.com"])
        ada = by_email["ada@example.com"]
        self.assertEqual(ada[2], "Ada")
        self.assertEqual(ada[4:], ["10", "promoter", 'Fast, "friendly"\nthanks', "5", "",
                                   "dark mode", "no"])
        self.assertEqual(by_email["bob@example.com"][7:9], ["4", "2"])
        self.assertEqual(by_email["cy@example.com"][5:7],
                         ["detractor", "'=HYPERLINK(\"http://evil\")"])
        detractors = self.nginx.admin(
            "GET", "surveys/%d/responses.csv?band=detractor" % self.survey["id"]).body
        self.assertEqual(detractors.count(b"\r\n"), 2)  # the header and cy


if __name__ == "__main__":
    unittest.main()
