"""Background threads step aside while a message is answered, and never for long."""

import sys
import threading
import time

from treewright import foreground


def _timed_while_answering(seconds: float, *steps) -> list[float]:
    """Each step's duration, run here while another thread answers for `seconds`."""
    started = threading.Event()

    def answer():
        with foreground.answering():
            started.set()
            time.sleep(seconds)

    thread = threading.Thread(target=answer)
    thread.start()
    started.wait()
    durations = []
    for step in steps:
        began = time.perf_counter()
        step()
        durations.append(time.perf_counter() - began)
    thread.join()
    return durations


def test_background_waits_for_the_answer_and_the_answering_thread_does_not():
    [waited] = _timed_while_answering(0.03, foreground.step_aside)
    assert waited >= 0.015

    alone = time.perf_counter()
    foreground.step_aside()  # nothing being answered
    with foreground.answering():
        foreground.step_aside()  # the answering thread itself
    assert time.perf_counter() - alone < 0.01


def test_a_long_answer_holds_background_work_back_once_and_briefly():
    def many():  # say, a loop holding a lock the answer waits for
        for _ in range(100):
            foreground.step_aside()

    first, again = _timed_while_answering(0.5, foreground.step_aside, many)
    assert 0.03 <= first < 0.3
    assert again < 0.03


def test_imports_in_the_background_step_aside(tmp_path, monkeypatch):
    (tmp_path / "treewright_probe_module.py").write_text("VALUE = 7\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def probe():
        with foreground.imports_step_aside():
            import treewright_probe_module  # noqa: F401

    [waited] = _timed_while_answering(0.03, probe)
    assert sys.modules.pop("treewright_probe_module").VALUE == 7
    assert waited >= 0.015
    assert not any(type(f).__name__ == "_StepAsideOnImport" for f in sys.meta_path)
