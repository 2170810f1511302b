"""Framework adapters: Qiskit, Cirq, PennyLane and CUDA-Q on top of the neutral core."""
