#!/usr/bin/env python3
"""Startup benchmarks (see docs/benchmarks.md).

worker: time from exec of the cfm-worker Lambda binary until it asks the Lambda Runtime API for
its first event (ready), and its peak RSS (VmHWM) after handling one empty SQS batch. A small
in-process HTTP server plays the Runtime API.

local-up: time from exec of `cfm local up` until it prints that it is up (venv already installed).

usage: startup.py worker <path-to-cfm-worker> [runs]
       startup.py local-up <path-to-cfm> [runs]
"""
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RuntimeApi(BaseHTTPRequestHandler):
    ready = threading.Event()
    answered = threading.Event()
    ready_at = 0.0

    def log_message(self, *args):
        pass

    def do_GET(self):
        if not RuntimeApi.ready.is_set():
            RuntimeApi.ready_at = time.perf_counter()
            RuntimeApi.ready.set()
        if RuntimeApi.answered.is_set():
            time.sleep(30)  # the next invocation never comes; the benchmark kills the process
        body = json.dumps({"Records": []}).encode()
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()
        RuntimeApi.answered.set()


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def bench_worker(binary, runs):
    server = ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ,
               AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
               AWS_LAMBDA_FUNCTION_NAME="bench", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
               AWS_LAMBDA_FUNCTION_VERSION="1", AWS_LAMBDA_LOG_STREAM_NAME="bench", AWS_LAMBDA_LOG_GROUP_NAME="bench",
               AWS_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               CFM_TABLE="bench", CFM_QUEUE_URL="http://127.0.0.1:1/q", CFM_DLQ_URL="http://127.0.0.1:1/dlq",
               CFM_EVENT_BUS="bench")
    ready, rss = [], []
    for _ in range(runs):
        RuntimeApi.ready.clear()
        RuntimeApi.answered.clear()
        start = time.perf_counter()
        proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        RuntimeApi.ready.wait(10)
        ready.append((RuntimeApi.ready_at - start) * 1000)
        RuntimeApi.answered.wait(10)
        time.sleep(0.05)
        rss.append(peak_rss_kib(proc.pid) / 1024)
        proc.kill()
        proc.wait()
    server.shutdown()
    print(f"worker ready: median {statistics.median(ready):.1f} ms (min {min(ready):.1f}, max {max(ready):.1f}) over {runs} runs")
    print(f"worker peak RSS: median {statistics.median(rss):.1f} MiB (min {min(rss):.1f}, max {max(rss):.1f})")


def bench_local_up(binary, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([binary, "local", "up"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in proc.stdout:
            if line.startswith("cfm is up"):
                times.append(time.perf_counter() - start)
                break
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    print(f"cfm local up ready: median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}) over {runs} runs")


if __name__ == "__main__":
    kind, binary = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    {"worker": bench_worker, "local-up": bench_local_up}[kind](binary, runs)
