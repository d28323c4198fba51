"""The build track: the learner writes micrograd in real files; checks run their code in a child
process and compare it with this app's engine."""
