"""sparkmagic's HTTP layer (livyclientlib) against `ember livy-server`:
usage `check_sparkmagic.py http://127.0.0.1:PORT`.

sparkmagic's high-level objects only create spark/pyspark/sparkr sessions (`LivySession` refuses
kind sql, and its `start()` then runs the statement `spark`), so the session is created with its
`LivyReliableHttpClient` directly, with the body sparkmagic sends (`{"kind", "heartbeatTimeoutInSecond":
60}`), kind `sql`. Every response then goes through sparkmagic's own code: the accepted status
codes of `LivyReliableHttpClient`, the retry policy of its configuration, and `LivySession`
(attached to the session by id) for the state, log, app info and `wait_for_idle`, and `Command`
for statements, which reads the output exactly as the `%%spark` magic does.
sparkmagic bounds none of its HTTP requests: they get a timeout through its `http_session_config`
(compat.TimeoutAdapter), and every check runs under compat.Checks' deadline.
"""

import os
import sys
import tempfile
import time

# sparkmagic reads ~/.sparkmagic/config.json and writes its logs under that directory: point it
# at a scratch directory (run.sh passes one) so that the user's config plays no part.
if "SPARKMAGIC_CONF_DIR" not in os.environ:
    os.environ["SPARKMAGIC_CONF_DIR"] = tempfile.mkdtemp(prefix="livy-compat-sparkmagic-")

import sparkmagic.utils.configuration as conf  # noqa: E402
import sparkmagic.utils.constants as constants  # noqa: E402
from sparkmagic.livyclientlib.command import Command  # noqa: E402
from sparkmagic.livyclientlib.configurableretrypolicy import ConfigurableRetryPolicy  # noqa: E402
from sparkmagic.livyclientlib.endpoint import Endpoint  # noqa: E402
from sparkmagic.livyclientlib.exceptions import HttpClientException  # noqa: E402
from sparkmagic.livyclientlib.livyreliablehttpclient import LivyReliableHttpClient  # noqa: E402
from sparkmagic.livyclientlib.livysession import LivySession  # noqa: E402

from compat import Checks, expect, usage_url  # noqa: E402

# A query that runs for minutes on Ember, to be cancelled.
LONG_QUERY = "SELECT count(*) AS n FROM range(10000000000)"


class Display:
    """What sparkmagic's `ipython_display` is asked to do, collected instead of shown."""

    def __init__(self):
        self.lines = []

    def writeln(self, text):
        self.lines.append(str(text))

    write = writeln
    html = writeln
    send_error = writeln

    def display(self, obj):
        pass


def wait_statement(client, session_id, statement_id, seconds):
    """Polls the statement as sparkmagic's Command does, until a final statement state."""
    deadline = time.monotonic() + seconds
    while True:
        st = client.get_statement(session_id, statement_id)
        if st["state"].lower() in constants.FINAL_STATEMENT_STATUS:
            return st
        if time.monotonic() > deadline:
            raise AssertionError(f"statement {statement_id} still {st['state']} after {seconds} s")
        time.sleep(0.1)


