"""event_bus.py: the same Python program with and without a leak.

    python3 event_bus.py            every request unsubscribes when done
    python3 event_bus.py --leak     requests forget to unsubscribe

A tiny publish/subscribe bus.  Each request subscribes a handler (a bound
method of the request), handles one event, and closes.  In the leaky run
close() is skipped, so the bus's subscriber list keeps every handler, and
each handler keeps its request and the request's 1,000-byte buffer alive
until exit: the classic "listener never removed" leak.

Run it under heaphunt with PYTHONMALLOC=malloc (otherwise CPython serves
small objects from its own arenas and heaphunt sees the arenas, not the
objects) and PYTHONHASHSEED=0, from an empty directory; see
docs/interpreters.md and examples/interpreters/README.md.

The program ends with os._exit(0), so that t-end shows what the program
still held, not what interpreter finalization left over.

The leak's minimum size, derived by hand: REQUESTS requests each keep a
bytearray(1000), whose buffer CPython allocates with one extra byte for a
trailing NUL (bytearray's ob_alloc = size + 1): 1,001 bytes in one block
per request, 200 x 1,001 = 200,200 bytes.  The Request objects, their
attribute dicts and bound methods, and the list's growth come on top.
"""

import os
import sys

REQUESTS = 200
BUFFER_BYTES = 1000


class Bus:
    def __init__(self):
        self.subscribers = []

    def subscribe(self, handler):
        self.subscribers.append(handler)

    def unsubscribe(self, handler):
        self.subscribers.remove(handler)

    def publish(self, event):
        for handler in self.subscribers:
            handler(event)


class Request:
    def __init__(self, bus, number):
        self.number = number
        self.buffer = bytearray(BUFFER_BYTES)
        self.handled = 0
        # A fresh bound method each time; it is not stored on self, which
        # would make a reference cycle (request -> method -> request) that
        # only the cyclic GC frees, at a time that depends on the number of
        # objects allocated: the clean run would then hold requests too.
        bus.subscribe(self.on_event)

    def on_event(self, event):
        if event == self.number:
            self.buffer[0] = 1
            self.handled += 1

    def close(self, bus):
        # Bound methods of the same object and function compare equal, so
        # list.remove finds the one subscribe() stored.
        bus.unsubscribe(self.on_event)


def main(leak):
    bus = Bus()
    handled = 0
    for number in range(REQUESTS):
        request = Request(bus, number)
        bus.publish(number)
        handled += request.handled
        if not leak:
            request.close(bus)
    print(f"handled {handled} events; {len(bus.subscribers)} subscribers left")
    return bus


if __name__ == "__main__":
    bus = main(leak="--leak" in sys.argv[1:])
    sys.stdout.flush()
    # Exit the way a killed or crashed server does, without the
    # interpreter's finalization: a normal exit frees every object (the bus
    # included), so t-end would be 0 bytes with or without the leak.  What
    # is live now is what the program still held.
    os._exit(0)
