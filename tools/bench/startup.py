#!/usr/bin/env python3
"""Startup benchmarks (see docs/benchmarks.md).

worker: time from exec of the cfm-worker Lambda binary until it asks the Lambda Runtime API for
its first event (ready), and its peak RSS (VmHWM) after handling one empty SQS batch. A small
in-process HTTP server plays the Runtime API.

local-up: time from exec of `cfm local up` until it prints that it is up (venv already installed).

compare: the same for cfm-worker and the minimal Python 3 + boto3 and Node.js + AWS SDK v3
workers in tools/bench/baselines (same seven clients, same stand-in Runtime API), with cfm's
ratio to each.

usage: startup.py worker <path-to-cfm-worker> [runs]
       startup.py compare <path-to-cfm-worker> [runs]
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


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a worker killed while its next poll is held open


def measure(command, runs):
    """(ready ms, peak RSS MiB) of each of `runs` starts of `command`."""
    server = QuietServer(("127.0.0.1", 0), RuntimeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ,
               AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
               AWS_LAMBDA_FUNCTION_NAME="bench", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
               AWS_LAMBDA_FUNCTION_VERSION="1", AWS_LAMBDA_LOG_STREAM_NAME="bench", AWS_LAMBDA_LOG_GROUP_NAME="bench",
               AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               CFM_TABLE="bench", CFM_QUEUE_URL="http://127.0.0.1:1/q", CFM_DLQ_URL="http://127.0.0.1:1/dlq",
               CFM_EVENT_BUS="bench")
    ready, rss = [], []
    for _ in range(runs):
        RuntimeApi.ready.clear()
        RuntimeApi.answered.clear()
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        RuntimeApi.ready.wait(10)
        ready.append((RuntimeApi.ready_at - start) * 1000)
        RuntimeApi.answered.wait(10)
        time.sleep(0.05)
        rss.append(peak_rss_kib(proc.pid) / 1024)
        proc.kill()
        proc.wait()
    server.shutdown()
    return ready, rss


def bench_worker(binary, runs):
    ready, rss = measure([binary], runs)
    print(f"worker ready: median {statistics.median(ready):.1f} ms (min {min(ready):.1f}, max {max(ready):.1f}) over {runs} runs")
    print(f"worker peak RSS: median {statistics.median(rss):.1f} MiB (min {min(rss):.1f}, max {max(rss):.1f})")


BASELINES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "baselines")


def bench_compare(binary, runs):
    workers = [
        ("cfm-worker (Rust)", [binary]),
        ("Python 3 + boto3", [os.path.join(BASELINES, "python/.venv/bin/python"), os.path.join(BASELINES, "python/worker.py")]),
        ("Node.js + AWS SDK v3", ["node", os.path.join(BASELINES, "node/worker.mjs")]),
    ]
    results = [(name, *measure(command, runs)) for name, command in workers]
    cfm_ready, cfm_rss = statistics.median(results[0][1]), statistics.median(results[0][2])
    print(f"| worker | ready (median of {runs}) | min | max | peak RSS (median) | cfm faster to ready | cfm's memory |")
    print("|---|---|---|---|---|---|---|")
    for name, ready, rss in results:
        r, m = statistics.median(ready), statistics.median(rss)
        print(f"| {name} | {r:.1f} ms | {min(ready):.1f} ms | {max(ready):.1f} ms | {m:.1f} MiB | {r / cfm_ready:.1f}x | {cfm_rss / m:.2f}x |")


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
    {"worker": bench_worker, "compare": bench_compare, "local-up": bench_local_up}[kind](binary, runs)
