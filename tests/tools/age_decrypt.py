#!/usr/bin/env python3
"""Decrypts an age passphrase file with Debian's `age` tool, which reads passphrases only from
a terminal: runs `age -d -o OUT FILE` in a pseudo-terminal and types the passphrase read from
PASSPHRASE_FILE. Usage: age_decrypt.py FILE PASSPHRASE_FILE OUT. Exits with age's status."""
import os
import pty
import sys

vault, passphrase_file, out = sys.argv[1:4]
with open(passphrase_file, "rb") as f:
    passphrase = f.read().rstrip(b"\n")
pid, fd = pty.fork()
if pid == 0:
    os.execvp("age", ["age", "--decrypt", "--output", out, vault])
seen = b""
typed = False
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not typed and b"passphrase" in seen.lower():
        os.write(fd, passphrase + b"\n")
        typed = True
_, status = os.waitpid(pid, 0)
sys.stderr.write(seen.decode(errors="replace").replace(passphrase.decode(errors="replace"), "[typed]"))
sys.exit(os.waitstatus_to_exitcode(status))
