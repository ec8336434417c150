"""Who may reach callexa_admin: only what nginx's access phase enforces in
the location counts (auth_basic with a user file, auth_request, a verified
client certificate), decided from the auth modules' configuration, never
from request headers. `nginx -t` refuses a location that nothing guards.

The probes of issue 17: a location with no authentication that reads
$remote_user (a limit_req keyed on it, a `set`) used to serve the admin API
to anyone sending `-u attacker:anything`."""

import base64
import http.client
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ADMIN_PASSWORD, ADMIN_USER  # noqa: E402

LIMIT_ZONE = "limit_req_zone $remote_user zone=peruser:1m rate=100r/s;"


class NginxTestRefusesUnguardedAdminTest(harness.ConfigCheckTestCase):
    """`nginx -t` on configurations with an admin location nothing guards."""

    def assertRefused(self, location, **snippets):
        out = self.assertRejected(
            'callexa_admin in location "%s" has no access control' % location, **snippets)
        self.assertIn("t.conf:", out)  # names where the location is

    def assertAccepted(self, **snippets):
        rc, out = self.nginx_t(**snippets)
        self.assertEqual(rc, 0, out)

    def test_open_location_is_refused(self):
        self.assertRefused("/open-admin/",
                           server_extra="location /open-admin/ { callexa_admin; }")

    def test_limit_req_on_remote_user_is_refused(self):
        self.assertRefused("/admin-lr/", http_extra=LIMIT_ZONE,
                           server_extra="location /admin-lr/ { limit_req zone=peruser "
                                        "burst=100; callexa_admin; }")

    def test_set_from_remote_user_is_refused(self):
        self.assertRefused("/admin-ru/",
                           server_extra="location /admin-ru/ { set $u $remote_user; "
                                        "callexa_admin; }")

    def test_auth_basic_without_user_file_is_refused(self):
        self.assertRefused("/admin-nf/",
                           server_extra='location /admin-nf/ { auth_basic "x"; callexa_admin; }')

    def test_auth_basic_off_is_refused(self):
        self.assertRefused("/admin-off/", server_extra=(
            'auth_basic "x"; auth_basic_user_file {prefix}/htpasswd;\n'
            "location /admin-off/ { auth_basic off; callexa_admin; }"
            .replace("{prefix}", self.nginx.prefix)))

    def test_allow_deny_alone_is_refused(self):
        # An address list names no user, and behind a proxy every client
        # has the proxy's address.
        self.assertRefused("/admin-ip/", server_extra=(
            "location /admin-ip/ { allow 127.0.0.1; deny all; callexa_admin; }"))

    def test_server_level_auth_basic_is_accepted(self):
        self.assertAccepted(server_extra=(
            'location /admin-srv/ { auth_basic "x"; auth_basic_user_file %s/htpasswd; '
            "location /admin-srv/inner/ { callexa_admin; } }" % self.nginx.prefix))

    def test_auth_request_is_accepted(self):
        self.assertAccepted(server_extra=(
            "location = /auth { internal; return 204; }\n"
            "location /admin-ar/ { auth_request /auth; callexa_admin; }"))

    def test_client_certificate_is_accepted(self):
        # Checked per request: a plain-HTTP request or one without a
        # verified certificate is still refused (ClientCertificateTest).
        certs = os.path.join(self.nginx.prefix, "certs")
        os.makedirs(certs)
        make_certificates(certs)
        self.assertAccepted(http_extra=certificate_server(certs, harness.free_port(),
                                                          harness.free_port(), "on"))


