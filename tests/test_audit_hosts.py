"""audit_fetch.by_host: several hosts at once, never two requests to one host at once, and no host
left waiting while another is read through to its end."""

from __future__ import annotations

import threading
import time

from syndicate.delivery.audit_fetch import HostPacer, by_host


def test_hosts_at_once_one_copy_of_each_at_a_time() -> None:
    pacer = HostPacer(0.0)
    queues = {host: [f"{host}{n}" for n in range(4)] for host in "abc"}
    order: list[str] = []
    active: dict[str, int] = {}
    overlap: list[str] = []
    lock = threading.Lock()

    def handle(item: str) -> None:
        host = item[0]
        pacer.wait(host)
        with lock:
            active[host] = active.get(host, 0) + 1
            if active[host] > 1:
                overlap.append(item)
            order.append(item)
        time.sleep(0.01)  # (a request: lets the other workers run)
        with lock:
            active[host] -= 1

    by_host(queues, pacer, 2, handle)  # fewer workers than hosts
    assert sorted(order) == sorted(i for items in queues.values() for i in items)
    assert overlap == []
    # every host had its first copy read before any host its third: none waited for another to finish
    assert max(order.index(f"{h}0") for h in "abc") < min(order.index(f"{h}2") for h in "abc")
    for host in "abc":  # each host's copies in their order
        mine = [i for i in order if i[0] == host]
        assert mine == sorted(mine)


def test_one_worker_takes_the_hosts_in_turn() -> None:
    pacer = HostPacer(0.0)
    order: list[str] = []

    def handle(item: str) -> None:
        pacer.wait(item[0])
        order.append(item)

    by_host({"a": ["a0", "a1"], "b": ["b0", "b1"], "c": []}, pacer, 1, handle)
    assert order == ["a0", "b0", "a1", "b1"]  # the host asked longest ago first
