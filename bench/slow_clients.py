"""Slow clients against a local server, while a normal client probes /healthz.

Each slow socket sends "GET / HTTP/1.1\\r\\n" and then one header byte per second, never
finishing the request (the "slowloris" pattern). A server that gives each connection a
worker of its own (gunicorn's sync workers, or gthread's few threads) runs out of them;
a buffering proxy in front (nginx) holds the sockets itself and the site stays up.

    python bench/slow_clients.py --port 8000 [--sockets 40] [--seconds 15] [--max-ms 1000]

Loopback only, bounded in time. Prints one JSON line (probe latencies, failures) and exits
1 when any probe failed or took longer than --max-ms.
"""

import argparse
import ipaddress
import json
import socket
import sys
import threading
import time


def slow_socket(host, port, seconds, stop, opened):
    try:
        sock = socket.create_connection((host, port), timeout=2)
    except OSError:
        return
    opened.append(sock)
    try:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        header = b"X-Slow: " + b"a" * 200
        deadline = time.monotonic() + seconds
        for byte in header:
            if stop.is_set() or time.monotonic() >= deadline:
                break
            sock.sendall(bytes([byte]))
            stop.wait(1)
    except OSError:
        pass  # the server closed it: that is what a defended server does
    finally:
        sock.close()


def probe(host, port, path, timeout):
    """One plain HTTP/1.1 request on a new connection; (status, milliseconds)."""
    started = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(max(0.05, timeout - (time.monotonic() - started)))
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            )
            first = sock.recv(64)
        status = int(first.split(b" ", 2)[1]) if first.startswith(b"HTTP/") else 0
    except (OSError, ValueError, IndexError):
        status = 0
    return status, round((time.monotonic() - started) * 1000, 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sockets", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--probes", type=int, default=8, help="probes spread over the attack")
    parser.add_argument("--path", default="/healthz")
    parser.add_argument("--max-ms", type=float, default=1000)
    args = parser.parse_args(argv)
    if not ipaddress.ip_address(args.host).is_loopback:
        parser.error("loopback addresses only")
    if not 1 <= args.sockets <= 500 or not 0 < args.seconds <= 60:
        parser.error("at most 500 sockets for at most 60 s")

    stop = threading.Event()
    opened = []
    threads = [
        threading.Thread(
            target=slow_socket, args=(args.host, args.port, args.seconds, stop, opened), daemon=True
        )
        for _ in range(args.sockets)
    ]
    for thread in threads:
        thread.start()
    time.sleep(min(2.0, args.seconds / 4))  # let every slow socket connect and start dripping

    results = []
    gap = (args.seconds * 0.75) / args.probes
    for _ in range(args.probes):
        results.append(probe(args.host, args.port, args.path, args.max_ms / 1000))
        time.sleep(gap)
    stop.set()
    for thread in threads:
        thread.join(timeout=3)

    failed = [r for r in results if r[0] != 200 or r[1] > args.max_ms]
    print(
        json.dumps(
            {
                "sockets": args.sockets,
                "connected": len(opened),
                "seconds": args.seconds,
                "probes": len(results),
                "failed": len(failed),
                "statuses": [r[0] for r in results],
                "ms": [r[1] for r in results],
                "max_ms": max(r[1] for r in results),
            }
        )
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
