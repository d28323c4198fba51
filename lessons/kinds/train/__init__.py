"""Training labs: the lecture's net (lesson 14, :class:`TrainLab`) and the demo's playground (lesson 16, :class:`DemoLab`).

settings.py holds what the learner may change, setup.py the typed setup a run is
made from, protocol.py the lines the app and the training child exchange,
child.py the child, job.py the app's side of it, lab.py and demo.py the labs.
"""

from .demo import DemoLab
from .lab import TrainLab
from .settings import DEMO, LECTURE, Knob, TrainSettings
from .setup import Setup
from .snapshot import TrainSnapshot

__all__ = ["DEMO", "LECTURE", "DemoLab", "Knob", "Setup", "TrainLab", "TrainSettings", "TrainSnapshot"]