class AdminAccessTest(harness.NginxTestCase):
    """The guards nginx -t accepts, exercised with requests."""

    http_extra = ("map $http_x_realm $admin_realm { default \"Callexa\"; off off; }\n"
                  + LIMIT_ZONE)
    server_extra = """
    location /admin-lr/ {
      limit_req zone=peruser burst=100;
      auth_basic "x";
      auth_basic_user_file {prefix}/htpasswd;
      callexa_admin;
    }
    location /admin-any/ {
      satisfy any;
      allow 10.9.8.7;
      deny all;
      auth_basic "x";
      auth_basic_user_file {prefix}/htpasswd;
      callexa_admin;
    }
    location /admin-local/ {
      satisfy any;
      allow 127.0.0.1;
      deny all;
      auth_basic "x";
      auth_basic_user_file {prefix}/htpasswd;
      callexa_admin;
    }
    location /admin-realm/ {
      auth_basic $admin_realm;
      auth_basic_user_file {prefix}/htpasswd;
      callexa_admin;
    }
    location = /auth {
      internal;
      if ($http_x_token = "let-me-in") { return 204; }
      return 401;
    }
    location /admin-ar/ {
      auth_request /auth;
      callexa_admin;
    }
    location /ssi/ {
      ssi on;
      alias {prefix}/ssi/;
    }
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ssi = os.path.join(cls.nginx.prefix, "ssi")
        os.makedirs(ssi, exist_ok=True)
        with open(os.path.join(ssi, "page.html"), "w") as f:
            f.write('<p>before</p><!--# include virtual="/admin/api/surveys" --><p>after</p>')
        os.chmod(ssi, 0o755)
        os.chmod(os.path.join(ssi, "page.html"), 0o644)
        cls.key = cls.nginx.create_survey(name="access")["api_key"]

    def assertNoAdmin(self, r):
        self.assertIn(r.status, (401, 403), r.body)
        self.assertNotIn(self.key, str(r.body))

    def test_limit_req_on_remote_user_needs_the_password(self):
        self.assertNoAdmin(self.http("GET", "/admin-lr/api/surveys", auth=("attacker", "x")))
        r = self.http("POST", "/admin-lr/api/surveys", {"name": "pwned"},
                      auth=("attacker", "anything"))
        self.assertNoAdmin(r)
        r = self.http("GET", "/admin-lr/api/surveys", auth=(ADMIN_USER, ADMIN_PASSWORD))
        self.assertEqual(r.status, 200, r.body)
        names = [s["name"] for s in r.body["surveys"]]
        self.assertNotIn("pwned", names)

    def test_satisfy_any_needs_the_password_from_other_addresses(self):
        self.assertEqual(self.http("GET", "/admin-any/api/surveys").status, 401)
        self.assertNoAdmin(self.http("GET", "/admin-any/api/surveys", auth=("attacker", "x")))
        r = self.http("GET", "/admin-any/api/surveys", auth=(ADMIN_USER, ADMIN_PASSWORD))
        self.assertEqual(r.status, 200, r.body)

    def test_satisfy_any_lets_an_allowed_address_in(self):
        # The operator's choice: 127.0.0.1 may pass without a password.
        r = self.http("GET", "/admin-local/api/surveys")
        self.assertEqual(r.status, 200, r.body)

    def test_realm_switched_off_by_a_request_header_is_refused(self):
        r = self.http("GET", "/admin-realm/api/surveys", headers={"X-Realm": "off"},
                      auth=("attacker", "x"))
        self.assertJsonError(r, 403, "no access control")
        self.assertNotIn(self.key, str(r.body))
        r = self.http("GET", "/admin-realm/api/surveys", auth=(ADMIN_USER, ADMIN_PASSWORD))
        self.assertEqual(r.status, 200, r.body)

    def test_auth_request_decides(self):
        self.assertNoAdmin(self.http("GET", "/admin-ar/api/surveys", auth=("attacker", "x")))
        r = self.http("GET", "/admin-ar/api/surveys", headers={"X-Token": "let-me-in"})
        self.assertEqual(r.status, 200, r.body)

    def test_subrequest_skips_no_check(self):
        # SSI includes are subrequests, which skip nginx's access phase.
        r = self.http("GET", "/ssi/page.html", auth=(ADMIN_USER, ADMIN_PASSWORD))
        self.assertEqual(r.status, 200)
        body = r.body if isinstance(r.body, str) else r.body.decode()
        self.assertIn("before", body)
        self.assertNotIn(self.key, body)
        self.assertNotIn("surveys", body)


def make_certificates(directory):
    """In `directory`: a CA, a server certificate for 127.0.0.1, a client
    certificate the CA signed (client.pem) and a self-signed one (rogue.pem)."""

    def run(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True,
                       timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
        "ca.pem", "-days", "2", "-subj", "/CN=Callexa test CA")
    for name, cn in (("server", "127.0.0.1"), ("client", "alice")):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
            name + ".csr", "-subj", "/CN=" + cn)
        run("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", name + ".pem", "-days", "2")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue.key", "-out",
        "rogue.pem", "-days", "2", "-subj", "/CN=mallory")
    for name in os.listdir(directory):
        os.chmod(os.path.join(directory, name), 0o644)
    os.chmod(directory, 0o755)


def certificate_server(directory, tls_port, plain_port, verify):
    """A server{} whose admin location is guarded by client certificates
    alone; it also listens without TLS, where no certificate can come."""
    return """
  server {
    listen 127.0.0.1:%d ssl;
    listen 127.0.0.1:%d;
    ssl_certificate %s/server.pem;
    ssl_certificate_key %s/server.key;
    ssl_client_certificate %s/ca.pem;
    ssl_verify_client %s;
    location /admin-cert/ { callexa_admin; }
  }
