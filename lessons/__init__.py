"""The lessons: the lab contract, the lab kinds, the ordered course, the build exercises; plain Python on the engine."""
