# A terminal chat room on nodis (or Redis), with redis-py.
#
#   python3 examples/chat/chat.py alice            -> joins room "lobby" on localhost:6379
#   python3 examples/chat/chat.py bob kitchen 7000 -> room "kitchen" on port 7000 (also: NODIS_PORT)
#
# A room is a pub/sub channel, chat:<room>; every message is also appended to the list
# chat:<room>:history (the last 100 are kept); whoever joins is first shown the last 10.
# Type a line and press Enter to send it; Ctrl-D (end of input) leaves the room.
import os
import sys
import threading

import redis

HISTORY_KEEP = 100
HISTORY_SHOWN = 10

name = sys.argv[1] if len(sys.argv) > 1 else "anonymous"
room = sys.argv[2] if len(sys.argv) > 2 else "lobby"
port = int(sys.argv[3]) if len(sys.argv) > 3 else int(os.environ.get("NODIS_PORT", "6379"))
channel = f"chat:{room}"
history = f"chat:{room}:history"

r = redis.Redis(host="localhost", port=port, decode_responses=True)


def send(text):
    # One transaction: the history and the live subscribers see the same messages, in order.
    pipe = r.pipeline(transaction=True)
    pipe.rpush(history, text)
    pipe.ltrim(history, -HISTORY_KEEP, -1)
    pipe.publish(channel, text)
    pipe.execute()


# Subscribe first, then read the history: a message sent in between is shown twice rather
# than missed.
sub = r.pubsub()
sub.subscribe(channel)
while True:  # wait for the confirmation: from now on no message is missed
    confirmation = sub.get_message(timeout=5)
    if confirmation is not None and confirmation["type"] == "subscribe":
        break

past = r.lrange(history, -HISTORY_SHOWN, -1)
if past:
    print(f"--- last {len(past)} message{'s' if len(past) > 1 else ''} in #{room} ---")
    for line in past:
        print(line)
print(f"--- you are {name} in #{room}; type a message and press Enter, Ctrl-D to leave ---", flush=True)


def listen():
    for message in sub.listen():
        if message["type"] == "message":
            print(message["data"], flush=True)


threading.Thread(target=listen, daemon=True).start()

send(f"* {name} joined")
for line in sys.stdin:
    text = line.rstrip("\n")
    if text:
        send(f"{name}: {text}")
send(f"* {name} left")
# Exiting ends the listening thread (a daemon) and closes both connections.
