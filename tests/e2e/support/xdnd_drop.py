#!/usr/bin/python3
"""Drops files onto an X11 window the way a file manager does: an XDND (version 5) drag from
another X client. Run with /usr/bin/python3 (Debian's `python3-xlib` installs for it).

Usage: xdnd_drop.py [--display :N] [--name Gamefilm] [--hold] [--timeout S] [-v] [--] PATH...

The steps, as the XDND spec (freedesktop.org, version 5) has them and GTK 3's GDK expects them:

1. Find the target: a viewable window named NAME (`_NET_WM_NAME`, else `WM_NAME`) that carries
   `XdndAware` (GDK puts it on the toplevel of any window with a drop site; its value is the
   highest XDND version the target speaks). If the target has `XdndProxy` pointing at a window
   whose own `XdndProxy` points at itself, the messages go to that window instead, still naming
   the target.
2. Make a source window of our own (1x1, unmapped): GDK looks the source window up when the drag
   enters and ignores drags from windows that do not exist. A property change on it yields a
   server timestamp, so the selection ownership and the messages carry a real time.
3. Own `XdndSelection` with that timestamp and put the offered types in `XdndTypeList` (only
   `text/uri-list` here: three or fewer types also travel in the enter message itself).
4. `XdndEnter` (l[0] source, l[1] version << 24, l[2..4] types), then `XdndPosition` (l[2] the
   point in root coordinates as x << 16 | y, here the centre of the target's content area; l[3]
   the timestamp; l[4] `XdndActionCopy`).
5. Wait for `XdndStatus` (l[1] bit 0: accepted; l[4]: the action the target will take). GTK's
   drop sites answer only when the widget has decided, and WebKitGTK decides only after it has
   *fetched the data* during the motion: GDK converts `XdndSelection` to `text/uri-list`, so a
   `SelectionRequest` arrives before the status. Every `SelectionRequest`, at any step, is
   answered: `text/uri-list` gets `file:///abs/path\r\n` per file (percent-encoded), `TARGETS`
   the list of types, anything else a refusal (property None). A status that does not accept is
   followed by another position after a short pause, as a hand keeps moving, until the target
   accepts or the time is up.
6. With `--hold`, print `hovering <action>` on stdout and wait for a line on stdin before going
   on (still answering the target meanwhile), so that a test can look at the window while the
   drag hovers over it. The line `leave` abandons the drag instead: `XdndLeave`, print `left`,
   then wait for another line or the end of stdin before exiting 0, as when the pointer moves
   off the window and the file manager carries on. (Exiting at once would destroy the source
   window right behind the `XdndLeave`, and GTK 3 then drops the message about half the time:
   the target never hears that the drag left.)
7. `XdndDrop` (l[2] the timestamp), answer the requests that follow, and wait for `XdndFinished`
   (l[1] bit 0: the target accepted the drop; l[2]: the action it performed). Print
   `dropped <action>` and exit 0.

Exit status: 0 dropped and accepted; 1 usage or environment; 2 no target window; 3 the target
never accepted (an `XdndLeave` is sent); 4 no `XdndFinished` in time, or the drop was refused.
Every message sent and received is logged to stderr with `-v`, and the last of them on failure.
"""

import argparse
import os
import select
import sys
import time
import urllib.parse

from Xlib import X, Xatom, display, error
from Xlib.protocol import event

XDND_VERSION = 5


