"""The tray benchmark's measuring side (see scripts/bench-tray): serves a StatusNotifierWatcher,
starts the app with only the tray, clicks its menu over D-Bus and times the browser command."""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

APP, IDLE_SECONDS = sys.argv[1], int(sys.argv[2])
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
dbus.mainloop.glib.threads_init()
REGISTERED = []


class Watcher(dbus.service.Object):
    @dbus.service.method("org.kde.StatusNotifierWatcher", in_signature="s")
    def RegisterStatusNotifierItem(self, service):
        REGISTERED.append(str(service))

    @dbus.service.method("org.kde.StatusNotifierWatcher", in_signature="s")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        return {
            "RegisteredStatusNotifierItems": dbus.Array(REGISTERED, signature="s"),
            "IsStatusNotifierHostRegistered": True,
            "ProtocolVersion": dbus.Int32(0),
        }[prop]


session = dbus.SessionBus()
name = dbus.service.BusName("org.kde.StatusNotifierWatcher", session)
watcher = Watcher(session, "/StatusNotifierWatcher")
threading.Thread(target=GLib.MainLoop().run, daemon=True).start()

work = tempfile.mkdtemp()
stamp = os.path.join(work, "browser-started")
browser = os.path.join(work, "browser.sh")
with open(browser, "w") as script:
    script.write(f'#!/bin/sh\ndate +%s.%N > "{stamp}.tmp" && mv "{stamp}.tmp" "{stamp}"\n')
os.chmod(browser, 0o755)
app = subprocess.Popen(
    [APP, "--demo", "--minimised", "--browser", f"{browser} {{url}}"],
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
client = dbus.bus.BusConnection(os.environ["DBUS_SESSION_BUS_ADDRESS"])


def wait(what, done, limit=60):
    deadline = time.time() + limit
    while not done():
        if time.time() > deadline:
            sys.exit(f"timed out: {what}")
        time.sleep(0.01)


wait("the tray item", lambda: REGISTERED)
menu = client.get_object(REGISTERED[0], "/MenuBar")


def item(prefix):
    """The id of the first menu item whose label starts with prefix (ids change on rebuilds)."""
    _, (_, _, children) = menu.GetLayout(0, -1, ["label"], dbus_interface="com.canonical.dbusmenu")
    for child in children:
        label = str(child[1].get("label", "")).replace("__", "_")
        if label.startswith(prefix):
            return int(child[0])
    return None


wait("the demo favourite in the menu", lambda: item("AssureSign demo") is not None)


def click(prefix):
    menu.Event(item(prefix), "clicked", dbus.Int32(0), dbus.UInt32(0),
               dbus_interface="com.canonical.dbusmenu")


def launch():
    if os.path.exists(stamp):
        os.remove(stamp)
    target = item("AssureSign demo")
    started = time.time()
    menu.Event(target, "clicked", dbus.Int32(0), dbus.UInt32(0),
               dbus_interface="com.canonical.dbusmenu")
    wait("the browser command", lambda: os.path.exists(stamp))
    return float(open(stamp).read()) - started


launch()  # signs in: the bearer is held from here on
times = []
for _ in range(20):
    times.append(launch() * 1000)
    time.sleep(0.3)
print(f"tray click to browser start (warm AssureSign, 20 clicks): median {statistics.median(times):.1f} ms, "
      f"min {min(times):.1f} ms, max {max(times):.1f} ms")


def cpu_ticks():
    fields = open(f"/proc/{app.pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


time.sleep(3)
before = cpu_ticks()
time.sleep(IDLE_SECONDS)
used = (cpu_ticks() - before) * 1000 / os.sysconf("SC_CLK_TCK")
print(f"CPU while idle in the tray for {IDLE_SECONDS} s: {used:.0f} ms")
status = dict(line.split(":", 1) for line in open(f"/proc/{app.pid}/status"))
print(f"memory with the window hidden: resident {status['VmRSS'].strip()}, peak {status['VmHWM'].strip()}")
click("Quit")
app.wait(timeout=20)