""" % (tls_port, plain_port, directory, directory, directory, verify)


class ClientCertificateTest(harness.NginxTestCase):
    """ssl_verify_client optional: only a verified certificate opens the admin."""

    @classmethod
    def setUpClass(cls):
        # The certificates must exist before nginx reads its configuration.
        cls.certs = tempfile.mkdtemp(prefix="callexa-certs-")
        cls.addClassCleanup(shutil.rmtree, cls.certs, True)
        make_certificates(cls.certs)
        cls.tls_port = harness.free_port()
        cls.plain_port = harness.free_port()
        cls.http_extra = certificate_server(cls.certs, cls.tls_port, cls.plain_port,
                                            "optional")
        super().setUpClass()

    def get(self, cert=None):
        context = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.pem"))
        context.check_hostname = False
        if cert:
            context.load_cert_chain(os.path.join(self.certs, cert + ".pem"),
                                    os.path.join(self.certs, cert + ".key"))
        conn = http.client.HTTPSConnection("127.0.0.1", self.tls_port, context=context,
                                           timeout=harness.REQUEST_TIMEOUT)
        try:
            auth = base64.b64encode(b"attacker:x").decode()
            conn.request("GET", "/admin-cert/api/surveys",
                         headers={"Authorization": "Basic " + auth, "Connection": "close"})
            resp = conn.getresponse()
            return resp.status, resp.read().decode(errors="replace")
        finally:
            conn.close()

    def test_without_certificate_is_refused(self):
        status, body = self.get()
        self.assertEqual(status, 403, body)
        self.assertIn("no access control", body)

    def test_self_signed_certificate_is_refused(self):
        status, body = self.get("rogue")
        self.assertIn(status, (400, 403), body)
        self.assertNotIn("api_key", body)

    def test_plain_http_on_the_same_server_is_refused(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.plain_port,
                                          timeout=harness.REQUEST_TIMEOUT)
        try:
            conn.request("GET", "/admin-cert/api/surveys",
                         headers={"Authorization": harness.basic_auth("attacker", "x")})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 403)
            self.assertNotIn("api_key", resp.read().decode(errors="replace"))
        finally:
            conn.close()

    def test_verified_certificate_is_admitted(self):
        status, body = self.get("client")
        self.assertEqual(status, 200, body)
        self.assertIn('"surveys"', body)


if __name__ == "__main__":
    unittest.main()
