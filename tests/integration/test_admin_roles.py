"""A team through nginx (README "A team"): auth_basic users alice, bob and
carol, a map of $remote_user to callexa_admin_role (alice owner, bob editor,
anyone else viewer). The API refuses what a role may not do with a 403
naming the role and the action, api/me answers each, and the audit log
records bob's and alice's changes with their users and no secret or
address. Then tests/browser/team_flow.mjs shows the header and the Audit
log page as carol and as alice, at 1280 and 390 px, checked with axe-core."""

import os
import subprocess
import unittest

import harness

BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
SHOT_DIR = os.environ.get("CALLEXA_SCREENSHOTS") or os.path.abspath(
    os.path.join(os.path.dirname(harness.module_path()), "screenshots"))
PASSWORD = "team password"


class AdminRolesTest(harness.NginxTestCase):
    http_extra = """
  map $remote_user $callexa_role {
    alice owner;
    admin owner;
    bob editor;
    default viewer;
  }
  callexa_admin_role $callexa_role;
"""
    # A location whose role comes from a header (a test stand-in for an
    # upstream's answer), and one behind auth_request alone.
    server_extra = """
    location /odd/ {
      auth_basic "x";
      auth_basic_user_file htpasswd;
      callexa_admin_role $http_x_test_role;
      callexa_admin;
    }
    location = /sso-check { internal; return 204; }
    location /sso/ {
      auth_request /sso-check;
      callexa_admin_role viewer;
      callexa_admin;
    }"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        hashed = subprocess.run(
            ["openssl", "passwd", "-6", "-stdin"], input=PASSWORD.encode(),
            capture_output=True, check=True, timeout=30).stdout.decode().strip()
        # nginx reads the user file on every request.
        with open(os.path.join(cls.nginx.prefix, "htpasswd"), "a") as f:
            for user in ("alice", "bob", "carol"):
                f.write("%s:%s\n" % (user, hashed))

    def as_user(self, user, method, path, body=None, prefix="/admin/"):
        if body is None and method not in ("GET", "HEAD"):
            body = {}
        return self.http(method, prefix + "api/" + path, body=body, auth=(user, PASSWORD))

    def test_roles_audit_and_the_browser(self):
        survey = self.as_user("alice", "POST", "surveys", {"name": "Team survey"})
        self.assertEqual(survey.status, 201, survey.body)
        sid = survey.body["id"]
        path = "surveys/%d" % sid

        for user, role in (("alice", "owner"), ("bob", "editor"), ("carol", "viewer")):
            me = self.as_user(user, "GET", "me")
            self.assertEqual(me.status, 200, me.body)
            self.assertEqual(me.body, {"user": user, "role": role})

        # carol, a viewer, reads but changes nothing.
        self.assertEqual(self.as_user("carol", "GET", path).status, 200)
        self.assertJsonError(self.as_user("carol", "PATCH", path, {"name": "x"}), 403,
                             "the viewer role may not change survey settings")
        self.assertJsonError(self.as_user("carol", "GET", path + "/responses.csv"), 403,
                             "the viewer role may not export responses")
        self.assertJsonError(self.as_user("carol", "POST", path + "/api-key"), 403,
                             "the viewer role may not rotate a survey's API key")
        self.assertJsonError(self.as_user("carol", "GET", "audit"), 403,
                             "the viewer role may not view the audit log")

        # bob, an editor, changes settings, not keys, and erases nobody.
        r = self.as_user("bob", "PATCH", path, {"name": "Team NPS", "min_delay_days": 5})
        self.assertEqual(r.status, 200, r.body)
        r = self.as_user("bob", "POST", path + "/recipients",
                         {"recipients": [{"email": "ann@example.com"}]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.as_user("bob", "GET", path + "/responses.csv").status, 200)
        self.assertJsonError(self.as_user("bob", "POST", path + "/api-key"), 403,
                             "the editor role may not rotate a survey's API key")
        self.assertJsonError(self.as_user("bob", "PATCH", path,
                                          {"segment_write_key": "wk_team_secret"}), 403,
                             "the editor role may not set a survey's Segment write key")
        self.assertJsonError(self.as_user("bob", "POST", "erasure",
                                          {"email": "ann@example.com"}), 403,
                             "the editor role may not erase a person's data")

        # alice, the owner, may.
        r = self.as_user("alice", "PATCH", path, {"segment_write_key": "wk_team_secret"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body["segment_write_key"], "wk_team_secret")
        # The keys are the owner's: the others read the survey without them.
        for user in ("bob", "carol"):
            seen = self.as_user(user, "GET", path).body
            self.assertIsNone(seen["api_key"], user)
            self.assertIsNone(seen["segment_write_key"], user)
        r = self.as_user("alice", "POST", path + "/api-key")
        self.assertEqual(r.status, 200, r.body)
        r = self.as_user("alice", "POST", "erasure", {"email": "ann@example.com"})
        self.assertEqual(r.status, 200, r.body)

        audit = self.as_user("bob", "GET", "audit")
        self.assertEqual(audit.status, 200, audit.body)
        got = [(e["user"], e["role"], e["action"]) for e in audit.body["entries"]]
        self.assertEqual(got, [
            ("alice", "owner", "erasure"),
            ("alice", "owner", "survey.rotate_key"),
            ("alice", "owner", "survey.update"),
            ("bob", "editor", "recipients.add"),
            ("bob", "editor", "survey.update"),
            ("alice", "owner", "survey.create"),
        ])
        self.assertEqual(audit.body["entries"][4]["details"]["changes"],
                         {"name": {"before": "Team survey", "after": "Team NPS"},
                          "min_delay_days": {"before": 3, "after": 5}})
        self.assertEqual(audit.body["entries"][2]["details"]["changes"],
                         {"segment_write_key": {"changed": True}})
        text = str(audit.body)
        self.assertNotIn("wk_team_secret", text)
        self.assertNotIn("ann@example.com", text)
        only = self.as_user("alice", "GET", "audit?survey_id=%d&limit=2" % sid)
        self.assertEqual(only.body["total"], 5, only.body)
        self.assertEqual(len(only.body["entries"]), 2)

        # A role value that names no role is the least, with a [warn].
        r = self.http("GET", "/odd/api/me", auth=("alice", PASSWORD),
                      headers={"X-Test-Role": "superuser"})
        self.assertEqual(r.body, {"user": "alice", "role": "viewer"})
        r = self.http("GET", "/odd/api/me", auth=("carol", PASSWORD),
                      headers={"X-Test-Role": "editor"})
        self.assertEqual(r.body, {"user": "carol", "role": "editor"})
        harness.wait_until(lambda: '"superuser"' in self.nginx.read_error_log(),
                           what="the [warn] naming the role")
        self.assertRegex(self.nginx.read_error_log(),
                         r'\[warn\].*callexa_admin_role gave "superuser".*treated as viewer')
        # Behind auth_request, an Authorization header no password check
        # vouched for names nobody.
        r = self.http("GET", "/sso/api/me", auth=("alice", "not checked"))
        self.assertEqual(r.body, {"user": None, "role": "viewer"})

        env = dict(os.environ, BASE="http://127.0.0.1:%d/admin/" % self.nginx.port,
                   PASSWORD=PASSWORD, SHOT_DIR=SHOT_DIR, SURVEY_ID=str(sid),
                   SURVEY_NAME="Team NPS")
        run = subprocess.run(["node", os.path.join(BROWSER_DIR, "team_flow.mjs")],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True,
                             timeout=240)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        for user in ("carol", "alice"):
            for width in (1280, 390):
                for what in ("header", "audit"):
                    self.assertTrue(os.path.exists(os.path.join(
                        SHOT_DIR, "team-%s-%s-%d.png" % (what, user, width))))


if __name__ == "__main__":
    unittest.main()
