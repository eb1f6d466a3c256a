#!/usr/bin/env python3
"""Starts attnc, waits until its temporary folder exists, sends a signal and
checks that attnc died of that signal, leaving neither its temporary folder
nor the output behind.

  interrupt_attnc.py SIGNAME ATTNC MODEL OUT TMPDIR
"""
import os
import signal
import subprocess
import sys
import time


def main():
    signame, attnc, model, out, tmp = sys.argv[1:6]
    sig = getattr(signal, signame)
    os.makedirs(tmp, exist_ok=True)
    env = dict(os.environ, TMPDIR=tmp)
    proc = subprocess.Popen([attnc, model, "-o", out], env=env)
    deadline = time.time() + 120
    while not os.listdir(tmp):
        if proc.poll() is not None or time.time() > deadline:
            sys.exit("attnc ended (or took too long) before making its "
                     "temporary folder")
        time.sleep(0.01)
    time.sleep(0.3)  # into the compilation
    if proc.poll() is not None:
        sys.exit("attnc ended before the signal")
    proc.send_signal(sig)
    code = proc.wait()
    left = os.listdir(tmp)
    print("%s: status %d, left in TMPDIR: %s, output exists: %s" % (
        signame, code, left or "nothing", os.path.exists(out)))


if __name__ == "__main__":
    main()
