#!/usr/bin/env python3
"""Loads a page in headless Chromium over the DevTools protocol (--remote-debugging-pipe, standard library only)
and prints one JSON object: the DOM once a JavaScript condition holds, console errors, failed requests, requests to
hosts other than 127.0.0.1, and optionally a screenshot written to a file.

Usage: chromium-page.py CHROMIUM URL [--step JS]... [--action JS] [--until JS] [--timeout SECONDS] [--screenshot FILE] [--dark] [--size WxH]
"""
import argparse, base64, json, os, subprocess, sys, tempfile, time, urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("chromium")
parser.add_argument("url")
parser.add_argument("--until", default="true")
parser.add_argument("--action", help="JavaScript run once the page has loaded (a click, say), before --until")
parser.add_argument("--step", action="append", default=[],
                    help="JavaScript evaluated on each loaded page until it returns true (it acts then: fills a form and "
                         "submits it, say), in order, before --action; a step may lead to another page")
parser.add_argument("--timeout", type=float, default=15)
parser.add_argument("--screenshot")
parser.add_argument("--dark", action="store_true")
parser.add_argument("--size", default="1400x1000")
args = parser.parse_args()
width, height = (int(v) for v in args.size.split("x"))

to_child_r, to_child_w = os.pipe()
from_child_r, from_child_w = os.pipe()
profile = tempfile.mkdtemp(prefix="vitals-chromium-")


def child_pipes():
    os.dup2(to_child_r, 3)
    os.dup2(from_child_w, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)


# The child reads commands on fd 3 and writes answers on fd 4.
child = subprocess.Popen(
    [args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
     "--disable-background-networking", "--disable-component-update", "--disable-sync",
     "--user-data-dir=" + profile, "--remote-debugging-pipe", "about:blank"],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    pass_fds=(3, 4), preexec_fn=child_pipes,
)
os.close(to_child_r)
os.close(from_child_w)
deadline = time.time() + args.timeout + 20
buffer = b""
events = []
next_id = 0


def send(method, params=None, session=None):
    global next_id, buffer
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    os.write(to_child_w, json.dumps(message).encode() + b"\0")
    while True:
        while b"\0" not in buffer:
            if time.time() > deadline:
                raise SystemExit("chromium-page: no answer to " + method)
            chunk = os.read(from_child_r, 65536)
            if not chunk:
                raise SystemExit("chromium-page: chromium closed the pipe")
            buffer += chunk
        raw, buffer = buffer.split(b"\0", 1)
        answer = json.loads(raw)
        if answer.get("id") == next_id:
            if "error" in answer:
                raise SystemExit(f"chromium-page: {method}: {answer['error']}")
            return answer.get("result", {})
        events.append(answer)


try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Network", "Page"):
        send(domain + ".enable", session=session)
    send("Emulation.setDeviceMetricsOverride",
         {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
    send("Emulation.setEmulatedMedia",
         {"features": [{"name": "prefers-color-scheme", "value": "dark" if args.dark else "light"}]}, session)
    send("Page.navigate", {"url": args.url}, session)
    held = False
    until = time.time() + args.timeout
    for step in args.step:
        done = False
        while time.time() < until and not done:
            try:
                check = send("Runtime.evaluate", {"expression": f"document.readyState === 'complete' && !!({step})",
                                                  "returnByValue": True}, session)
                done = check.get("result", {}).get("value") is True
            except SystemExit:
                # A navigation destroyed the page the expression ran in: try again on the next one.
                if time.time() > deadline:
                    raise
            if not done:
                time.sleep(0.2)
        if not done:
            raise SystemExit("chromium-page: the step never held: " + step)
        time.sleep(0.3)
    if args.action:
        while time.time() < until:
            ready = send("Runtime.evaluate", {"expression": "document.readyState", "returnByValue": True}, session)
            if ready.get("result", {}).get("value") == "complete":
                break
            time.sleep(0.1)
        send("Runtime.evaluate", {"expression": args.action}, session)
        time.sleep(0.3)
    while time.time() < until:
        check = send("Runtime.evaluate", {"expression": f"document.readyState === 'complete' && !!({args.until})",
                                          "returnByValue": True}, session)
        if check.get("result", {}).get("value") is True:
            held = True
            break
        time.sleep(0.2)
    dom = send("Runtime.evaluate", {"expression": "document.documentElement.outerHTML", "returnByValue": True},
               session)["result"]["value"]
    if args.screenshot:
        shot = send("Page.captureScreenshot", {"format": "png"}, session)
        with open(args.screenshot, "wb") as file:
            file.write(base64.b64decode(shot["data"]))
    console_errors, failed, outside = [], [], []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            console_errors.append(params["entry"].get("text", ""))
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            failed.append(params.get("errorText", ""))
        elif method == "Network.requestWillBeSent":
            host = urllib.parse.urlsplit(params["request"]["url"]).hostname
            if params["request"]["url"].startswith(("http:", "https:", "ws:")) and host != "127.0.0.1":
                outside.append(params["request"]["url"])
    print(json.dumps({"held": held, "dom": dom, "console_errors": console_errors, "failed_requests": failed,
                      "outside_requests": outside}))
finally:
    child.kill()
    child.wait()
    subprocess.run(["rm", "-rf", profile])