def main():
    url = usage_url()
    c = Checks("sparkmagic")
    s = c.state
    display = Display()
    # Every request gets a timeout, through sparkmagic's own session-adapter setting.
    conf.override(
        "http_session_config",
        {"adapters": [{"prefix": "http://", "adapter": "compat.TimeoutAdapter"}]},
    )
    endpoint = Endpoint(url, None)
    client = LivyReliableHttpClient.from_endpoint(endpoint)

    def config():
        policy = client._http_client._retry_policy
        expect(isinstance(policy, ConfigurableRetryPolicy), f"policy {policy!r}")
        headers = client.get_headers()
        expect(headers == {"Content-Type": "application/json"}, f"headers {headers}")
        return f"retry policy {conf.retry_policy()}, headers {headers}"

    c.check("LivyReliableHttpClient.from_endpoint with the default configuration", config)

    def post_session():
        # The body sparkmagic's LivySession sends, kind sql; post_session accepts only 201.
        r = client.post_session({"kind": "sql", constants.LIVY_HEARTBEAT_TIMEOUT_PARAM: 60})
        expect(isinstance(r["id"], int), f"id {r.get('id')!r}")
        expect(r["state"] in constants.POSSIBLE_SESSION_STATUS, f"state {r['state']!r}")
        expect(r["kind"] == "sql", f"kind {r['kind']!r}")
        expect(r["heartbeatTimeoutInSecond"] == 60, f"heartbeat {r['heartbeatTimeoutInSecond']}")
        s["id"] = r["id"]
        return f"201, session {r['id']} {r['state']}"

    c.check("POST /sessions {kind: sql, heartbeatTimeoutInSecond: 60} -> 201", post_session)

    def attach():
        # What sparkmagic's SparkController does for a session found on the server (%spark
        # info / cleanup), with the kind label it accepts: the label never goes on the wire.
        sid = c.need("id")
        session = LivySession(client, {"kind": "spark"}, display, session_id=sid)
        session.wait_for_idle(conf.livy_session_startup_timeout_seconds())
        expect(session.status == constants.IDLE_SESSION_STATUS, f"status {session.status}")
        s["session"] = session
        return f"idle; session_info {session.session_info!r}"

    c.check("LivySession(session_id=id).wait_for_idle() reaches idle", attach, timeout=70)

    def get_sessions():
        sid = c.need("id")
        r = client.get_sessions()
        ours = [x for x in r["sessions"] if x["id"] == sid]
        expect(len(ours) == 1, f"sessions {r['sessions']}")
        expect(ours[0][constants.LIVY_KIND_PARAM] == "sql", f"kind {ours[0]['kind']}")
        # SparkController.get_all_sessions_endpoint keeps only the kinds sparkmagic runs.
        kept = [x for x in r["sessions"] if x["kind"] in constants.SESSION_KINDS_SUPPORTED]
        return f"{len(r['sessions'])} listed, {len(kept)} of a kind sparkmagic manages"

    c.check("GET /sessions: sessions[].id and .kind", get_sessions)

    def get_session():
        sid = c.need("id")
        r = client.get_session(sid)
        expect(r["state"] in constants.POSSIBLE_SESSION_STATUS, f"state {r['state']!r}")
        expect(isinstance(r["log"], list), f"log {r.get('log')!r}")
        expect("appId" in r and isinstance(r["appInfo"], dict), "appId/appInfo")
        session = c.need("session")
        session.refresh_status_and_info()
        expect(session.get_app_id() is None or isinstance(session.get_app_id(), str), "appId")
        ui, driver = session.get_spark_ui_url(), session.get_driver_log_url()
        user = session.get_user()
        return f"state {r['state']}, {len(r['log'])} log line(s), ui {ui}, driver log {driver}, user {user}"

    c.check("GET /sessions/{id}: state, log, appId, appInfo, proxyUser", get_session)

    def logs():
        session = c.need("session")
        text = session.get_logs()  # GET /sessions/{id}/log?from=0, reads "log"
        expect(isinstance(text, str) and text, f"log text {text!r}")
        return f"{len(text.splitlines())} line(s)"

    c.check("GET /sessions/{id}/log?from=0 (LivySession.get_logs)", logs)

    def post_statement():
        sid = c.need("id")
        r = client.post_statement(
            sid,
            {
                "code": "CREATE VIEW people AS SELECT * FROM (VALUES "
                "(1, 'alice', 3.5), (2, 'bob', NULL), (3, 'carol', 1.25)) AS t(id, name, score)"
            },
        )
        expect(isinstance(r["id"], int), f"id {r.get('id')!r}")
        st = wait_statement(client, sid, r["id"], 30)
        expect(st["state"] == "available", f"state {st['state']}")
        expect(st["output"]["status"] == "ok", f"output {st['output']}")
        s["view"] = True
        return f"201, statement {r['id']}"

    c.check("POST /sessions/{id}/statements -> 201 + id; GET it until available", post_statement)

    def command_ok():
        session, _ = c.need("session", "view")
        success, out, mimetype = Command(
            "SELECT id, name, score FROM people ORDER BY id"
        ).execute(session)
        expect(success, f"failed: {out}")
        expect(mimetype == constants.MIMETYPE_APPLICATION_JSON, f"mimetype {mimetype}")
        names = [f["name"] for f in out["schema"]["fields"]]
        expect(names == ["id", "name", "score"], f"fields {names}")
        expect(out["data"] == [[1, "alice", 3.5], [2, "bob", None], [3, "carol", 1.25]], f"{out}")
        return f"{mimetype}, {len(out['data'])} rows"

    c.check("Command(SELECT).execute: success with the application/json table", command_ok)

    def command_error():
        session = c.need("session")
        success, out, mimetype = Command("SELECT * FROM no_such_table").execute(session)
        expect(not success, "a failing statement counted as a success")
        expect(mimetype == constants.MIMETYPE_TEXT_PLAIN, f"mimetype {mimetype}")
        expect("no_such_table" in out, f"text {out!r}")
        return f"text {out.strip()!r}"

    c.check("Command(failing SQL).execute: failure with evalue + traceback text", command_error)

    def cancel_running():
        sid = c.need("id")
        session = c.need("session")
        r = client.post_statement(sid, {"code": LONG_QUERY})
        st_id = r["id"]
        # Let it start: a statement that is still waiting is cancelled without running.
        before = None
        for _ in range(100):
            before = client.get_statement(sid, st_id)["state"]
            if before == "running":
                break
            time.sleep(0.05)
        expect(before == "running", f"the long query is {before}, not running")
        started = time.monotonic()
        body = client.cancel_statement(sid, st_id)  # 200 only, and .json() of the body
        expect(isinstance(body, dict), f"cancel body {body!r}")
        st = wait_statement(client, sid, st_id, 10)
        took = time.monotonic() - started
        expect(st["state"] == constants.CANCELLED_STATEMENT_STATUS, f"state {st['state']}")
        # Command treats a final statement with output null as an empty success.
        expect(st["output"] is None or st["output"]["status"] in ("ok", "error"), f"{st}")
        session.wait_for_idle()  # sparkmagic waits (15 s) for idle before the next statement
        return f"running, cancel -> {body}, cancelled after {took:.2f} s, session idle again"

    c.check("POST .../cancel on a running statement: 200 JSON, ends cancelled", cancel_running,
            timeout=40)

    def cancel_finished():
        sid = c.need("id")
        body = client.cancel_statement(sid, 0)
        expect(isinstance(body, dict), f"cancel body {body!r}")
        st = client.get_statement(sid, 0)
        expect(st["state"] == "available", f"a finished statement became {st['state']}")
        return f"{body}"

    c.check("POST .../cancel on a finished statement: 200 JSON, no change", cancel_finished)

    def refused_kind():
        # sparkr is a sparkmagic kind the server refuses (spark, Scala, runs since issue 17).
        started = time.monotonic()
        before = client.get_sessions()["total"]
        try:
            r = client.post_session({"kind": "sparkr", constants.LIVY_HEARTBEAT_TIMEOUT_PARAM: 60})
        except HttpClientException as e:
            took = time.monotonic() - started
            msg = str(e)
            expect("Invalid status code '400'" in msg, msg)
            expect(took < 5, f"took {took:.1f} s: was a 4xx retried?")
            expect(client.get_sessions()["total"] == before, "a refused session was left behind")
            return msg
        client.delete_session(r["id"])
        raise AssertionError(f"a sparkr session was created (id {r['id']})")

    c.check("POST /sessions kind sparkr: 400, not retried, nothing left", refused_kind)

    def delete_via_session():
        session = c.need("session")
        sid = session.id
        session.delete()  # DELETE /sessions/{id}, accepted as 200 or 404
        expect(session.status == constants.DEAD_SESSION_STATUS and session.id == -1, "local state")
        try:
            client.get_session(sid)
        except HttpClientException as e:
            expect("Invalid status code '404'" in str(e), str(e))
            return f"session {sid} deleted; then GET -> 404"
        raise AssertionError("the session is still there")

    c.check("LivySession.delete(): DELETE, then GET /sessions/{id} is 404", delete_via_session)

    def delete_exact():
        # The same create/delete pair, asserting the exact DELETE status (200) and a JSON body.
        r = client.post_session({"kind": "sql", constants.LIVY_HEARTBEAT_TIMEOUT_PARAM: 60})
        resp = client._http_client.delete(f"/sessions/{r['id']}", [200])
        body = resp.json()
        expect(isinstance(body, dict), f"body {body!r}")
        return f"200 {body}"

    c.check("DELETE /sessions/{id} answers 200 with a JSON body", delete_exact)

    def none_left():
        left = [x["id"] for x in client.get_sessions()["sessions"]]
        expect(left == [], f"sessions left: {left}")

    c.check("no session left behind", none_left)

    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
