"""Machine-learning interfaces: the Torch interface differentiates through the device by parameter shift."""

from __future__ import annotations

import numpy as np
import pennylane as qml
import torch

AER = "EMU-AER-16C-128M"
SHOTS = 4000
SIGMA5 = 5 / np.sqrt(SHOTS)


def test_torch_parameter_shift_gradient(scw_env: dict[str, str]) -> None:
    dev = qml.device("scaleway.qaas", wires=2, backend=AER, shots=SHOTS, seed=11)

    @qml.qnode(dev, interface="torch", diff_method="parameter-shift")
    def circuit(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        qml.RX(x, 0)
        qml.RY(y, 1)
        qml.CNOT([0, 1])
        return qml.expval(qml.PauliZ(1))

    x = torch.tensor(0.7, requires_grad=True)
    y = torch.tensor(-0.4, requires_grad=True)
    value = circuit(x, y)
    value.backward()
    # <Z1> = cos(x) cos(y)
    assert isinstance(value, torch.Tensor)
    assert abs(float(value) - np.cos(0.7) * np.cos(-0.4)) < SIGMA5
    assert abs(float(x.grad) + np.sin(0.7) * np.cos(-0.4)) < 2 * SIGMA5
    assert abs(float(y.grad) + np.cos(0.7) * np.sin(-0.4)) < 2 * SIGMA5
