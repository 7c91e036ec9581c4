#!/usr/bin/env python3
"""Packet loss and jitter between two interfaces, in user space, for bench/faults.

    impair.py IFACE_A IFACE_B LOSS_PERCENT DELAY_MS JITTER_MS SEED SECONDS

Every Ethernet frame that arrives on one interface is sent out of the other, except LOSS_PERCENT of
them (chosen at random), each after DELAY_MS +- JITTER_MS (uniform, so frames may be reordered), as
`tc qdisc ... netem loss 30% delay 200ms 200ms` does where the kernel has netem (these machines'
kernel has no netem, no tc classifier and no action module). Run inside the namespace holding both
interfaces, as root (AF_PACKET sockets). Ends after SECONDS, or on SIGTERM/SIGINT, and prints what it
forwarded and dropped on standard error.
"""
import heapq
import os
import random
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def main(argv):
    if len(argv) != 8:
        sys.stderr.write(__doc__)
        return 2
    a, b = argv[1], argv[2]
    loss = float(argv[3]) / 100.0
    delay = float(argv[4]) / 1000.0
    jitter = float(argv[5]) / 1000.0
    rnd = random.Random(int(argv[6]))
    end = time.monotonic() + float(argv[7])
    socks = {}
    for name in (a, b):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((name, 0))
        s.setblocking(False)
        socks[name] = s
    other = {a: socks[b], b: socks[a]}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    queue = []  # (due, seq, socket, frame)
    seq = 0
    forwarded = dropped = 0
    by_fd = {s.fileno(): name for name, s in socks.items()}
    while not stop and time.monotonic() < end:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                out.send(frame)
                forwarded += 1
            except OSError:
                dropped += 1
        wait = 0.05 if not queue else max(0.0, min(0.05, queue[0][0] - now))
        ready, _, _ = select.select(list(socks.values()), [], [], wait)
        for s in ready:
            name = by_fd[s.fileno()]
            for _ in range(64):
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                except OSError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue  # what this relay (or the kernel) sent out of it
                if rnd.random() < loss:
                    dropped += 1
                    continue
                due = time.monotonic() + max(0.0, delay + rnd.uniform(-jitter, jitter))
                seq += 1
                heapq.heappush(queue, (due, seq, other[name], frame))
    sys.stderr.write("impair.py: %s <-> %s: %d frames forwarded, %d dropped\n" % (a, b, forwarded, dropped))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
