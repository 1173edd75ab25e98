"""pylivy (PyPI `livy`) against `ember livy-server`: usage `check_pylivy.py http://127.0.0.1:PORT`.

Drives pylivy's public API the way its users do: the version check, `LivySession.create(kind=SQL)`,
`wait()`, `run()`, `download_sql()` into pandas, a failing statement (SparkRuntimeError), two
clients on one session, `close()`, the `with` form, and the kinds and batches the server refuses.
pylivy has neither request timeouts nor deadlines on its polling: every HTTP call goes through a
requests.Session with a timeout, and every check runs under compat.Checks' deadline.
"""

import sys
import time

import pandas
import requests

import livy
from livy import LivySession, SessionKind, SessionState
from livy.client import LivyClient
from livy.models import OutputStatus, StatementKind, StatementState, Version

from compat import HTTP_TIMEOUT, Checks, TimeoutAdapter, expect, usage_url


def timed_session():
    """A requests.Session whose requests all time out (pylivy sends no timeout of its own)."""
    session = requests.Session()
    session.mount("http://", TimeoutAdapter())
    return session


def main():
    url = usage_url()
    http = timed_session()
    client = LivyClient(url, requests_session=http)
    c = Checks("pylivy")
    s = c.state

    def version():
        raw = requests.get(f"{url}/version", timeout=HTTP_TIMEOUT).json()["version"]
        expect(raw == "0.9.0-incubating", f"GET /version says {raw!r}")
        v = client.server_version()
        expect(v == Version("0.9.0-incubating"), f"parsed as {v!r}")
        # pylivy compares the parts as strings: a legacy server would lose the sql kind.
        expect(not client.legacy_server(), "pylivy takes the server for Livy < 0.5")
        return f"version {raw}, not legacy"

    c.check("GET /version parses and passes pylivy's version check", version)

    def create():
        before = {x.session_id for x in client.list_sessions()}
        session = LivySession.create(
            url, kind=SessionKind.SQL, requests_session=http, echo=False
        )
        s["session"] = session
        expect(isinstance(session.session_id, int), f"id {session.session_id!r}")
        expect(session.session_id not in before, "the id of a live session was reused")
        return f"session {session.session_id}"

    c.check("LivySession.create(kind=SQL)", create, timeout=30)

    def wait_idle():
        session = c.need("session")
        session.wait()  # pylivy polls while not_started/starting, without a deadline
        state = session.state
        expect(state == SessionState.IDLE, f"state after wait(): {state}")
        return f"state {state.value}"

    c.check("wait() until the session is ready; state idle", wait_idle, timeout=60)

    def listed():
        session = c.need("session")
        sessions = {x.session_id: x for x in client.list_sessions()}
        expect(session.session_id in sessions, f"not in GET /sessions: {sorted(sessions)}")
        mine = sessions[session.session_id]
        expect(mine.kind == SessionKind.SQL, f"kind {mine.kind}")
        expect(mine.proxy_user is None, f"proxyUser {mine.proxy_user!r}")
        return f"{len(sessions)} session(s) listed"

    c.check("list_sessions() shows it with kind sql", listed)

    def create_view():
        session = c.need("session")
        out = session.run(
            "CREATE VIEW people AS SELECT * FROM (VALUES "
            "(1, 'alice', 3.5), (2, 'bob', NULL), (3, 'carol', 1.25)) AS t(id, name, score)"
        )
        expect(out.status == OutputStatus.OK, f"status {out.status}")
        s["view"] = True

    c.check('run("CREATE VIEW people AS ...")', create_view)

    def select():
        session, _ = c.need("session", "view")
        out = session.run("SELECT count(*) AS n, sum(score) AS total FROM people")
        expect(out.status == OutputStatus.OK, f"status {out.status}")
        expect(out.text is None, f"sql output should carry no text/plain, got {out.text!r}")
        names = [f["name"] for f in out.json["schema"]["fields"]]
        expect(names == ["n", "total"], f"fields {names}")
        expect(out.json["data"] == [[3, 4.75]], f"data {out.json['data']}")
        return f"json {out.json['data']}"

    c.check('run("SELECT ...") gives the application/json table', select)

    def download():
        session, _ = c.need("session", "view")
        df = session.download_sql("SELECT id, name, score FROM people ORDER BY id")
        expect(isinstance(df, pandas.DataFrame), f"got {type(df)}")
        expect(df.shape == (3, 3), f"shape {df.shape}")
        expect(list(df.columns) == ["id", "name", "score"], f"columns {list(df.columns)}")
        expect(df["id"].tolist() == [1, 2, 3], f"id {df['id'].tolist()}")
        expect(df["name"].tolist() == ["alice", "bob", "carol"], f"name {df['name'].tolist()}")
        expect(df.loc[0, "score"] == 3.5 and df.loc[2, "score"] == 1.25, "score values")
        expect(pandas.isna(df.loc[1, "score"]), f"NULL became {df.loc[1, 'score']!r}")
        return f"shape {df.shape}, dtypes {dict(df.dtypes.astype(str))}"

    c.check("download_sql(...) into a pandas DataFrame", download)

    def failing():
        session = c.need("session")
        try:
            session.run("SELECT * FROM no_such_table")
        except livy.SparkRuntimeError as e:
            expect(e.ename, f"ename {e.ename!r}")
            expect(e.evalue and "no_such_table" in e.evalue, f"evalue {e.evalue!r}")
            expect(isinstance(e.traceback, list), f"traceback {e.traceback!r}")
            expect(all(isinstance(t, str) for t in e.traceback), "traceback items")
            return f"{e!r}"
        raise AssertionError("no SparkRuntimeError")

    c.check("a failing statement raises SparkRuntimeError with the message", failing)

    def usable_after_error():
        session = c.need("session")
        df = session.download_sql("SELECT 2 AS two")
        expect(df.to_dict("list") == {"two": [2]}, f"{df.to_dict('list')}")
        expect(session.state == SessionState.IDLE, f"state {session.state}")

    c.check("the session still works after a failed statement", usable_after_error)

    def second_client():
        # Another client attached to the same session id sees the first one's view.
        session, _ = c.need("session", "view")
        other = LivySession(
            url, session.session_id, requests_session=http, kind=SessionKind.SQL, echo=False
        )
        df = other.download_sql("SELECT count(*) AS n FROM people")
        expect(df.to_dict("list") == {"n": [3]}, f"{df.to_dict('list')}")

    c.check("a second LivySession on the same id shares the view", second_client)

    def statement_kind():
        # A statement with a kind goes through pylivy's version check once more.
        session = c.need("session")
        st = client.create_statement(session.session_id, "SELECT 40 + 2 AS x", StatementKind.SQL)
        expect(isinstance(st.statement_id, int), f"id {st.statement_id!r}")
        for _ in range(200):
            if st.state not in (StatementState.WAITING, StatementState.RUNNING):
                break
            time.sleep(0.1)
            st = client.get_statement(session.session_id, st.statement_id)
        expect(st.state == StatementState.AVAILABLE, f"state {st.state}")
        expect(st.output.json["data"] == [[42]], f"output {st.output}")
        expect(st.progress == 1.0, f"progress {st.progress}")

    c.check("create_statement(kind=SQL) and get_statement()", statement_kind)

    def list_statements():
        session = c.need("session")
        statements = client.list_statements(session.session_id)
        ids = [st.statement_id for st in statements]
        expect(ids == list(range(len(ids))) and len(ids) >= 3, f"ids {ids}")
        expect(all(st.state == StatementState.AVAILABLE for st in statements), "states")
        return f"{len(ids)} statements"

    c.check("list_statements()", list_statements)

    def close():
        session = c.need("session")
        session.close()  # DELETE /sessions/{id}; pylivy parses the JSON body
        gone = LivyClient(url, requests_session=http).get_session(session.session_id)
        expect(gone is None, f"get_session after close: {gone}")
        try:
            session.state
        except ValueError as e:
            expect("not found" in str(e), str(e))
        else:
            raise AssertionError("state of a deleted session did not raise")
        s["closed"] = True

    c.check("close() deletes it; get_session(id) is None", close)

    def with_block():
        with LivySession.create(
            url, kind=SessionKind.SQL, name="pylivy-compat", requests_session=http, echo=False
        ) as session:
            sid = session.session_id
            expect(session.state == SessionState.IDLE, f"state {session.state}")
            df = session.download_sql("SELECT 'x' AS a, 1.5 AS b")
            expect(df.shape == (1, 2), f"shape {df.shape}")
        expect(client.get_session(sid) is None, "the session outlived the with block")
        return f"session {sid}"

    c.check("with LivySession.create(...) as s: download_sql; gone afterwards", with_block)

    def refused_kind():
        # The server runs sql (and shared) sessions; sparkr is a kind it refuses.
        before = len(client.list_sessions())
        try:
            created = LivySession.create(url, kind=SessionKind.SPARKR, requests_session=http)
        except requests.HTTPError as e:
            code = e.response.status_code
            body = e.response.json()
            expect(code == 400, f"status {code}")
            expect("msg" in body, f"body {body}")
            expect(len(client.list_sessions()) == before, "a refused session was left behind")
            return f"400 {body['msg']!r}"
        client.delete_session(created.session_id)
        raise AssertionError(f"a sparkr session was created (id {created.session_id})")

    c.check("kind=SPARKR is refused with 400 (requests.HTTPError), nothing left", refused_kind)

    def batches():
        expect(client.list_batches() == [], "GET /batches")
        expect(client.get_batch(0) is None, "GET /batches/0 should be 404 (None)")
        try:
            client.create_batch("file:///nonexistent.py")
        except requests.HTTPError as e:
            expect(e.response.status_code == 400, f"status {e.response.status_code}")
            return "list [], get None, create 400"
        raise AssertionError("a batch was accepted")

    c.check("batches: list empty, get None, create refused with 400", batches)

    def none_left():
        left = [x.session_id for x in client.list_sessions()]
        expect(left == [], f"sessions left: {left}")

    c.check("no session left behind", none_left)

    client.close()
    http.close()
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
