# SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
# SPDX-License-Identifier: BSD-3-Clause
"""The ParaView plugin in the real paraview application, under a virtual X display.

    run_gui_test.py PARAVIEW PLUGIN PLUGINS_XML OUTPUT_DIR

Plays each event script of this directory (ParaView's own XML test format, as
paraview_add_client_tests does: --test-script, --exit, --dr) in a fresh paraview:
  TestGUIPluginManager.xml  loads the plugin through Tools > Manage Plugins;
  TestGUICachedContour.xml  has it auto-loaded from the plugin configuration file
                            (PV_PLUGIN_CONFIG_FILE=PLUGINS_XML).
The scripts check what they did from the application's Python shell (gui_checks.py) and
take screenshots into OUTPUT_DIR. A run fails when paraview exits nonzero or late, when a
check fails or did not run, or when paraview prints anything but the test player's own
progress lines: every VTK error or warning and every Qt warning fails it.
"""

import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# What paraview may print: the test player's progress. Anything else fails the run.
EXPECTED_OUTPUT = re.compile(
    r"^(Process started|Playing: .*|debug: In .*pqTestUtility\.cxx, line \d+|"
    r"debug: Test  \".*\" is finished\. Success =  true)$"
)
SCRIPTS = {
    "TestGUIPluginManager.xml": {"checks": 7},
    "TestGUICachedContour.xml": {"checks": 13},
}


# Seconds one paraview run may take (about 10 are needed), and Xvfb to start.
RUN_SECONDS, DISPLAY_SECONDS = 240, 30


def start_display():
    """A virtual X display of its own (Xvfb picks a free number; only local clients)."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as number:
        if not select.select([number], [], [], DISPLAY_SECONDS)[0]:
            server.kill()
            raise RuntimeError(f"Xvfb gave no display within {DISPLAY_SECONDS} s")
        display = ":" + number.readline().strip()
    return server, display


def _text(output):
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")


def play(paraview, script, substitutions, environment, output):
    with open(os.path.join(HERE, script)) as template:
        events = template.read()
    for name, value in substitutions.items():
        events = events.replace(f"@{name}@", value)
    played = os.path.join(output, script)
    with open(played, "w") as out:
        out.write(events)
    log = os.path.join(output, script + ".log")
    open(log, "w").close()
    environment = dict(environment, TRACKED_GUI_LOG=log, TRACKED_GUI_OUTPUT=output)
    start = time.monotonic()
    try:
        run = subprocess.run(
            [
                paraview,
                "-geometry",
                "1600x1000+0+0",
                "--dr",
                f"--test-directory={output}",
                f"--test-script={played}",
                "--exit",
            ],
            env=environment,
            capture_output=True,
            text=True,
            timeout=RUN_SECONDS,
        )
    except subprocess.TimeoutExpired as expired:  # its output comes as bytes then
        run = subprocess.CompletedProcess(
            expired.cmd,
            f"none: killed after {RUN_SECONDS} s",
            _text(expired.stdout),
            _text(expired.stderr),
        )
    seconds = time.monotonic() - start
    with open(log) as checks:
        lines = checks.read().splitlines()
    printed = (run.stdout + run.stderr).splitlines()
    unexpected = [line for line in printed if line.strip() and not EXPECTED_OUTPUT.match(line)]
    passed = sum(line.startswith("ok ") for line in lines)
    problems = [line for line in lines if line.startswith("FAIL")]
    if run.returncode != 0:
        problems.append(f"paraview exited with status {run.returncode}")
    if unexpected:
        problems.append("paraview printed:\n    " + "\n    ".join(unexpected[:40]))
    if passed != SCRIPTS[script]["checks"]:
        problems.append(f"{passed} checks passed, {SCRIPTS[script]['checks']} expected")
    print(
        f"{script}: {passed} checks, {seconds:.1f} s, "
        f"screenshots: {', '.join(l.split()[1] for l in lines if l.startswith(('screenshot', 'view')))}"
    )
    for problem in problems:
        print(f"  FAILED: {problem}")
    return not problems


def main():
    paraview, plugin, plugins_xml, output = sys.argv[1:5]
    os.makedirs(output, exist_ok=True)
    runtime = tempfile.mkdtemp(prefix="tracked-gui-")  # private: mode 0700
    server = None
    try:
        server, display = start_display()
        # The user's home and settings stay out: ParaView, Qt and the cache see a new one.
        base = dict(
            os.environ,
            DISPLAY=display,
            XDG_RUNTIME_DIR=runtime,
            HOME=runtime,
            XDG_CONFIG_HOME=os.path.join(runtime, "config"),
            VTK_TRACKED_CACHE_DIR=os.path.join(runtime, "cache"),
        )
        base.pop("PV_PLUGIN_CONFIG_FILE", None)
        base.pop("PV_PLUGIN_PATH", None)
        substitutions = {
            "PLUGIN": plugin,
            "CHECKS": HERE,
            "DISK": os.path.join(runtime, "disk-cache"),
        }
        results = [
            play(paraview, "TestGUIPluginManager.xml", substitutions, base, output),
            play(
                paraview,
                "TestGUICachedContour.xml",
                substitutions,
                dict(base, PV_PLUGIN_CONFIG_FILE=plugins_xml),
                output,
            ),
        ]
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(runtime, ignore_errors=True)
    print(f"screenshots and event logs in {output}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
