"""One module per framework format: each decodes its documents into neutral results and encodes them back.

The client decodes with them; the emulator encodes with them; the adapters build framework
results from the neutral ones. No module here imports a quantum framework.
"""
