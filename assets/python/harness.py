# parlab's Python harness: runs task(i) from a profile's code and reports each task's own time.
# Started as: python3 -u -c <this file> MODE THREADS, with the profile's code in the environment
# variable PARLAB_PYTHON_CODE.
#   MODE "pool":  THREADS long-lived threads take task numbers from one queue.
#   MODE "spawn": a new thread for every task.
# Protocol (lines): parlab writes one task number per line on stdin; the harness answers
#   "ready" once, then "ok I NS" or "err I JSON-TRACEBACK" per task; closing stdin ends it.
#   A failure before "ready" is reported as "error JSON-TRACEBACK".
#   The harness first moves these pipes to descriptors of its own and points stdin at
#   /dev/null and stdout at stderr, so that what the profile's code prints (or reads)
#   never touches the protocol and cannot fake a reply.
import json
import os
import queue
import sys
import threading
import time
import traceback

mode, threads = sys.argv[1], int(sys.argv[2])
out = threading.Lock()
requests = os.fdopen(os.dup(0), "r")
replies = os.fdopen(os.dup(1), "w")
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
os.dup2(2, 1)


def reply(line):
    with out:
        replies.write(line + "\n")
        replies.flush()


try:
    scope = {"__name__": "parlab_task"}
    exec(compile(os.environ["PARLAB_PYTHON_CODE"], "<profile code>", "exec"), scope)
    task = scope["task"]
    if not callable(task):
        raise TypeError("the profile's code must define a function task(i)")
except BaseException:
    reply("error " + json.dumps(traceback.format_exc()))
    sys.exit(1)


def run(i):
    start = time.perf_counter_ns()
    try:
        task(i)
    except BaseException:
        reply("err %d %s" % (i, json.dumps(traceback.format_exc())))
        return
    reply("ok %d %d" % (i, time.perf_counter_ns() - start))


reply("ready")
if mode == "pool":
    work = queue.Queue()

    def worker():
        while True:
            i = work.get()
            if i is None:
                return
            run(i)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for line in requests:
        work.put(int(line))
    for _ in pool:
        work.put(None)
    for t in pool:
        t.join()
else:
    live = []
    for line in requests:
        t = threading.Thread(target=run, args=(int(line),))
        t.start()
        live = [x for x in live if x.is_alive()] + [t]
    for t in live:
        t.join()
