# The program the Redis tutorial starts with, run against nodis:
#   python3 examples/hello.py            -> connects to localhost:6379
#   python3 examples/hello.py 7000       -> or to another port (also: NODIS_PORT=7000)
import os
import sys

import redis

port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("NODIS_PORT", "6379"))

r = redis.StrictRedis(host="localhost", port=port, password="", decode_responses=True)
r.set("msg:hello", "Hola Mundo!")
print(r.get("msg:hello"))