class Failure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Drag:
    def __init__(self, disp, paths, verbose):
        self.d = disp
        self.root = disp.screen().root
        self.verbose = verbose
        self.log = []
        self.uri_list = "".join(
            "file://" + urllib.parse.quote(os.path.abspath(p)) + "\r\n" for p in paths
        ).encode()
        a = disp.intern_atom
        self.atoms = {
            n: a(n)
            for n in (
                "XdndAware", "XdndProxy", "XdndSelection", "XdndTypeList", "XdndEnter",
                "XdndPosition", "XdndStatus", "XdndLeave", "XdndDrop", "XdndFinished",
                "XdndActionCopy", "TARGETS", "text/uri-list", "_NET_WM_NAME", "UTF8_STRING",
                "_GAMEFILM_XDND_TIME",
            )
        }
        self.uri_atom = self.atoms["text/uri-list"]
        self.source = self.root.create_window(
            -10, -10, 1, 1, 0, X.CopyFromParent, X.InputOutput, X.CopyFromParent,
            override_redirect=True, event_mask=X.PropertyChangeMask,
        )
        self.time = X.CurrentTime
        self.status = None  # (accepted, action) of the last XdndStatus
        self.finished = None  # (accepted, action) of XdndFinished
        self.requests = 0

    def note(self, what):
        self.log.append(what)
        if self.verbose:
            print(f"xdnd: {what}", file=sys.stderr, flush=True)

    def name(self, atom):
        return self.d.get_atom_name(atom) if atom else "None"

    # Finding the target.

    def window_name(self, w):
        try:
            p = w.get_full_property(self.atoms["_NET_WM_NAME"], self.atoms["UTF8_STRING"])
            if p is not None and p.value:
                v = p.value
                return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
            n = w.get_wm_name()
            return n.decode("latin-1") if isinstance(n, bytes) else n
        except error.XError:
            return None

    def find_target(self, title):
        """The XdndAware, viewable window named `title` (depth first, topmost first)."""
        stack = [self.root]
        while stack:
            w = stack.pop()
            try:
                children = w.query_tree().children
            except error.XError:
                continue
            for child in children:  # bottom to top: the topmost ends up popped first
                stack.append(child)
            if w == self.root or self.window_name(w) != title:
                continue
            try:
                viewable = w.get_attributes().map_state == X.IsViewable
                aware = w.get_full_property(self.atoms["XdndAware"], Xatom.ATOM)
            except error.XError:
                continue
            if viewable and aware is not None and len(aware.value) > 0:
                return w, int(aware.value[0])
        return None, 0

    def proxy_of(self, target):
        """The window that gets the messages: the target, or its valid XdndProxy."""
        p = target.get_full_property(self.atoms["XdndProxy"], Xatom.WINDOW)
        if p is None or len(p.value) == 0:
            return target
        proxy = self.d.create_resource_object("window", int(p.value[0]))
        try:
            back = proxy.get_full_property(self.atoms["XdndProxy"], Xatom.WINDOW)
        except error.XError:
            return target
        if back is not None and len(back.value) > 0 and int(back.value[0]) == proxy.id:
            self.note(f"target 0x{target.id:x} proxies to 0x{proxy.id:x}")
            return proxy
        return target

    # Talking.

    def server_time(self):
        """A server timestamp: the time of a PropertyNotify for our own window."""
        self.source.change_property(
            self.atoms["_GAMEFILM_XDND_TIME"], Xatom.STRING, 8, b"", X.PropModeAppend
        )
        self.d.flush()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            ev = self.next_event(deadline)
            if ev is not None and ev.type == X.PropertyNotify and ev.window == self.source:
                return ev.time
        raise Failure(1, "the X server sent no PropertyNotify for our own window")

    def send(self, kind, data):
        data = list(data) + [0] * (5 - len(data))
        ev = event.ClientMessage(
            window=self.target, client_type=self.atoms[kind], data=(32, data)
        )
        self.dest.send_event(ev, event_mask=0, propagate=False)
        self.d.flush()
        self.note(f"sent {kind} {data}")

    def next_event(self, deadline):
        """The next event, or None once `deadline` (monotonic) has passed."""
        while True:
            if self.d.pending_events():
                return self.d.next_event()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            select.select([self.d], [], [], min(left, 0.1))

    def handle(self, ev):
        """Answers selection requests, records status and finished messages."""
        if ev.type == X.SelectionRequest:
            self.answer(ev)
        elif ev.type == X.SelectionClear and ev.atom == self.atoms["XdndSelection"]:
            self.note("lost the XdndSelection")
        elif ev.type == X.ClientMessage:
            fmt, data = ev.data
            kind = self.name(ev.client_type)
            if kind == "XdndStatus":
                self.status = (bool(data[1] & 1), self.name(data[4]))
                self.note(f"got XdndStatus accept={self.status[0]} action={self.status[1]} "
                          f"wants-position={bool(data[1] & 2)}")
            elif kind == "XdndFinished":
                self.finished = (bool(data[1] & 1), self.name(data[2]))
                self.note(f"got XdndFinished accepted={self.finished[0]} "
                          f"action={self.finished[1]}")
            else:
                self.note(f"got ClientMessage {kind} {list(data)}")

    def answer(self, ev):
        self.requests += 1
        target = ev.target
        prop = ev.property or target  # obsolete requestors name no property
        if ev.selection != self.atoms["XdndSelection"]:
            prop = X.NONE
        elif target == self.uri_atom:
            ev.requestor.change_property(prop, self.uri_atom, 8, self.uri_list)
        elif target == self.atoms["TARGETS"]:
            ev.requestor.change_property(
                prop, Xatom.ATOM, 32, [self.atoms["TARGETS"], self.uri_atom]
            )
        else:
            prop = X.NONE
        reply = event.SelectionNotify(
            time=ev.time, requestor=ev.requestor, selection=ev.selection, target=target,
            property=prop,
        )
        ev.requestor.send_event(reply, event_mask=0, propagate=False)
        self.d.flush()
        self.note(f"answered SelectionRequest for {self.name(target)} from "
                  f"0x{ev.requestor.id:x}: {'refused' if prop == X.NONE else 'sent'}")

    def pump(self, until, deadline):
        """Handles events until `until()` holds (True) or the deadline passes (False)."""
        while not until():
            ev = self.next_event(deadline)
            if ev is None:
                return False
            self.handle(ev)
        return True

    # The drag.

    def run(self, title, hold, timeout):
        deadline = time.monotonic() + timeout
        target, version = None, 0
        while target is None:
            target, version = self.find_target(title)
            if target is None:
                if time.monotonic() >= deadline:
                    raise Failure(2, f"no viewable XdndAware window named {title!r}")
                time.sleep(0.1)
        self.target = target.id
        self.dest = self.proxy_of(target)
        version = min(version, XDND_VERSION)
        geo = target.get_geometry()
        origin = self.root.translate_coords(target, 0, 0)
        x, y = origin.x + geo.width // 2, origin.y + geo.height // 2
        self.note(f"target 0x{target.id:x} ({geo.width}x{geo.height} at {origin.x},{origin.y}), "
                  f"XdndAware version {version}; pointing at {x},{y}")
        if version < 3:
            raise Failure(2, f"the target speaks XDND version {version}; GDK needs 3 or more")

        self.time = self.server_time()
        sel = self.atoms["XdndSelection"]
        self.source.set_selection_owner(sel, self.time)
        self.source.change_property(self.atoms["XdndTypeList"], Xatom.ATOM, 32, [self.uri_atom])
        if self.d.get_selection_owner(sel) != self.source:
            raise Failure(1, "could not own XdndSelection")
        src = self.source.id
        self.send("XdndEnter", [src, version << 24, self.uri_atom])

        copy = self.atoms["XdndActionCopy"]
        while True:
            self.status = None
            self.send("XdndPosition", [src, 0, (x << 16) | y, self.time, copy])
            if not self.pump(lambda: self.status is not None, deadline):
                self.leave()
                raise Failure(3, "no XdndStatus in reply to XdndPosition"
                              + self.received())
            if self.status[0]:
                break
            self.pump(lambda: False, min(deadline, time.monotonic() + 0.2))
            if time.monotonic() >= deadline:
                self.leave()
                raise Failure(3, f"the target never accepted: last XdndStatus action "
                              f"{self.status[1]}" + self.received())

        if hold:
            print(f"hovering {self.status[1]}", flush=True)
            line = self.wait_for_stdin()
            if line is None:
                self.leave()
                raise Failure(1, "stdin closed before the drop was asked for")
            if line.strip() == "leave":
                self.leave()
                print("left", flush=True)
                # The source stays, as a file manager does: GTK 3 loses an XdndLeave whose
                # source window is gone by the time it reads it (no drag-leave is emitted, so
                # the target never hears that the drag left).
                self.wait_for_stdin()
                return
            deadline = time.monotonic() + timeout

        self.send("XdndDrop", [src, 0, self.time])
        if not self.pump(lambda: self.finished is not None, deadline):
            raise Failure(4, "no XdndFinished after XdndDrop" + self.received())
        if version >= 5 and not self.finished[0]:
            raise Failure(4, "the target refused the drop (XdndFinished not accepted)"
                          + self.received())
        print(f"dropped {self.finished[1]}", flush=True)

    def wait_for_stdin(self):
        """Answers the target until a line arrives on stdin: the line, or None at end of file."""
        while True:
            while self.d.pending_events():
                self.handle(self.d.next_event())
            ready, _, _ = select.select([self.d, sys.stdin], [], [], 0.1)
            if sys.stdin in ready:
                return sys.stdin.readline() or None

    def leave(self):
        self.send("XdndLeave", [self.source.id])

    def received(self):
        return f" (selection requests answered: {self.requests}; last steps: " \
               f"{'; '.join(self.log[-8:]) or 'none'})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--display", default=os.environ.get("DISPLAY"))
    ap.add_argument("--name", default="Gamefilm", help="the target window's title")
    ap.add_argument("--hold", action="store_true",
                    help="print 'hovering', then wait for a line on stdin: 'leave' or a drop")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds for each wait")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    try:
        disp = display.Display(args.display)
    except Exception as e:  # python-xlib raises several kinds
        print(f"xdnd_drop: cannot open display {args.display!r}: {e}", file=sys.stderr)
        return 1
    drag = Drag(disp, args.paths, args.verbose)
    try:
        drag.run(args.name, args.hold, args.timeout)
    except Failure as f:
        print(f"xdnd_drop: {f}", file=sys.stderr)
        return f.code
    finally:
        disp.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
