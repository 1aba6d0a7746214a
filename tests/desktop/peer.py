#!/usr/bin/python3
"""What the tests ask of the desktop, done the way real desktop programs do it.

  peer.py nodes FRAME          the (role, name) of every accessible node in the app's window
                               whose name is FRAME, as JSON (read through AT-SPI, as Orca does)
  peer.py frames               the names of the app's windows, as JSON
  peer.py press FRAME NAME     presses the button (or tab, check box) NAME in window FRAME
  peer.py close WINDOW_ID      asks an X window to close (WM_DELETE_WINDOW, as a window manager)

Run with Debian's python3 (pyatspi and python3-xlib come from Debian packages).
"""

import json
import sys
import time

APP = "sso-launcher"
PRESSABLE = ("push button", "toggle button", "check box", "radio button")


def app_node():
    import pyatspi

    for _ in range(300):
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is not None and app.name == APP:
                return app
        time.sleep(0.1)
    sys.exit(f"no accessible application named {APP}")


def frame(name):
    for _ in range(300):
        for child in app_node():
            if child is not None and child.name == name:
                return child
        time.sleep(0.1)
    sys.exit(f"no window named {name!r}")


def walk(node, found):
    try:
        found.append((node.getRoleName(), node.name))
        for index in range(node.childCount):
            walk(node.getChildAtIndex(index), found)
    except Exception:  # a node that went away while being read
        pass


def nodes(name):
    found = []
    walk(frame(name), found)
    print(json.dumps(found))


def frames():
    print(json.dumps([child.name for child in app_node() if child is not None]))


def press(frame_name, button):
    def search(node):
        if node.getRoleName() in PRESSABLE and node.name == button:
            return node
        for index in range(node.childCount):
            hit = search(node.getChildAtIndex(index))
            if hit is not None:
                return hit
        return None

    for _ in range(300):
        hit = search(frame(frame_name))
        if hit is not None:
            action = hit.queryAction()
            action.doAction(0)
            print(json.dumps({"pressed": button, "action": action.getName(0)}))
            return
        time.sleep(0.1)
    sys.exit(f"no button {button!r} in {frame_name!r}")


def close(window_id):
    from Xlib import X, display, protocol

    screen = display.Display()
    window = screen.create_resource_object("window", int(window_id))
    protocols = screen.intern_atom("WM_PROTOCOLS")
    delete = screen.intern_atom("WM_DELETE_WINDOW")
    event = protocol.event.ClientMessage(
        window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
    )
    window.send_event(event, event_mask=X.NoEventMask)
    screen.flush()


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"nodes": nodes, "frames": frames, "press": press, "close": close}[command](*args)
