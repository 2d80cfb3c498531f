#!/usr/bin/env python3
"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd).

Stores each message it accepts as <dir>/<n>.eml, with <dir>/<n>.json holding its decoded
recipient, subject, text and HTML parts (so tests need no MIME decoder), or answers every message with --reply
(for example "550 5.1.1 Mailbox unavailable") to test permanent failures. With --stall it is
a relay that has hung: it accepts connections and never says a word. Listens on 127.0.0.1
only and prints READY once it accepts connections.
"""
import asyncio
import argparse
import email
import email.policy
import itertools
import json
import pathlib
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, reply):
        self.directory = directory
        self.reply = reply
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        raw = envelope.original_content or envelope.content
        stem = self.directory / f"{next(self.counter):04d}"
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        decoded = {
            "to": str(message["To"]),
            "from": str(message["From"]),
            "subject": str(message["Subject"]),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
        }
        pathlib.Path(f"{stem}.eml").write_bytes(raw)
        # Written last and renamed into place, so a reader never sees half a message.
        pathlib.Path(f"{stem}.json.part").write_text(json.dumps(decoded))
        pathlib.Path(f"{stem}.json.part").rename(f"{stem}.json")
        return "250 2.0.0 Message accepted"


async def stall(port):
    async def hold(reader, writer):
        await reader.read()  # until the client gives up and closes
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", port)
    print("READY", flush=True)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=pathlib.Path, required=True)
    parser.add_argument("--reply", default="")
    parser.add_argument("--stall", action="store_true")
    args = parser.parse_args()
    if args.stall:
        asyncio.run(stall(args.port))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(args.dir, args.reply), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("READY", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
