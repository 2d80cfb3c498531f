#!/usr/bin/env python3
"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd).

Stores each message it accepts as <dir>/<n>.eml, with <dir>/<n>.json holding its decoded
recipient, subject, text and HTML parts (so tests need no MIME decoder), or answers every message with --reply
(for example "550 5.1.1 Mailbox unavailable") to test permanent failures. With --stall it is
a relay that has hung: it accepts connections and never says a word. Listens on 127.0.0.1
only, on --port or (without it) on a port the system picks, and prints "READY <port>" once it
accepts connections. With --reuse-port it shares a port the test keeps bound (and not
listening) for its whole life, so no other process can take the port between two sinks.
"""
import asyncio
import argparse
import email
import email.policy
import itertools
import json
import pathlib
import signal

from aiosmtpd.smtp import SMTP


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


async def hold(reader, writer):
    await reader.read()  # until the client gives up and closes
    writer.close()


async def serve(args):
    loop = asyncio.get_running_loop()
    where = dict(host="127.0.0.1", port=args.port, reuse_port=args.reuse_port)
    if args.stall:
        server = await asyncio.start_server(hold, **where)
    else:
        args.dir.mkdir(parents=True, exist_ok=True)
        sink = Sink(args.dir, args.reply)
        # SMTPUTF8 on, as aiosmtpd's Controller has it: addresses may carry accents.
        server = await loop.create_server(lambda: SMTP(sink, enable_SMTPUTF8=True), **where)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reuse-port", action="store_true")
    parser.add_argument("--dir", type=pathlib.Path, required=True)
    parser.add_argument("--reply", default="")
    parser.add_argument("--stall", action="store_true")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
