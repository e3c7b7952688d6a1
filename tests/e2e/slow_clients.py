"""slow_clients.py ADDR PORT N SECONDS READY: a slowloris client.

Opens N connections to 127.0.0.1:PORT from the local address ADDR, each
starting a request and then trickling one header byte per connection
every half second, never finishing it.  Once all are opened it creates
the file READY.  It stops when the server has closed every connection or
after SECONDS, and prints "opened N closed C open O".
"""
import os
import socket
import sys
import time

addr, port, n, seconds, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    float(sys.argv[4]), sys.argv[5]
conns, closed = [], 0
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((addr, 0))
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        s.setblocking(False)
        conns.append(s)
    except OSError:
        closed += 1
        s.close()
open(ready, "w").close()
end = time.monotonic() + seconds
while conns and time.monotonic() < end:
    time.sleep(0.5)
    alive = []
    for s in conns:
        try:
            # A closed connection reads as end of stream or an error.
            try:
                if s.recv(4096) == b"":
                    raise OSError("closed")
            except BlockingIOError:
                pass
            s.send(b"a")
            alive.append(s)
        except OSError:
            closed += 1
            s.close()
    conns = alive
print("opened %d closed %d open %d" % (n, closed, len(conns)))
