"""Webhooks end to end (README "Alerts, webhooks and the inbox"): an answer
on the survey page reaches a local receiver as one signed Standard Webhooks
event per webhook and event type (verified with the secret the API showed
once) and as a Slack message; a receiver answering 500 then 200 gets the
event again with the same webhook-id and it is delivered once; 429 with
Retry-After is honoured; a SIGKILL of the jobs worker in the middle of a
delivery loses nothing and repeats only with the same webhook-id. These
nginx run with callexa_webhook_private_networks on (the receiver is on
127.0.0.1); without it the same URL is refused with 400."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import identify  # noqa: E402
from webhook_receiver import WebhookReceiver, verify  # noqa: E402

RECEIVER = WebhookReceiver()
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))


def setUpModule():
    RECEIVER.start()


def tearDownModule():
    RECEIVER.stop()


class WebhooksTest(harness.NginxTestCase):
    allowed_log_patterns = (r"worker process \d+ exited on signal 9",)
    http_extra = """
  callexa_public_url http://127.0.0.1:{port};
  callexa_mail_from "Acme NPS <nps@acme.example>";
  callexa_mail_dir {prefix}/data/mail;
  callexa_scheduler_interval 300ms;
  callexa_webhook_private_networks on;
"""
    server_extra = """
    location /s/ { callexa_survey; }
    location = /metrics { callexa_metrics; }"""

    def add_webhook(self, survey, path, events=("response.created",), format="standard"):
        r = self.nginx.admin("POST", "surveys/%d/webhooks" % survey["id"],
                             {"url": RECEIVER.url(path), "events": list(events),
                              "format": format})
        self.assertEqual(r.status, 201, r.body)
        self.assertTrue(r.body["secret"].startswith("whsec_"), r.body)
        RECEIVER.secrets[path] = r.body["secret"]
        return r.body

    def webhook(self, survey, wid):
        r = self.nginx.admin("GET", "surveys/%d/webhooks" % survey["id"])
        self.assertEqual(r.status, 200, r.body)
        for w in r.body["webhooks"]:
            self.assertNotIn("secret", w)  # shown once, never listed
        return next(w for w in r.body["webhooks"] if w["id"] == wid)

    def test_an_answer_is_one_signed_event_per_webhook_and_type(self):
        survey = self.nginx.create_survey(name="Acme", automation=True, min_delay_days=0)
        std = self.add_webhook(survey, "/std", ("response.created", "response.updated"))
        slack = self.add_webhook(survey, "/slack", ("response.created",), "slack")
        r = self.nginx.segment(survey["api_key"], identify(
            "ada@example.com", userId="u-ada",
            traits={"firstName": "Ada", "lastName": "Lovelace"}))
        self.assertEqual(r.status, 200, r.body)
        mail_dir = os.path.join(self.nginx.prefix, "data", "mail")
        page = harness.score_link(mail_dir, "ada@example.com",
                                  "http://127.0.0.1:%d" % self.nginx.port, 3)
        harness.answer_on_page(self.nginx, page, 2, "Slow")
        RECEIVER.wait_for("/std", 1)
        # The same person changes the answer: response.updated.
        harness.answer_on_page(self.nginx, page, 3, "Too slow <!channel> *now*")
        events = RECEIVER.wait_for("/std", 2)
        self.assertTrue(all(d.verified for d in events), events)
        bodies = [d.json() for d in events]
        self.assertEqual([b["type"] for b in bodies], ["response.created", "response.updated"])
        data = bodies[1]["data"]
        self.assertEqual(data["score"], 3)
        self.assertEqual(data["band"], "detractor")
        self.assertEqual(data["comment"], "Too slow <!channel> *now*")
        self.assertEqual(data["email"], "ada@example.com")
        self.assertEqual(data["first_name"], "Ada")
        self.assertEqual(data["last_name"], "Lovelace")
        self.assertEqual(data["user_id"], "u-ada")
        self.assertEqual(data["survey_id"], survey["id"])
        self.assertTrue(data["admin_url"].endswith(
            "/admin/#/surveys/%d/inbox?item=%d" % (survey["id"], data["invitation_id"])), data["admin_url"])
        self.assertEqual(bodies[0]["data"]["comment"], "Slow")
        self.assertNotEqual(events[0].headers["webhook-id"], events[1].headers["webhook-id"])
        self.assertEqual(events[0].headers["content-type"], "application/json")
        self.assertLessEqual(abs(int(events[1].headers["webhook-timestamp"]) - time.time()), 60)

        [message] = RECEIVER.wait_for("/slack", 1)
        self.assertIsNone(message.headers.get("webhook-signature"))
        body = message.json()
        self.assertIn("text", body)
        self.assertIsInstance(body["blocks"], list)
        time.sleep(1.5)  # nothing more comes for the Slack webhook (created only)
        self.assertEqual(len(RECEIVER.received("/slack")), 1)

        w = harness.wait_until(
            lambda: (lambda w: w if all(d["status"] == "delivered"
                                        for d in w["deliveries"]) else None)(
                self.webhook(survey, std["id"])), what="the delivery log")
        self.assertEqual(len(w["deliveries"]), 2)
        self.assertEqual(w["deliveries"][0]["http_status"], 200)
        self.assertIsNotNone(w["deliveries"][0]["latency_ms"])
        self.assertIsNone(w["failing_since"])
        self.assertEqual(self.webhook(survey, slack["id"])["deliveries"][0]["type"],
                         "response.created")
        metrics = self.nginx.http("GET", "/metrics").body.decode()
        delivered = [line for line in metrics.splitlines() if line.startswith(
            'callexa_webhook_deliveries_total{outcome="delivered"}')]
        self.assertEqual(len(delivered), 1, metrics)
        self.assertGreaterEqual(int(delivered[0].split()[-1]), 3)

    def test_500_then_200_is_delivered_once_with_the_same_id(self):
        survey = self.nginx.create_survey(name="Flaky")
        w = self.add_webhook(survey, "/flaky")
        RECEIVER.plan("/flaky", [500])
        r = self.nginx.admin("POST", "surveys/%d/webhooks/%d/test" % (survey["id"], w["id"]))
        self.assertEqual(r.status, 202, r.body)
        first = RECEIVER.wait_for("/flaky", 1)[0]
        self.assertEqual(first.answered, 500)
        self.assertEqual(first.json()["type"], "webhook.test")
        # The receiver sees the request before the worker records its answer.
        failing = harness.wait_until(
            lambda: (lambda w: w if w["failing_since"] is not None else None)(
                self.webhook(survey, w["id"])), what="the failure recorded")
        self.assertEqual(failing["deliveries"][0]["error"], "HTTP 500")
        got = RECEIVER.wait_for("/flaky", 2, timeout=40)
        self.assertEqual([d.answered for d in got], [500, 200])
        self.assertEqual(got[0].headers["webhook-id"], got[1].headers["webhook-id"])
        self.assertEqual(got[0].headers["webhook-id"], r.body["event_id"])
        self.assertTrue(all(d.verified for d in got))
        log = harness.wait_until(
            lambda: (lambda w: w if w["deliveries"][0]["status"] == "delivered" else None)(
                self.webhook(survey, w["id"])), what="the delivery recorded")
        self.assertEqual(log["deliveries"][0]["attempts"], 2)
        self.assertIsNone(log["failing_since"])
        self.assertIn("HTTP 500", self.nginx.read_error_log())
        time.sleep(1)
        self.assertEqual(len(RECEIVER.received("/flaky")), 2)

    def test_429_retry_after_is_honoured(self):
        survey = self.nginx.create_survey(name="Limited")
        w = self.add_webhook(survey, "/limited")
        RECEIVER.plan("/limited", [(429, {"Retry-After": "1"})])
        self.nginx.admin("POST", "surveys/%d/webhooks/%d/test" % (survey["id"], w["id"]))
        got = RECEIVER.wait_for("/limited", 2, timeout=8)  # not the 10 s backoff
        self.assertEqual([d.answered for d in got], [429, 200])
        self.assertGreaterEqual(got[1].at - got[0].at, 0.9)
        self.assertEqual(got[0].headers["webhook-id"], got[1].headers["webhook-id"])

    def test_a_redirect_fails_at_once(self):
        survey = self.nginx.create_survey(name="Moved")
        w = self.add_webhook(survey, "/moved")
        RECEIVER.plan("/moved", ["redirect"])
        self.nginx.admin("POST", "surveys/%d/webhooks/%d/test" % (survey["id"], w["id"]))
        log = harness.wait_until(
            lambda: (lambda w: w if w["deliveries"][0]["status"] == "failed" else None)(
                self.webhook(survey, w["id"])), what="the redirect failed")
        self.assertEqual(log["deliveries"][0]["http_status"], 302)
        self.assertEqual(len(RECEIVER.received("/elsewhere")), 0)

    def test_kill_9_of_the_jobs_worker_mid_delivery(self):
        survey = self.nginx.create_survey(name="Killed")
        w = self.add_webhook(survey, "/slow")
        RECEIVER.plan("/slow", ["hang"])
        r = self.nginx.admin("POST", "surveys/%d/webhooks/%d/test" % (survey["id"], w["id"]))
        RECEIVER.wait_for("/slow", 1)  # the jobs worker is in the middle of it
        pid = self.nginx.jobs_worker()
        os.kill(pid, signal.SIGKILL)
        harness.wait_until(lambda: self.nginx.jobs_worker() != pid, timeout=15,
                           what="a new jobs worker")
        RECEIVER.release()
        # The lease (20 s) expires; the new worker sends it again.
        got = RECEIVER.wait_for("/slow", 2, timeout=45)
        self.assertEqual({d.headers["webhook-id"] for d in got}, {r.body["event_id"]})
        self.assertTrue(all(d.verified for d in got))
        harness.wait_until(
            lambda: self.webhook(survey, w["id"])["deliveries"][0]["status"] == "delivered",
            what="the delivery recorded")

    def test_bad_input_names_the_field_and_the_log_keeps_no_secret(self):
        survey = self.nginx.create_survey(name="Bad")
        path = "surveys/%d/webhooks" % survey["id"]
        good = {"url": RECEIVER.url("/x"), "events": ["response.created"]}
        for body, field in [
            (dict(good, url="ftp://example.com/"), "url"),
            (dict(good, url=""), "url"),
            (dict(good, events=[]), "events"),
            (dict(good, events=["response.deleted"]), "events"),
            (dict(good, format="xml"), "format"),
        ]:
            r = self.nginx.admin("POST", path, body)
            self.assertEqual(r.status, 400, body)
            self.assertIn(field, r.body["message"])
        made = [self.nginx.admin("POST", path, good) for _ in range(10)]
        self.assertTrue(all(m.status == 201 for m in made))
        r = self.nginx.admin("POST", path, good)
        self.assertEqual(r.status, 400)
        self.assertIn("10", r.body["message"])
        wid = made[0].body["id"]
        r = self.nginx.admin("POST", "%s/%d/secret" % (path, wid))
        self.assertEqual(r.status, 200, r.body)
        self.assertNotEqual(r.body["secret"], made[0].body["secret"])
        r = self.nginx.admin("POST", "%s/%d/enable" % (path, wid))
        self.assertEqual(r.status, 200, r.body)
        self.assertIsNone(r.body["disabled_at"])
        self.assertNotIn("secret", r.body)
        self.assertEqual(self.nginx.admin("DELETE", "%s/%d" % (path, wid)).status, 200)
        self.assertEqual(self.nginx.admin("DELETE", "%s/%d" % (path, wid)).status, 404)
        audit = self.nginx.admin("GET", "audit?survey_id=%d" % survey["id"]).body["entries"]
        actions = [e["action"] for e in audit]
        for a in ("webhook.create", "webhook.rotate_secret", "webhook.enable", "webhook.delete"):
            self.assertIn(a, actions)
        self.assertNotIn("whsec_", str(audit))


    def test_the_owner_sets_up_a_webhook_in_a_browser(self):
        survey = self.nginx.create_survey(name="Browser")
        out_file = tempfile.mktemp(prefix="callexa-webhooks-flow-", suffix=".json")
        self.addCleanup(lambda: os.path.exists(out_file) and os.remove(out_file))
        env = dict(os.environ, BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   ADMIN_USER=harness.ADMIN_USER, ADMIN_PASSWORD=harness.ADMIN_PASSWORD,
                   SHOT_DIR=SHOT_DIR, SURVEY_ID=str(survey["id"]),
                   HOOK_URL=RECEIVER.url("/browser"), OUT_FILE=out_file)
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "webhooks_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=180)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        with open(out_file) as f:
            secret = json.load(f)["secret"]
        # The secret the page showed once signs what the receiver got.
        RECEIVER.secrets["/browser"] = secret
        [test] = RECEIVER.received("/browser")
        self.assertEqual(test.json()["type"], "webhook.test")
        self.assertTrue(verify(secret, test.headers, test.body))
        for width in (1280, 390):
            self.assertTrue(os.path.exists(os.path.join(SHOT_DIR, "webhooks-%d.png" % width)))


class PrivateNetworksOffTest(harness.NginxTestCase):
    """Without callexa_webhook_private_networks: https only, and no
    loopback or private address."""

    def test_private_and_plain_http_urls_are_refused(self):
        survey = self.nginx.create_survey(name="Public")
        for url in (RECEIVER.url("/x"), "https://127.0.0.1/x", "https://10.1.2.3/",
                    "https://[::1]/", "https://169.254.169.254/latest"):
            r = self.nginx.admin("POST", "surveys/%d/webhooks" % survey["id"],
                                 {"url": url, "events": ["response.created"]})
            self.assertEqual(r.status, 400, url)
            self.assertIn("url", r.body["message"])
        r = self.nginx.admin("POST", "surveys/%d/webhooks" % survey["id"],
                             {"url": "https://hooks.example.com/nps",
                              "events": ["response.created"]})
        self.assertEqual(r.status, 201, r.body)


if __name__ == "__main__":
    unittest.main()
