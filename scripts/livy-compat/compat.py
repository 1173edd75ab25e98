"""A tiny check harness shared by check_pylivy.py and check_sparkmagic.py.

Every check runs under a wall-clock deadline (SIGALRM through setitimer: neither pylivy nor
sparkmagic bounds its polling loops or its HTTP requests), prints one `PASS name` or
`FAIL name: why` line, and the script ends with `RESULT passed=N failed=M`, which run.sh adds up.
A check whose prerequisite failed is reported as failed ("skipped: ...") rather than left out,
so the totals never hide a step that did not run. The counts also go to $LIVY_COMPAT_RESULT.
"""

import os
import signal
import sys
import time
import traceback

from requests.adapters import HTTPAdapter


HTTP_TIMEOUT = 20.0


class TimeoutAdapter(HTTPAdapter):
    """A requests adapter that gives every request a timeout unless it has one (neither pylivy
    nor sparkmagic sets any). sparkmagic mounts it through its own `http_session_config`."""

    def send(self, request, timeout=None, **kwargs):
        return super().send(request, timeout=timeout or HTTP_TIMEOUT, **kwargs)


class CheckTimeout(Exception):
    """Raised inside a check when its deadline passes."""


class Skip(Exception):
    """Raised by `need` when a value an earlier check was to produce is missing."""


def _on_alarm(signum, frame):
    raise CheckTimeout("deadline passed")


class Checks:
    def __init__(self, client_name):
        self.client_name = client_name
        self.passed = 0
        self.failed = 0
        self.state = {}
        signal.signal(signal.SIGALRM, _on_alarm)

    def need(self, *keys):
        """The values earlier checks stored under `keys`; a Skip if any is missing."""
        missing = [k for k in keys if self.state.get(k) is None]
        if missing:
            raise Skip("skipped: an earlier check did not produce " + ", ".join(missing))
        values = tuple(self.state[k] for k in keys)
        return values[0] if len(values) == 1 else values

    def check(self, name, fn, timeout=60.0):
        """Runs fn() under a deadline of `timeout` seconds; fn raises (or asserts) to fail."""
        start = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            detail = fn()
        except CheckTimeout:
            self._fail(name, f"no answer within {timeout:g} s (the client's wait never ended)")
        except Skip as e:
            self._fail(name, str(e))
        except BaseException as e:  # noqa: BLE001 - every failure is reported, then we go on
            if isinstance(e, KeyboardInterrupt):
                raise
            tb = traceback.format_exc().rstrip().splitlines()
            # The exception line plus the innermost frames are enough to locate the problem.
            short = "\n    ".join(tb[-8:])
            self._fail(name, f"{type(e).__name__}: {e}\n    {short}")
        else:
            elapsed = time.monotonic() - start
            extra = f" ({detail})" if detail else ""
            print(f"PASS {self.client_name}: {name} [{elapsed:.2f} s]{extra}", flush=True)
            self.passed += 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def _fail(self, name, why):
        print(f"FAIL {self.client_name}: {name}: {why}", flush=True)
        self.failed += 1

    def finish(self):
        print(f"RESULT passed={self.passed} failed={self.failed}", flush=True)
        # run.sh reads the counts from this file (the output itself goes straight to the terminal).
        path = os.environ.get("LIVY_COMPAT_RESULT")
        if path:
            with open(path, "w") as f:
                f.write(f"{self.passed} {self.failed}\n")
        return 1 if self.failed else 0


def expect(cond, message):
    """assert that survives `python -O`."""
    if not cond:
        raise AssertionError(message)


def usage_url():
    if len(sys.argv) != 2 or not sys.argv[1].startswith("http://"):
        print(f"usage: {sys.argv[0]} http://127.0.0.1:PORT", file=sys.stderr)
        sys.exit(2)
    return sys.argv[1].rstrip("/")
