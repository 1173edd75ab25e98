#!/usr/bin/env bash
# Third-party Livy clients against `ember livy-server` (issue 7): pylivy (PyPI `livy`) and
# sparkmagic's HTTP layer (`livyclientlib`), pinned, in a venv kept beside the cargo target
# (outside the repo, reused between runs). Builds the ember binary, starts the server on
# 127.0.0.1 (a free port), runs check_pylivy.py and check_sparkmagic.py, stops the server
# (always), and ends with `livy-compat: N passed, M failed` (exit 1 if any failed).
# The result of a real run is recorded in docs/livy-compat.md.
#
# Environment: CARGO_TARGET_DIR (default ~/.cache/ember-target), LIVY_COMPAT_PYTHON (default
# python3), LIVY_COMPAT_REINSTALL=1 to rebuild the venv.
set -euo pipefail

LIVY_PIN="livy==0.8.0"
SPARKMAGIC_PIN="sparkmagic==0.23.0"
PANDAS_PIN="pandas<3"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ember-target}"
venv="$CARGO_TARGET_DIR/livy-compat-venv"
python="${LIVY_COMPAT_PYTHON:-python3}"
server_log="$CARGO_TARGET_DIR/livy-compat-server.log"
t0=$SECONDS

say() { printf 'livy-compat: %s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/livy-compat.XXXXXX")"
server_pid=""
server_status=""
child="" # the foreground step (cargo, a check), in a process group of its own

# Runs "$@" in its own process group and waits for it, so that a signal to this script (not
# just Ctrl-C to the whole terminal group) can stop it at once: bash would otherwise run its
# traps only once a foreground command had finished.
run_step() {
    setsid "$@" &
    child=$!
    local rc=0
    wait "$child" || rc=$?
    child=""
    return "$rc"
}

on_signal() {
    if [[ -n $child ]]; then
        kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do # 10 s, then SIGKILL
            kill -0 "$child" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$child" 2>/dev/null || kill -KILL "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    exit "$1"
}

# Stops the server: SIGTERM, a bounded wait for it to exit (it has a 10 s grace period), then
# SIGKILL. Sets server_status to its exit status.
stop_server() {
    [[ -n $server_pid ]] || return 0
    if kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        local i
        for ((i = 0; i < 200; i++)); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            say "the server did not exit within 20 s of SIGTERM; killing it"
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
    fi
    if wait "$server_pid" 2>/dev/null; then server_status=0; else server_status=$?; fi
    server_pid=""
}

cleanup() {
    local rc=$?
    stop_server
    [[ -f $work/server.err ]] && cp "$work/server.err" "$server_log" 2>/dev/null
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# --- 1. The venv with the clients (reused while the pins and the Python stay the same) -------
stamp="$venv/.livy-compat-stamp"
want="$("$python" -c 'import sys; print(sys.version.split()[0])') $LIVY_PIN $SPARKMAGIC_PIN $PANDAS_PIN"
if [[ ${LIVY_COMPAT_REINSTALL:-0} == 1 || ! -f $stamp || "$(cat "$stamp")" != "$want" ]] ||
    ! "$venv/bin/python" -c 'import livy, pandas, sparkmagic.livyclientlib.livyreliablehttpclient' 2>/dev/null; then
    say "building the client venv in $venv ($want)"
    rm -rf "$venv"
    mkdir -p "$CARGO_TARGET_DIR"
    "$python" -m venv "$venv"
    pip=("$venv/bin/pip" --disable-pip-version-check --no-input -q)
    # sparkmagic needs requests-kerberos, which pulls pyspnego[kerberos] and so `gssapi`: no
    # Linux wheel, and its source build needs the Kerberos headers (krb5-config, libkrb5-dev).
    # Kerberos auth is not what is checked here, so sparkmagic and requests-kerberos go in
    # without their dependencies, then every other dependency sparkmagic declares, plus
    # pyspnego without the kerberos extra (all that `import requests_kerberos` needs).
    run_step timeout 600 "${pip[@]}" install --no-deps "$SPARKMAGIC_PIN" requests-kerberos
    "$venv/bin/python" - >"$work/sparkmagic-deps.txt" <<'EOF'
import importlib.metadata as m
for r in m.requires("sparkmagic") or []:
    if not r.lower().replace("_", "-").startswith("requests-kerberos"):
        print(r)
EOF
    run_step timeout 900 "${pip[@]}" install "$LIVY_PIN" "$PANDAS_PIN" pyspnego -r "$work/sparkmagic-deps.txt"
    "$venv/bin/pip" --disable-pip-version-check check >&2 || die "pip check failed in $venv"
    "$venv/bin/python" -c 'import livy, pandas, sparkmagic.livyclientlib.livyreliablehttpclient' ||
        die "the clients do not import in $venv"
    printf '%s\n' "$want" >"$stamp"
else
    say "reusing the client venv $venv"
fi
"$venv/bin/python" - >&2 <<'EOF'
import importlib.metadata as m
print("livy-compat: " + ", ".join(
    f"{p} {m.version(p)}" for p in ("livy", "sparkmagic", "pandas", "requests", "requests-kerberos")))
EOF
t_venv=$SECONDS

# --- 2. The ember binary --------------------------------------------------------------------
say "cargo build --workspace --bin ember (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
cd "$repo"
run_step cargo build --workspace --bin ember
ember="$CARGO_TARGET_DIR/debug/ember"
[[ -x $ember ]] || die "no binary at $ember"
t_build=$SECONDS

# --- 3. The server, on a free loopback port -------------------------------------------------
# EMBER_LIVY_TOKEN would make every client request a 401; the clients here send no token.
env -u EMBER_LIVY_TOKEN -u EMBER_LIVY_HOST -u EMBER_LIVY_PORT \
    "$ember" livy-server --host 127.0.0.1 --port 0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=""
for ((i = 0; i < 300; i++)); do # 30 s
    if [[ -s $work/server.err && $(wc -l <"$work/server.err") -ge 1 ]]; then
        first="$(head -n1 "$work/server.err")"
        if [[ $first =~ ^ember\ livy-server\ listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]]; then
            url="${BASH_REMATCH[1]}"
            break
        fi
        die "unexpected first line from the server: $first"
    fi
    kill -0 "$server_pid" 2>/dev/null || die "the server exited at start: $(cat "$work/server.err")"
    sleep 0.1
done
[[ -n $url ]] || die "the server printed no address within 30 s"
port="${url##*:}"
say "server pid $server_pid at $url"

# --- 4. The checks --------------------------------------------------------------------------
passed=0
failed=0
run_checks() { # name script
    local name=$1 script=$2 result="$work/$1.result" rc=0 counts
    say "running $script"
    SPARKMAGIC_CONF_DIR="$work/sparkmagic" LIVY_COMPAT_RESULT="$result" PYTHONDONTWRITEBYTECODE=1 \
        run_step timeout -k 5 600 "$venv/bin/python" "$here/$script" "$url" 2>&1 || rc=$?
    counts="$(cat "$result" 2>/dev/null || true)"
    if [[ ! $counts =~ ^[0-9]+\ [0-9]+$ ]]; then
        say "FAIL $name: the script ended (exit $rc) before its RESULT line"
        failed=$((failed + 1))
        return
    fi
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
    if [[ $rc -ne 0 && ${counts#* } -eq 0 ]]; then
        say "FAIL $name: exit $rc with no failed check"
        failed=$((failed + 1))
    fi
}
run_checks pylivy check_pylivy.py
run_checks sparkmagic check_sparkmagic.py

# --- 5. The server stops cleanly ------------------------------------------------------------
stop_started=$SECONDS
stop_server
if [[ $server_status -eq 0 ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "PASS server: exits 0 on SIGTERM ($((SECONDS - stop_started)) s), port $port closed"
    passed=$((passed + 1))
else
    echo "FAIL server: exit status $server_status after SIGTERM (port $port)"
    failed=$((failed + 1))
fi
grep -E ' (WARN|ERROR) ' "$work/server.err" >&2 || true

say "times: venv $((t_venv - t0)) s, build $((t_build - t_venv)) s, checks $((SECONDS - t_build)) s, total $((SECONDS - t0)) s; server log in $server_log"
echo "livy-compat: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
